// When the gateway gives freed heap memory back: after a burst of connections is over,
// not during one, not for a trickle, and not twice within the interval.
#include "net/heap_trimmer.h"

#include <gtest/gtest.h>

namespace ssegw::net {
namespace {

constexpr HeapTrimPolicy kPolicy{
    .min_churn = 1000, .min_interval_ms = 10'000, .max_quiet_wait_ms = 60'000};

TEST(HeapTrimmerTest, TrimsOnceABurstIsOver) {
  EXPECT_TRUE(HeapTrimmer::Due(kPolicy, 4000, 0, 100'000, 0));
}

TEST(HeapTrimmerTest, WaitsWhileTheBurstGoesOn) {
  EXPECT_FALSE(HeapTrimmer::Due(kPolicy, 4000, 250, 100'000, 50'000));
  // Steady churn never pauses: it is trimmed after the longest wait.
  EXPECT_TRUE(HeapTrimmer::Due(kPolicy, 4000, 250, 110'000, 50'000));
}

TEST(HeapTrimmerTest, IgnoresATrickle) {
  EXPECT_FALSE(HeapTrimmer::Due(kPolicy, 999, 0, 1'000'000, 0));
}

TEST(HeapTrimmerTest, NeverTwiceWithinTheInterval) {
  EXPECT_FALSE(HeapTrimmer::Due(kPolicy, 5000, 0, 109'999, 100'000));
  EXPECT_TRUE(HeapTrimmer::Due(kPolicy, 5000, 0, 110'000, 100'000));
}

TEST(HeapTrimmerTest, OneTickTrimsAndTheChurnStartsOver) {
  HeapTrimmer trimmer(kPolicy);
  trimmer.NoteChurn(1500);
  EXPECT_FALSE(trimmer.OnTick(20'000));  // the burst was still going at the last tick
  EXPECT_TRUE(trimmer.OnTick(21'000));   // quiet since: trimmed
  EXPECT_FALSE(trimmer.OnTick(40'000));  // nothing new
  trimmer.NoteChurn(999);
  EXPECT_FALSE(trimmer.OnTick(41'000));
  EXPECT_FALSE(trimmer.OnTick(42'000));  // a trickle is not a burst
  trimmer.NoteChurn(1);
  EXPECT_FALSE(trimmer.OnTick(43'000));
  EXPECT_TRUE(trimmer.OnTick(44'000));
}

}  // namespace
}  // namespace ssegw::net
