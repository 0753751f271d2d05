// GatewayCounters: the numbers behind /metrics, kept by the parts that see the events.
//
// Every thread that counts (each worker loop, and the log owner's loop) has its own
// instance and is the only writer of it; /metrics, on any thread, reads every instance
// and adds them up. A Counter is therefore a single-writer atomic: updates are a
// relaxed load and store (a plain move on x86, no locked instruction, no contention),
// and a reader on another thread sees a recent value without a data race. Two threads
// must never update the same instance.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ssegw {

class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  // Reads like the number it holds (comparisons in tests, arithmetic in reports).
  operator uint64_t() const { return value(); }  // NOLINT: implicit by design
  void Set(uint64_t v) { value_.store(v, std::memory_order_relaxed); }
  // Read-modify-write without a locked instruction: correct only for the one writer.
  Counter& operator+=(uint64_t n) {
    Set(value() + n);
    return *this;
  }
  Counter& operator-=(uint64_t n) {
    Set(value() - n);
    return *this;
  }
  Counter& operator++() { return *this += 1; }
  Counter& operator--() { return *this -= 1; }

 private:
  std::atomic<uint64_t> value_{0};
};

struct GatewayCounters {
  // Gauges.
  Counter connections;     // open client connections (TLS or plain)
  Counter streams;         // open SSE streams
  Counter publishers;      // open publish-socket connections
  Counter history_events;  // events the log holds for replay (log owner only)
  Counter history_bytes;   // their bytes (log owner only)
  // Totals since start.
  Counter events_published_total;      // events accepted into the log (duplicates excluded)
  Counter events_delivered_total;      // events queued to a stream, replayed ones included
  Counter bytes_sent_total;            // bytes written to client sockets (TLS payload)
  Counter replayed_events_total;       // events sent from history on resume
  Counter slow_consumer_closes_total;  // streams ended by the slow-consumer rule
  Counter publish_errors_total;        // publish requests rejected or frames refused
  Counter duplicate_events_total;      // published events whose id was already held
  // The cluster log (--nats), kept by the log owner; 0 with the in-process log.
  Counter log_gaps_total;  // jumps in the log's sequence: events lost before delivery
  Counter log_lag;         // gauge: log messages stored but not yet delivered here
  Counter nats_connected;  // gauge: 1 while connected to NATS
};

// How /metrics names and explains each counter, in the order it lists them.
struct CounterInfo {
  const char* name;
  const char* type;  // "gauge" or "counter"
  const char* help;
  Counter GatewayCounters::*field;
};

inline constexpr CounterInfo kCounterInfo[] = {
    {"ssegw_connections", "gauge", "Open client connections.", &GatewayCounters::connections},
    {"ssegw_streams", "gauge", "Open SSE streams.", &GatewayCounters::streams},
    {"ssegw_publishers", "gauge", "Open publish-socket connections.", &GatewayCounters::publishers},
    {"ssegw_history_events", "gauge", "Events held for Last-Event-ID replay.",
     &GatewayCounters::history_events},
    {"ssegw_history_bytes", "gauge", "Bytes held by the replay history.",
     &GatewayCounters::history_bytes},
    {"ssegw_events_published_total", "counter",
     "Events accepted into history (duplicates excluded).",
     &GatewayCounters::events_published_total},
    {"ssegw_events_delivered_total", "counter",
     "Events queued to a stream, replayed ones included.",
     &GatewayCounters::events_delivered_total},
    {"ssegw_bytes_sent_total", "counter", "Bytes written to client connections.",
     &GatewayCounters::bytes_sent_total},
    {"ssegw_replayed_events_total", "counter", "Events sent from history on resume.",
     &GatewayCounters::replayed_events_total},
    {"ssegw_slow_consumer_closes_total", "counter", "Streams ended by the slow-consumer rule.",
     &GatewayCounters::slow_consumer_closes_total},
    {"ssegw_publish_errors_total", "counter", "Publish requests rejected or frames refused.",
     &GatewayCounters::publish_errors_total},
    {"ssegw_duplicate_events_total", "counter", "Published events whose id was already in history.",
     &GatewayCounters::duplicate_events_total},
    {"ssegw_log_gaps_total", "counter",
     "Jumps in the cluster log's sequence: events lost before this gateway delivered them.",
     &GatewayCounters::log_gaps_total},
    {"ssegw_log_lag", "gauge",
     "Cluster log messages stored but not yet delivered by this gateway (last stream "
     "sequence minus last delivered).",
     &GatewayCounters::log_lag},
    {"ssegw_nats_connected", "gauge", "1 while connected to NATS (cluster log), else 0.",
     &GatewayCounters::nats_connected},
};
inline constexpr size_t kCounterCount = std::size(kCounterInfo);

// Plain values of every counter, indexed like kCounterInfo: a snapshot, or a sum of
// several threads' snapshots.
using CounterValues = std::array<uint64_t, kCounterCount>;

// Adds the current values of `counters` (any thread may call this) to `*total`.
inline void AddValues(const GatewayCounters& counters, CounterValues* total) {
  for (size_t i = 0; i < kCounterCount; ++i)
    (*total)[i] += (counters.*kCounterInfo[i].field).value();
}

}  // namespace ssegw
