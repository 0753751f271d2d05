// NewServerSession: one HTTP/2 server connection's protocol state — an nghttp2 server
// session driven through memory, with the gateway's routes and SSE streams on top.
//
// Bytes read from the peer go in through Receive(); frames to send come out through
// ProduceOutput(), which the owner calls once per loop turn after OnOutputPending() told
// it there is something to send (callbacks never write to a socket). SSE responses are
// never-ending DATA sources: they pause (NGHTTP2_ERR_DEFERRED) while their queue is
// empty and resume when the fanout delivers; their payload is copied from the shared event
// buffers straight into the output (NGHTTP2_DATA_FLAG_NO_COPY), not through nghttp2.
//
// No sockets, no clocks: time arrives as `now_ms` in OnTimer(). Single-threaded: a
// session lives on its connection's event loop. Destroying it unsubscribes its streams.
#pragma once

#include <memory>

#include "http/session.h"

namespace ssegw::h2 {

// An HTTP/2 server session. Start() queues the server preface (SETTINGS). Receive()
// returning false means a fatal protocol error with a GOAWAY queued: nghttp2's checks,
// the RFC 9113 closed-stream and PRIORITY rules (STREAM_CLOSED, PROTOCOL_ERROR) and
// floods of frames to acknowledge (ENHANCE_YOUR_CALM). After the client's GOAWAY the
// session still answers PING and SETTINGS, finishes the open streams, and once none is
// left sends its own GOAWAY and finishes (OnOutputPending tells the owner). A request
// body is refused with 400 (or the route's own error); it never opens an event stream.
// OnTimer() sends keep-alive comments on streams idle for a keep-alive period and a PING
// per period (an unanswered one after a whole period returns false: the peer is gone),
// and ends streams past max age cleanly, with jitter, and resets (RST_STREAM CANCEL)
// streams ended by the slow-consumer rule whose client has not taken what was queued
// within the grace, freeing their queues at once. Shutdown() sends GOAWAY, takes no new
// streams and ends every SSE stream after what is queued; Finished() follows once that
// is written.
std::unique_ptr<http::HttpSession> NewServerSession(http::SessionEnvironment& env,
                                                    const http::SessionOptions& options,
                                                    http::OutputListener& owner);

}  // namespace ssegw::h2
