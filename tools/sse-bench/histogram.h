// LatencyHistogram: a fixed-size log-linear histogram of nanosecond values, in the
// manner of HdrHistogram: 64 linear sub-buckets per power of two, so every recorded
// value is known to within 1/64 (1.6 %) and recording is a shift, a count-leading-zeros
// and one store.
//
// Threading: each histogram has ONE writer thread (Record). Other threads may read it at
// any time (MergeInto, for progress lines); counts are single-writer atomics, so a
// reader sees each bucket either before or after an increment, never a torn value.
// Memory: about 30 KiB, allocated once; Record never allocates.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssebench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;  // 64 sub-buckets per power of two
  static constexpr size_t kBuckets =
      (64 - kSubBucketBits) * (size_t{1} << kSubBucketBits) + (size_t{1} << kSubBucketBits);

  void Record(uint64_t value_ns) {
    Bump(buckets_[BucketOf(value_ns)]);
    Bump(count_);
    if (value_ns > max_.load(std::memory_order_relaxed)) {
      max_.store(value_ns, std::memory_order_relaxed);
    }
  }

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t max() const { return max_.load(std::memory_order_relaxed); }

  // Adds this histogram's counts to `counts` (kBuckets entries) and returns its max.
  uint64_t MergeInto(std::vector<uint64_t>* counts) const;

  // The bucket holding `value` and the largest value that bucket stands for.
  static size_t BucketOf(uint64_t value) {
    constexpr uint64_t kLinear = uint64_t{1} << (kSubBucketBits + 1);
    if (value < kLinear) return static_cast<size_t>(value);
    const int shift = std::bit_width(value) - 1 - kSubBucketBits;  // >= 1
    return static_cast<size_t>(shift) * (size_t{1} << kSubBucketBits) +
           static_cast<size_t>(value >> shift);
  }
  static uint64_t HighestValueIn(size_t bucket);

 private:
  static void Bump(std::atomic<uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  std::vector<std::atomic<uint64_t>> buckets_ = std::vector<std::atomic<uint64_t>>(kBuckets);
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> max_{0};
};

// The value at `quantile` (0..1] of merged counts: the highest value of the bucket that
// holds it, but never above `max`. 0 when the counts are empty.
uint64_t ValueAtQuantile(const std::vector<uint64_t>& counts, uint64_t max, double quantile);

}  // namespace ssebench
