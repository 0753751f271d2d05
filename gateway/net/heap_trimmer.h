// HeapTrimmer: gives back to the system the memory a burst of connections left free.
//
// When thousands of connections come and go at once (a reconnect storm, a load balancer
// moving traffic), the memory of their TLS handshakes, of the connections that closed and
// of the catch-up output is freed, but glibc keeps it resident, scattered between the
// connections that stay, and only reuses it later. After a storm of 2,000 reconnects
// that was half of the gateway's resident memory (docs/BENCHMARKS.md, issue 14).
// malloc_trim(0) returns every free page of every arena; it walks the free chunks with
// each arena locked in turn, so it runs only once a burst is over: when at least
// `min_churn` handshakes have finished or connections closed since the last trim and
// none did since the previous tick of any worker (or `max_quiet_wait_ms` has passed since
// the last trim, for steady churn), and never twice within `min_interval_ms`.
//
// One per process (Process()), since the heap is; NoteChurn and OnTick are thread-safe
// and called from every worker. Due() is the pure decision, for tests.
#pragma once

#include <atomic>
#include <cstdint>

namespace ssegw::net {

struct HeapTrimPolicy {
  uint64_t min_churn = 1000;
  uint64_t min_interval_ms = 10 * 1000;
  uint64_t max_quiet_wait_ms = 60 * 1000;
};

class HeapTrimmer {
 public:
  explicit HeapTrimmer(HeapTrimPolicy policy = {}) : policy_(policy) {}
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

  static HeapTrimmer& Process();

  // `connections` finished their handshake or closed.
  void NoteChurn(uint64_t connections = 1) {
    churn_.fetch_add(connections, std::memory_order_relaxed);
  }
  // A worker's tick: trims if due (see above). Returns whether this call trimmed.
  bool OnTick(uint64_t now_ms);

  // Whether to trim with `churn` connections opened or closed since the last trim at
  // `last_trim_ms`, `churn_since_tick` of them since the previous tick.
  static bool Due(const HeapTrimPolicy& policy, uint64_t churn, uint64_t churn_since_tick,
                  uint64_t now_ms, uint64_t last_trim_ms);

 private:
  const HeapTrimPolicy policy_;
  std::atomic<uint64_t> churn_{0};          // since the last trim
  std::atomic<uint64_t> churn_at_tick_{0};  // churn_ at the previous tick of any worker
  std::atomic<uint64_t> last_trim_ms_{0};
};

}  // namespace ssegw::net
