// RunBench: one whole sse-bench run — open the streams, publish (optionally), measure,
// drain, verify the counts and print the result.
//
// Phases: set-up (connect C connections, open C×S streams, wait until all answered or
// --setup-timeout), warm-up (publishing, latency not yet recorded), the measurement
// window of --duration seconds (deliveries/s, latency of events published in it, CPU),
// then publishing stops and the run drains: it waits for every publish reply and then
// until every stream holds every accepted event of its topic, for at most --drain
// seconds. Loss is checked per stream over the whole run, warm-up and drain included.
//
// Reconnect storm (storm_events > 0, one topic): once the streams are open, one marker
// event is published and received everywhere, every connection is closed, storm_events
// more are published, and then every connection reconnects at once asking for the events
// after the marker (Last-Event-ID), offering its TLS session when `resume`. The
// measurement window starts with the storm; live events (--publish-rate) are published
// from then on, so their latency is that of events published during the storm. The
// report's "storm" object holds how long it took until every connection was back and
// until every stream had its storm_events, and how many handshakes resumed.
//
// With gateway_pid the report also holds the gateway's resident memory before the run and
// at the end of the window, per connection held, and its CPU share over the window.
//
// Progress goes to stderr once a second (unless json_only); the result is ONE JSON line
// on stdout (report.h). Returns the process exit code: 0 when every stream opened,
// nothing was lost and there were no errors; 1 otherwise; 2 for unusable options.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace ssebench {

struct BenchOptions {
  std::string url;
  size_t connections = 1;
  size_t streams = 1;  // per connection
  double duration_s = 10;
  double publish_rate = 0;  // events/s; 0: do not publish
  size_t payload_bytes = 100;
  std::string socket_path = "/tmp/sse-gateway.sock";
  size_t topics = 1;
  double warmup_s = 0;
  double drain_s = 5;
  double setup_timeout_s = 30;
  int threads = 1;
  size_t batch = 1;
  size_t stream_window = 16 << 20;
  pid_t gateway_pid = 0;  // 0: not measured
  bool json_only = false;
  int source_addresses = -1;  // -1: as many as the connections need (source_addresses.h)
  uint64_t storm_events = 0;  // > 0: a reconnect storm with this many events missed
  bool resume = false;        // storm: reconnect with the TLS session of the first connection
  // Non-empty: every latency sample recorded (from the window's start to the end of the
  // run, as the histogram), in publish order, written here after the run. Memory grows
  // with the samples: meant for low-rate latency runs.
  std::string samples_file;
};

int RunBench(const BenchOptions& options);

}  // namespace ssebench
