// NewSession: one HTTP/1.1 server connection's protocol state — requests parsed with
// http_parser (Debian's libhttp-parser), answered with the same routes and SSE streams
// as HTTP/2 (http/routes, http/stream). Implements http::HttpSession, so the connection drives
// it exactly like the HTTP/2 session: bytes in through Receive(), bytes out through
// ProduceOutput() once per turn after OnOutputPending(), time through OnTimer().
//
// Requests are answered one at a time, in order (pipelining works; responses never
// overlap). A fixed response (/healthz, /metrics, 4xx, ...) carries content-length and
// the connection stays open for the next request. An event stream is a chunked response
// (`connection: keep-alive`) that occupies the connection until it ends — by the
// slow-consumer rule, the age limit, a lost catch-up or shutdown — with the terminating
// chunk; then the next pipelined request, if any, is answered. HTTP/1.0 clients get the
// stream close-delimited, and the connection closes after it.
//
// Malformed input ends the connection after one error response: a parse error, a bare
// CR, obs-fold, whitespace before a header colon, control bytes in a value, a missing or
// repeated Host (HTTP/1.1), content-length together with transfer-encoding, differing or
// repeated content-length, an unknown transfer coding → 400; the request line or header
// section past its limit → 414 / 431; an HTTP version other than 1.0 and 1.1 → 505. Our routes take
// no body: a request announcing one (content-length > 0 or any transfer-encoding) gets its route's
// error, or 400, and the connection closes without reading the body. Input that waits unanswered
// behind a response past `max_buffered_input` is fatal (Receive returns false).
//
// No sockets, no clocks. Single-threaded; destroying the session unsubscribes its stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "http/session.h"

namespace ssegw::h1 {

struct Limits {
  size_t max_request_line = 8 * 1024;      // longer: 414
  size_t max_buffered_input = 256 * 1024;  // unparsed input held while busy; more: fatal
  uint64_t idle_timeout_ms = 60 * 1000;    // no request for this long while idle: close
};

// An HTTP/1.1 server session. Header count and size limits come from `options`
// (max_header_count, max_header_list_bytes), as for HTTP/2. OnTimer() sends keep-alive
// comments and applies the age limit to the open event stream, and returns false when
// the connection has been idle (no response in progress) for idle_timeout_ms, or when
// the event stream was ended by the slow-consumer rule and its client has not taken
// what was queued within options.slow_consumer_grace_ms (its queue is freed first).
// Shutdown() ends the event stream (terminating chunk) or the response in progress,
// answers no further request, and finishes.
std::unique_ptr<http::HttpSession> NewSession(http::SessionEnvironment& env,
                                              const http::SessionOptions& options,
                                              const Limits& limits, http::OutputListener& owner);

}  // namespace ssegw::h1
