#include "net/heap_trimmer.h"

#include <malloc.h>

#include "net/log.h"

namespace ssegw::net {

HeapTrimmer& HeapTrimmer::Process() {
  static HeapTrimmer trimmer;
  return trimmer;
}

bool HeapTrimmer::Due(const HeapTrimPolicy& policy, uint64_t churn, uint64_t churn_since_tick,
                      uint64_t now_ms, uint64_t last_trim_ms) {
  if (churn < policy.min_churn) return false;
  const uint64_t since_trim = now_ms - last_trim_ms;
  if (since_trim < policy.min_interval_ms) return false;
  return churn_since_tick == 0 || since_trim >= policy.max_quiet_wait_ms;
}

bool HeapTrimmer::OnTick(uint64_t now_ms) {
  const uint64_t churn = churn_.load(std::memory_order_relaxed);
  const uint64_t previous = churn_at_tick_.exchange(churn, std::memory_order_relaxed);
  const uint64_t churn_since_tick = churn >= previous ? churn - previous : churn;
  uint64_t last = last_trim_ms_.load(std::memory_order_relaxed);
  if (!Due(policy_, churn, churn_since_tick, now_ms, last)) return false;
  // One worker trims; the others see the new time and wait for the next burst.
  if (!last_trim_ms_.compare_exchange_strong(last, now_ms, std::memory_order_relaxed)) {
    return false;
  }
  churn_.fetch_sub(churn, std::memory_order_relaxed);
  churn_at_tick_.store(0, std::memory_order_relaxed);
  malloc_trim(0);
  LOG_DEBUG("returned free heap memory to the system after %llu connections came and went",
            static_cast<unsigned long long>(churn));
  return true;
}

}  // namespace ssegw::net
