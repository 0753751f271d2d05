#include "histogram.h"

#include <algorithm>
#include <cmath>

namespace ssebench {

uint64_t LatencyHistogram::MergeInto(std::vector<uint64_t>* counts) const {
  counts->resize(kBuckets, 0);
  for (size_t i = 0; i < kBuckets; ++i) {
    (*counts)[i] += buckets_[i].load(std::memory_order_relaxed);
  }
  return max();
}

uint64_t LatencyHistogram::HighestValueIn(size_t bucket) {
  constexpr size_t kHalf = size_t{1} << kSubBucketBits;
  if (bucket < 2 * kHalf) return bucket;
  const size_t shift = bucket / kHalf - 1;
  const uint64_t mantissa = bucket - shift * kHalf;  // in [kHalf, 2 * kHalf)
  return ((mantissa + 1) << shift) - 1;
}

uint64_t ValueAtQuantile(const std::vector<uint64_t>& counts, uint64_t max, double quantile) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  if (total == 0) return 0;
  // The rank of the wanted sample, 1-based: the smallest value with at least that many
  // samples at or below it.
  const auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(total))));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return std::min(LatencyHistogram::HighestValueIn(i), max);
  }
  return max;
}

}  // namespace ssebench
