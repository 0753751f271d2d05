#include "histogram.h"

#include <gtest/gtest.h>

#include <vector>

namespace ssebench {
namespace {

TEST(LatencyHistogramTest, BucketsCoverEveryValueWithSmallRelativeError) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 129ull, 1000ull, 123456789ull, ~0ull >> 1}) {
    const size_t bucket = LatencyHistogram::BucketOf(v);
    ASSERT_LT(bucket, LatencyHistogram::kBuckets);
    const uint64_t high = LatencyHistogram::HighestValueIn(bucket);
    EXPECT_GE(high, v);
    EXPECT_LE(static_cast<double>(high - v), static_cast<double>(v) / 64 + 1) << v;
  }
}

TEST(LatencyHistogramTest, QuantilesOfAUniformSpread) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100'000; ++v) h.Record(v * 1000);  // 1 µs .. 100 ms
  std::vector<uint64_t> counts;
  const uint64_t max = h.MergeInto(&counts);
  EXPECT_EQ(h.count(), 100'000u);
  EXPECT_EQ(max, 100'000'000u);
  EXPECT_NEAR(static_cast<double>(ValueAtQuantile(counts, max, 0.5)), 50e6, 50e6 / 60);
  EXPECT_NEAR(static_cast<double>(ValueAtQuantile(counts, max, 0.99)), 99e6, 99e6 / 60);
  EXPECT_EQ(ValueAtQuantile(counts, max, 1.0), max);
  EXPECT_EQ(ValueAtQuantile(std::vector<uint64_t>(LatencyHistogram::kBuckets), 0, 0.99), 0u);
}

}  // namespace
}  // namespace ssebench
