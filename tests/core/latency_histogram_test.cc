#include "core/latency_histogram.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ssegw {
namespace {

using ::testing::HasSubstr;

TEST(LatencyHistogramTest, RendersCumulativeBucketsInSecondsWithSumAndCount) {
  LatencyHistogram h;
  h.Observe(300);       // 0.3 ms
  h.Observe(500);       // exactly on a bound: counted in it
  h.Observe(1500);      // 1.5 ms
  h.Observe(60000000);  // a minute: only +Inf
  EXPECT_EQ(h.count(), 4u);
  std::string out;
  h.Render(&out, "ssegw_x_seconds", "Something.");
  EXPECT_THAT(out, HasSubstr("# HELP ssegw_x_seconds Something.\n"
                             "# TYPE ssegw_x_seconds histogram\n"
                             "ssegw_x_seconds_bucket{le=\"0.0005\"} 2\n"
                             "ssegw_x_seconds_bucket{le=\"0.001\"} 2\n"
                             "ssegw_x_seconds_bucket{le=\"0.002\"} 3\n"));
  EXPECT_THAT(out, HasSubstr("ssegw_x_seconds_bucket{le=\"10\"} 3\n"
                             "ssegw_x_seconds_bucket{le=\"+Inf\"} 4\n"
                             "ssegw_x_seconds_sum 60.0023\n"
                             "ssegw_x_seconds_count 4\n"));
}

TEST(LatencyHistogramTest, EmptyRendersZeros) {
  LatencyHistogram h;
  std::string out;
  h.Render(&out, "h", "help");
  EXPECT_THAT(out, HasSubstr("h_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n"));
}

}  // namespace
}  // namespace ssegw
