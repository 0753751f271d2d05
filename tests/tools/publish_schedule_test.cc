// The publisher's schedule: one event per wake-up at slow rates, whether the timer fires a
// little early or a little late, and the rate kept at fast ones.
#include "publish_schedule.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace ssebench {
namespace {

constexpr uint64_t kMs = 1'000'000;

TEST(PublishScheduleTest, TheFirstEventIsDueAtTheStart) {
  EXPECT_EQ(EventsDue(0, 50), 1u);
  EXPECT_EQ(EventsDue(0, 1'000'000), 1u);
}

TEST(PublishScheduleTest, WakeUpsNearEachIntervalSendOneEventEach) {
  // 50 events/s: a wake-up every 20 ms, each up to 9 ms early or late.
  const int64_t jitter_ms[] = {0, -1, 3, -9, 9, 0, -4, 2, 8, -8};
  uint64_t sent = EventsDue(0, 50);
  for (int64_t k = 1; k <= 10; ++k) {
    const auto at = static_cast<uint64_t>(k * 20 + jitter_ms[k - 1]) * kMs;
    const uint64_t due = EventsDue(at, 50);
    EXPECT_EQ(due - sent, 1u) << "wake-up " << k << " at " << at / kMs << " ms";
    sent = due;
  }
}

TEST(PublishScheduleTest, AWakeUpMoreThanAnIntervalLateCatchesUp) {
  // The events whose times passed while the publisher slept all leave at once.
  EXPECT_EQ(EventsDue(20 * kMs, 50), 2u);
  EXPECT_EQ(EventsDue(75 * kMs, 50), 5u);
}

TEST(PublishScheduleTest, FastRatesKeepTheirRate) {
  // A million events/s, woken every millisecond: a thousand per wake-up.
  EXPECT_EQ(EventsDue(1 * kMs, 1e6) - EventsDue(0, 1e6), 1000u);
  EXPECT_EQ(EventsDue(10'000 * kMs, 1e6), 10'000'000u + 1);
}

}  // namespace
}  // namespace ssebench
