// HttpSession: the protocol-neutral face of one client connection's HTTP state, as the
// connection (net/connection) drives it, and what every session needs around it:
// SessionOptions, SessionEnvironment (the worker's side of the gateway) and
// OutputListener (the connection). Two implementations, which are codecs only:
// h2::NewServerSession (HTTP/2 through nghttp2) and h1::NewSession (HTTP/1.1 through
// http_parser); both answer with the same routes (http/routes) and the same streams
// (http/stream).
//
// The contract is bytes in, bytes out, time passed in: Receive() takes what the peer
// sent; ProduceOutput() appends what to send, once per loop turn after the session said
// OnOutputPending(); OnTimer() does keep-alive and liveness work when NextDeadlineMs()
// (or a WakeBy()) says; Shutdown() ends every stream cleanly; Finished() says the
// connection may close. No sockets, no clocks: AdvanceClock() passes time in.
// Single-threaded: a session lives on its connection's event loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/counters.h"
#include "core/event.h"
#include "core/fanout.h"
#include "http/access_policy.h"
#include "http/access_record.h"
#include "http/request.h"

namespace ssegw::http {

struct SessionOptions {
  uint32_t max_concurrent_streams = 1000;    // SETTINGS_MAX_CONCURRENT_STREAMS
  size_t stream_buffer_bytes = 1024 * 1024;  // slow-consumer limit per stream
  // A stream ended by the slow-consumer rule whose client has not taken what is queued
  // within this is reset (HTTP/1.1: the connection is closed) and its queue freed.
  uint64_t slow_consumer_grace_ms = 10000;
  uint32_t retry_ms = 0;                     // `retry:` at stream start; 0 = none
  uint64_t keepalive_ms = 15000;             // idle comment + PING period
  uint64_t max_stream_age_ms = 0;            // 0 = streams live until the peer leaves
  size_t max_header_list_bytes = 16 * 1024;  // sum of name+value sizes per request
  size_t max_header_count = 64;              // header fields per request
  size_t max_publish_bytes = 1024 * 1024;    // POST /publish bodies (--max-frame)
  bool metrics_only = false;       // --metrics-listen: /metrics, /healthz, /readyz, else 404
  bool metrics_elsewhere = false;  // the main listeners with --metrics-listen: no /metrics

  HeaderLimits header_limits() const {
    return HeaderLimits{.max_count = max_header_count, .max_bytes = max_header_list_bytes};
  }
};

// What sessions need from the gateway around them; one per worker.
class SessionEnvironment {
 public:
  virtual Fanout& fanout() = 0;
  virtual GatewayCounters& counters() = 0;
  virtual std::string RenderMetrics() = 0;   // Prometheus text for GET /metrics
  virtual std::string_view DemoPage() = 0;   // HTML for GET /
  virtual const AccessPolicy& policy() = 0;  // auth and CORS now (reloads replace it)
  virtual int64_t UnixNow() = 0;             // seconds since the epoch, for token times
  virtual bool Ready() = 0;                  // takes new subscribers and publishes (/readyz)
  // Microseconds on a monotonic clock, for the access log's durations.
  virtual uint64_t NowUs() = 0;
  // A request or stream has finished: the access log's line (any token in its path is
  // the environment's to remove).
  virtual void OnRequestFinished(const AccessRecord& record) = 0;
  // Appends a validated batch to the log; `done` runs later on this session's thread
  // (never inside this call), possibly after the session is gone.
  virtual void Publish(std::vector<EventDraft> batch, std::function<void(PublishResult)> done) = 0;

 protected:
  ~SessionEnvironment() = default;
};

// The connection that owns a session.
class OutputListener {
 public:
  // The session has new frames to send; called from inside session callbacks or fanout
  // deliveries, so the owner should only mark itself dirty and flush later in the turn.
  virtual void OnOutputPending() = 0;
  // The session has time-driven work at `at_ms` that may come before NextDeadlineMs() said
  // last: OnTimer is wanted then (or at once if it has passed).
  virtual void WakeBy(uint64_t at_ms) = 0;

 protected:
  ~OutputListener() = default;
};

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
  // When OnTimer has work next, from what the session holds now; 0: none. Deadlines only
  // move later as traffic flows, so a timer armed for this may fire early and find
  // nothing due; ones that come earlier are announced with OutputListener::WakeBy.
  virtual uint64_t NextDeadlineMs() const = 0;
  // The time now, before Receive or ProduceOutput: what the session stamps (streams' last
  // output, token lifetimes, idleness) is measured from it. Never moves back.
  virtual void AdvanceClock(uint64_t now_ms) = 0;
  // Graceful shutdown: no new requests, every SSE stream ended after what it holds.
  virtual void Shutdown() = 0;
  // Nothing more to read or write: the connection can close once its output is written.
  virtual bool Finished() const = 0;
  // ProduceOutput has something to emit right now.
  virtual bool WantsWrite() const = 0;
  // The connection has written everything ProduceOutput gave it (the peer took it).
  virtual void OnOutputDrained() {}
  virtual size_t open_sse_streams() const = 0;
};

}  // namespace ssegw::http
