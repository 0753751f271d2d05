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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/counters.h"
#include "core/fanout.h"
#include "h2/http_session.h"

namespace ssegw::h2 {

struct SessionOptions {
  uint32_t max_concurrent_streams = 1000;    // SETTINGS_MAX_CONCURRENT_STREAMS
  size_t stream_buffer_bytes = 1024 * 1024;  // slow-consumer limit per stream
  // A stream ended by the slow-consumer rule whose client has not taken what is queued
  // within this is reset (HTTP/1.1: the connection is closed) and its queue freed.
  uint64_t slow_consumer_grace_ms = 10000;
  uint32_t retry_ms = 0;                     // `retry:` at stream start; 0 = none
  uint64_t keepalive_ms = 15000;             // idle comment + PING period
  uint64_t max_stream_age_ms = 0;            // 0 = streams live until the peer leaves
  std::vector<std::string> allowed_origins;  // CORS: "*" or exact origins
  size_t max_header_list_bytes = 16 * 1024;  // sum of name+value sizes per request
  size_t max_header_count = 64;              // header fields per request
};

// What sessions need from the gateway around them; one per event loop.
class SessionEnvironment {
 public:
  virtual Fanout& fanout() = 0;
  virtual GatewayCounters& counters() = 0;
  virtual std::string RenderMetrics() = 0;  // Prometheus text for GET /metrics
  virtual std::string_view DemoPage() = 0;  // HTML for GET /

 protected:
  ~SessionEnvironment() = default;
};

// The connection that owns a session.
class OutputListener {
 public:
  // The session has new frames to send; called from inside session callbacks or fanout
  // deliveries, so the owner should only mark itself dirty and flush later in the turn.
  virtual void OnOutputPending() = 0;

 protected:
  ~OutputListener() = default;
};

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
std::unique_ptr<HttpSession> NewServerSession(SessionEnvironment& env,
                                              const SessionOptions& options, OutputListener& owner);

}  // namespace ssegw::h2
