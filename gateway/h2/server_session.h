// ServerSession: one HTTP/2 server connection's protocol state — an nghttp2 server
// session driven through memory, with the gateway's routes and SSE streams on top.
//
// Bytes read from the peer go in through Receive(); frames to send come out through
// ProduceOutput(), which the owner calls once per loop turn after OnOutputPending() told
// it there is something to send (callbacks never write to a socket). SSE responses are
// never-ending DATA sources: they pause (NGHTTP2_ERR_DEFERRED) while their queue is
// empty and resume when the hub delivers; their payload is copied from the shared event
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
#include "core/hub.h"
#include "h2/http_session.h"

namespace ssegw::h2 {

struct SessionOptions {
  uint32_t max_concurrent_streams = 1000;    // SETTINGS_MAX_CONCURRENT_STREAMS
  size_t stream_buffer_bytes = 1024 * 1024;  // slow-consumer limit per stream
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
  virtual Hub& hub() = 0;
  virtual GatewayCounters& counters() = 0;
  virtual std::string RenderMetrics() = 0;  // Prometheus text for GET /metrics
  virtual std::string_view DemoPage() = 0;  // HTML for GET /

 protected:
  ~SessionEnvironment() = default;
};

// The connection that owns a session.
class OutputListener {
 public:
  // The session has new frames to send; called from inside session callbacks or hub
  // deliveries, so the owner should only mark itself dirty and flush later in the turn.
  virtual void OnOutputPending() = 0;

 protected:
  ~OutputListener() = default;
};

class ServerSession final : public HttpSession {
 public:
  ServerSession(SessionEnvironment& env, const SessionOptions& options, OutputListener& owner);
  ~ServerSession() override;
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Queues the server preface (SETTINGS). Call once, before Receive.
  void Start(uint64_t now_ms) override;

  // Feeds bytes from the peer. false: a fatal protocol error; a GOAWAY is queued, so
  // flush what ProduceOutput gives and close.
  bool Receive(std::span<const uint8_t> bytes) override;

  // Appends pending frames to *out until it holds at least `max_bytes` or nothing more
  // is ready. false: a fatal error; close after writing what *out holds.
  bool ProduceOutput(std::string* out, size_t max_bytes) override;

  // Time-driven work: keep-alive comments on streams idle for a keep-alive period, a
  // PING per period (an unanswered one after a whole period: returns false, the peer is
  // gone), and streams past max age ended cleanly (with jitter).
  bool OnTimer(uint64_t now_ms) override;

  // Graceful shutdown: GOAWAY, no new streams, every SSE stream ended after what is
  // queued. Finished() becomes true once all of that is written.
  void Shutdown() override;

  // Nothing more to read or write: the connection can close.
  bool Finished() const override;
  // There are frames ready (or streams with data) that ProduceOutput would emit.
  bool WantsWrite() const override;
  size_t open_sse_streams() const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ssegw::h2
