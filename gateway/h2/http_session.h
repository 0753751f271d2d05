// HttpSession: the protocol-neutral face of one client connection's HTTP state, as the
// connection (net/connection) drives it. Two implementations: h2::ServerSession (HTTP/2
// through nghttp2) and h1::Session (HTTP/1.1 through http_parser); both answer with the
// same routes (h2/routes) and the same SSE streams (h2/stream).
//
// It lives in h2/ because that directory already holds the request-level pieces both
// protocols share (SessionOptions, SessionEnvironment, OutputListener, routes, stream);
// h1 builds on h2, never the reverse.
//
// The contract is bytes in, bytes out, time passed in: Receive() takes what the peer
// sent; ProduceOutput() appends what to send, once per loop turn after the session said
// OnOutputPending(); OnTimer() does keep-alive and liveness work; Shutdown() ends every
// stream cleanly; Finished() says the connection may close. No sockets, no clocks.
// Single-threaded: a session lives on its connection's event loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ssegw::h2 {

class HttpSession {
 public:
  virtual ~HttpSession() = default;

  // Queues whatever the protocol sends first (HTTP/2: SETTINGS). Call once, first.
  virtual void Start(uint64_t now_ms) = 0;
  // Feeds bytes from the peer. false: fatal; flush what ProduceOutput gives and close.
  virtual bool Receive(std::span<const uint8_t> bytes) = 0;
  // Appends output to *out until it holds at least `max_bytes` or nothing more is
  // ready. false: fatal; close after writing what *out holds.
  virtual bool ProduceOutput(std::string* out, size_t max_bytes) = 0;
  // Time-driven work. false: the peer is gone or idle too long; close now.
  virtual bool OnTimer(uint64_t now_ms) = 0;
  // Graceful shutdown: no new requests, every SSE stream ended after what it holds.
  virtual void Shutdown() = 0;
  // Nothing more to read or write: the connection can close once its output is written.
  virtual bool Finished() const = 0;
  // ProduceOutput has something to emit right now.
  virtual bool WantsWrite() const = 0;
  virtual size_t open_sse_streams() const = 0;
};

}  // namespace ssegw::h2
