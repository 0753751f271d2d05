// The access log: one line per finished request or stream, at info, in the log's format
// (net/log.h). Text:
//   TIME info access method=GET path=/events/clock status=200 protocol=h2
//        duration_ms=1520.250 bytes=4821 events=12
// JSON: {"time":...,"level":"info","message":"access","method":"GET",...}
//
// The caller fills the record and must have removed any token from the path (a query
// parameter holding a JWT must never reach a log). Thread-safe like net/log.h: call it
// from any loop; the record's views need to live for the call only.
#pragma once

#include <cstdint>
#include <string_view>

namespace ssegw::net {

struct AccessRecord {
  std::string_view method;    // as received, e.g. "GET"
  std::string_view path;      // request target without any token
  int status = 0;             // the response status sent (0: none was sent)
  std::string_view protocol;  // "h2", "h2c", "http/1.1", "http/1.0"
  double duration_ms = 0;     // from the request's headers to its end
  uint64_t bytes = 0;         // response bytes sent: body, or SSE bytes for a stream
  uint64_t events = 0;        // SSE events sent (0 for other responses)
};

void LogAccess(const AccessRecord& record);

}  // namespace ssegw::net
