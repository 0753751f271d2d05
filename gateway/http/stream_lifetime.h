// When an SSE stream with a maximum age ends: its start plus the age, minus a jitter of
// up to 10% that is fixed per stream, so streams opened together (after a deploy, say)
// do not all reconnect in the same instant. Shared by the HTTP/2 and HTTP/1.1 sessions.
// Pure.
#pragma once

#include <cstdint>

namespace ssegw::http {

// The time (ms) at which a stream started at `now_ms` is ended; 0 when `max_age_ms` is
// 0 (no age limit). `stream_key` (e.g. the stream id) picks the jitter; never before
// now_ms + 1.
uint64_t StreamEndOfLife(uint64_t now_ms, uint64_t max_age_ms, uint64_t stream_key);

}  // namespace ssegw::http
