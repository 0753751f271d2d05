// The figures of one sse-bench run, and their rendering as the single JSON line that
// sse-bench prints on stdout (the contract's sse-bench output) and as a progress line.
//
// Field meanings (all counts are whole-run unless marked "window"):
//   streams_requested  connections × streams per connection
//   streams_open       streams holding a 200 response when the run ended (after the drain)
//   events_published   events the gateway accepted
//   expected_deliveries  Σ over streams of the accepted events of the stream's topic
//   events_received    events counted on all streams, drain included
//   lost               Σ over streams of max(0, expected − received)
//   unexpected         Σ over streams of max(0, received − expected) (someone else
//                      published to the bench's topics, or an event came twice)
//   deliveries_per_s   (window) events received per second of the measurement window
//   published_per_s    (window) events the gateway accepted per second (with
//                      --connections 0 this is the ingest figure: nobody subscribes)
//   latency_ms         (window) publish→receive of events published in the window
//   errors             rejected or unanswered publishes, failed connections, non-200
//                      or server-closed streams, GOAWAYs, unexpected events
//   cpu_seconds        user+system CPU of sse-bench itself, whole run
//   cpu_ns_per_delivery  (window) sse-bench CPU per delivered event
//   gateway_cpu_*      (window) the same for --gateway-pid, when given; with no
//                      deliveries, gateway_cpu_ns_per_published_event instead
//   host_cpu_busy      (window) share of all CPUs of the machine that was busy (0..1)
//   source_addresses   loopback source addresses the connections were spread over
//   gateway_rss_kib    --gateway-pid's VmRSS before any connection ("before") and at the
//                      end of the window ("held"); gateway_rss_bytes_per_connection is
//                      their difference over the connections open then
//   gateway_cpu_share  (window) gateway CPU seconds per second: 0.01 is 1% of one core
//   storm              (--storm) events_behind, resume, reconnect_s (storm start until
//                      the last connection was back), handshakes_full / _resumed (of the
//                      reconnects), handshakes_per_s (connections / reconnect_s),
//                      catch_up_s (until the last stream had its events_behind),
//                      streams_caught_up
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ssebench {

struct LatencySummary {
  uint64_t samples = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

struct StormResults {
  uint64_t events_behind = 0;
  bool resume = false;
  uint64_t connections = 0;
  double reconnect_s = 0;
  uint64_t handshakes_full = 0;
  uint64_t handshakes_resumed = 0;
  double handshakes_per_s = 0;
  double catch_up_s = 0;
  uint64_t streams_caught_up = 0;
};

struct RunResults {
  std::string url;
  uint64_t connections = 0;
  uint64_t streams_per_connection = 0;
  uint64_t streams_requested = 0;
  uint64_t streams_open = 0;
  uint64_t topics = 0;
  int threads = 0;
  double setup_s = 0;
  double warmup_s = 0;
  double duration_s = 0;  // the measurement window as it actually lasted
  double publish_rate = 0;
  uint64_t payload_bytes = 0;
  uint64_t batch = 0;

  uint64_t events_sent = 0;  // publish requests' events written to the socket
  uint64_t events_published = 0;
  uint64_t events_rejected = 0;
  uint64_t expected_deliveries = 0;
  uint64_t events_received = 0;
  uint64_t window_deliveries = 0;
  uint64_t lost = 0;
  uint64_t unexpected = 0;
  double deliveries_per_s = 0;
  double published_per_s = 0;     // (window) events accepted by the gateway
  double received_mib_per_s = 0;  // (window) DATA payload bytes
  LatencySummary latency;

  uint64_t publish_errors = 0;
  uint64_t connections_failed = 0;
  uint64_t streams_failed = 0;
  uint64_t streams_closed = 0;
  uint64_t goaways = 0;
  uint64_t errors = 0;
  std::string first_error;

  double cpu_seconds = 0;
  double window_cpu_seconds = 0;
  double cpu_ns_per_delivery = 0;
  std::optional<double> gateway_cpu_seconds;  // window
  std::optional<double> gateway_cpu_ns_per_delivery;
  std::optional<double> gateway_cpu_ns_per_published_event;
  std::optional<double> host_cpu_busy;

  uint64_t source_addresses = 0;
  std::optional<uint64_t> gateway_rss_kib_before;
  std::optional<uint64_t> gateway_rss_kib_held;
  std::optional<double> gateway_rss_bytes_per_connection;
  std::optional<double> gateway_cpu_share;
  std::optional<StormResults> storm;
};

std::string ToJsonLine(const RunResults& r);

// "sse-bench 12s  streams 10000/10000  deliveries/s 1999800  p99 3.21 ms  ..."
std::string ProgressLine(double elapsed_s, uint64_t streams_open, uint64_t streams_requested,
                         double deliveries_per_s, double p99_ms, uint64_t published,
                         uint64_t errors);

}  // namespace ssebench
