// ConnectionQuota: --max-connections for the whole process, shared by every worker.
//
// The one mutable value workers share: a count that each worker raises when it admits
// a connection and lowers when one closes. Split per worker instead, a small limit
// (say 2, over 4 workers) could not be honoured, and connections do not arrive evenly.
// An atomic counter carries no other state, so sharing it cannot break an invariant.
#pragma once

#include <atomic>
#include <cstdint>

namespace ssegw::net {

class ConnectionQuota {
 public:
  explicit ConnectionQuota(uint64_t limit) : limit_(limit) {}
  ConnectionQuota(const ConnectionQuota&) = delete;
  ConnectionQuota& operator=(const ConnectionQuota&) = delete;

  // Thread-safe. false: the process is at its limit; refuse the connection.
  bool TryTake() {
    uint64_t open = open_.load(std::memory_order_relaxed);
    do {
      if (open >= limit_) return false;
    } while (!open_.compare_exchange_weak(open, open + 1, std::memory_order_relaxed));
    return true;
  }
  void Release() { open_.fetch_sub(1, std::memory_order_relaxed); }
  uint64_t open() const { return open_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> open_{0};
};

}  // namespace ssegw::net
