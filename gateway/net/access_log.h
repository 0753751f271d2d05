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

#include "http/access_record.h"

namespace ssegw::net {

using http::AccessRecord;

void LogAccess(const AccessRecord& record);

}  // namespace ssegw::net
