// Event → the exact bytes of one text/event-stream message (WHATWG HTML,
// "Server-sent events"), plus the fixed messages a stream sends on its own.
//
// Each function returns a fresh immutable SharedBytes built in one allocation; the
// caller owns that reference and may share it across streams and threads. EventFields
// only borrows its views: they must stay valid for the duration of the call and are
// never retained. All functions are pure and thread-safe.
//
// Encoding is split from validation so that a publish request can be checked as a
// whole before any of its events is encoded: call ValidateEventFields first;
// EncodeEvent assumes it returned ok.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/shared_bytes.h"
#include "core/status.h"

namespace ssegw {

struct EventFields {
  std::string_view id = {};    // empty: no "id:" line
  std::string_view type = {};  // empty: no "event:" line (browsers use "message")
  std::string_view data = {};  // may be empty, may hold CR, LF, CRLF and NUL
  uint32_t retry_ms = 0;       // 0: no "retry:" line
};

// Ok, or the first of: kIdHasLineBreakOrNul, kIdNotUtf8, kTypeHasLineBreakOrNul,
// kTypeNotUtf8, kDataNotUtf8.
Status ValidateEventFields(const EventFields& e);

// "id: <id>\n" (if any), "event: <type>\n" (if any), "retry: <ms>\n" (if > 0), one
// "data: <line>\n" per line of data (CRLF, CR and LF each end a line; an empty line is
// written "data:\n"), then "\n". A data line that starts with a space keeps it because
// the prefix is always "data: " and parsers strip only one space.
// Precondition: ValidateEventFields(e).ok().
SharedBytes EncodeEvent(const EventFields& e);

// ": keepalive\n\n" — a comment that keeps idle streams and proxies alive.
SharedBytes EncodeKeepAlive();

// "retry: <ms>\n\n" — sent once at the start of a stream. The blank line dispatches
// nothing (no data) but ends the field block so the next event starts clean.
SharedBytes EncodeRetryPreamble(uint32_t retry_ms);

// The event sent when a client resumes from an id no longer in history:
// "id: <resume_id>\n" (only when resume_id is non-empty, so the browser's next
// reconnect names the newest retained event rather than the stale id again), then
// "event: gap\ndata: <unknown_id>\n\n".
// Precondition: neither argument holds CR, LF or NUL.
SharedBytes EncodeGap(std::string_view unknown_id, std::string_view resume_id);

}  // namespace ssegw
