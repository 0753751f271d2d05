// Counter: a statistic with one writer thread and any number of reader threads.
//
// The writer updates it with a plain load and store (no locked read-modify-write, so the
// receive path pays nothing for being observable); readers, such as the once-a-second
// progress line, see each update whole but may see it late. Never write one Counter from
// two threads.
#pragma once

#include <atomic>
#include <cstdint>

namespace ssebench {

class Counter {
 public:
  void Add(uint64_t n = 1) { Set(Get() + n); }
  void Sub(uint64_t n = 1) { Set(Get() - n); }
  void Set(uint64_t v) { value_.store(v, std::memory_order_relaxed); }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace ssebench
