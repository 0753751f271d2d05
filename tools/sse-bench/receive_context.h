// ReceiveContext: what every connection on one receive thread shares — the event loop,
// the TLS context, the read buffer, the counters and the latency histogram.
//
// Owned by its Receiver and used only on that receiver's thread, except `counters` and
// `histogram`, which other threads read (see counter.h and histogram.h), and
// `record_from_ns`, which the main thread sets.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "counter.h"
#include "histogram.h"
#include "target.h"

struct event_base;
struct ssl_ctx_st;

namespace ssebench {

struct ReceiverCounters {
  Counter events;              // SSE events received (every stream, whole run)
  Counter data_bytes;          // DATA payload bytes received
  Counter streams_open;        // streams with a 200 response, not closed since
  Counter streams_failed;      // streams answered with another status
  Counter streams_closed;      // open streams the server ended or reset during the run
  Counter connections_up;      // connections whose TLS handshake and ALPN h2 succeeded
  Counter connections_failed;  // connections that failed to connect or broke later
  Counter streams_unopened;    // streams whose connection failed before they were answered
  Counter goaways;             // GOAWAY frames received
  Counter connections_open;    // connected (TLS and ALPN done) and not closed since
  Counter handshakes_full;     // TLS handshakes that did not resume a session
  Counter handshakes_resumed;  // TLS handshakes that resumed the connection's last session
  Counter last_connected_ns;   // when the latest connection came up (MonotonicNs)
  Counter streams_caught_up;   // reconnected streams that have received catch_up_events
  Counter last_caught_up_ns;   // when the latest of them did
};

// One recorded delivery: when the event was stamped at publish, and how long it took.
struct LatencySample {
  uint64_t stamp_ns;
  uint64_t latency_ns;
};

struct ReceiveContext {
  event_base* base = nullptr;
  ssl_ctx_st* ssl_ctx = nullptr;  // null: h2c, HTTP/2 with prior knowledge on plain TCP
  const Target* target = nullptr;
  sockaddr_storage address{};
  socklen_t address_length = 0;
  int32_t stream_window = 0;  // SETTINGS_INITIAL_WINDOW_SIZE we announce
  int32_t connection_window = 0;
  // Connection i binds to sources[i % size] before connecting; empty: no bind.
  std::vector<sockaddr_in> sources;
  // Reconnects offer the session the connection's previous handshake left (TLS resumption).
  bool resume_sessions = false;
  // After a reconnect, the events a stream must receive to have caught up; 0: not counted.
  uint64_t catch_up_events = 0;

  // One buffer for the whole thread: a connection fills it with decrypted bytes and
  // hands them to nghttp2 in one call before the next connection runs.
  std::vector<char> read_buffer;

  ReceiverCounters counters;
  LatencyHistogram histogram;
  // Every sample the histogram records, too, when asked for (--samples-file).
  bool keep_samples = false;
  std::vector<LatencySample> samples;
  // Stamps older than this are counted but not recorded in the histogram (warm-up).
  const std::atomic<uint64_t>* record_from_ns = nullptr;

  // Set for the duration of one nghttp2 receive call, read by the data callback.
  uint64_t batch_now_ns = 0;
  uint64_t batch_record_from_ns = 0;
  uint64_t batch_events = 0;

  bool stopping = false;      // streams closing now are our doing, not the server's
  bool reconnecting = false;  // the same, while connections close for a reconnect storm
  std::string first_error;    // the first failure seen on this thread, for the report
  void NoteError(std::string message) {
    if (first_error.empty()) first_error = std::move(message);
  }
};

}  // namespace ssebench
