// AccessRecord: what the access log says of one finished request or stream (method,
// path without any token, status, protocol, duration, bytes, events), filled by the
// HTTP layer and written by whoever the session environment hands it to. Plain values;
// the views need to live for the call they are passed to only.
#pragma once

#include <cstdint>
#include <string_view>

namespace ssegw::http {

struct AccessRecord {
  std::string_view method;    // as received, e.g. "GET"
  std::string_view path;      // request target; the environment removes any token from it
  int status = 0;             // the response status sent (0: none was sent)
  std::string_view protocol;  // "h2", "h2c", "http/1.1", "http/1.0"
  double duration_ms = 0;     // from the request's headers to its end
  uint64_t bytes = 0;         // response bytes sent: body, or SSE bytes for a stream
  uint64_t events = 0;        // SSE events sent (0 for other responses)
};

}  // namespace ssegw::http
