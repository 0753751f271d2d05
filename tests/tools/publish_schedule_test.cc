// The publisher's schedule: one event per wake-up at slow rates however late the
// wake-ups land, no event before its time, and the rate kept at fast rates.
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

TEST(PublishScheduleTest, WakeUpsLateByLessThanAnIntervalSendOneEventEach) {
  // 50 events/s: each wake-up lands up to 19 ms after the time it was aimed at.
  const uint64_t late_ms[] = {0, 1, 19, 4, 0, 12, 19, 19, 3, 0};
  uint64_t elapsed = 0;
  uint64_t sent = EventsDue(elapsed, 50);
  for (uint64_t late : late_ms) {
    elapsed += WakeDelayNs(elapsed, sent, 50) + late * kMs;
    const uint64_t due = EventsDue(elapsed, 50);
    EXPECT_EQ(due - sent, 1u) << "a wake-up at " << elapsed / kMs << " ms";
    sent = due;
  }
}

TEST(PublishScheduleTest, AWakeUpMoreThanAnIntervalLateCatchesUpThenIsBackInStep) {
  uint64_t sent = EventsDue(0, 50);
  uint64_t elapsed = WakeDelayNs(0, sent, 50) + 45 * kMs;  // aimed at 20 ms, woke at 65
  uint64_t due = EventsDue(elapsed, 50);
  EXPECT_EQ(due - sent, 3u);  // the events of 20, 40 and 60 ms
  sent = due;
  EXPECT_EQ(WakeDelayNs(elapsed, sent, 50), 15 * kMs);  // the next, at 80 ms
  elapsed += WakeDelayNs(elapsed, sent, 50);
  EXPECT_EQ(EventsDue(elapsed, 50) - sent, 1u);
}

TEST(PublishScheduleTest, NoEventLeavesBeforeItsTime) {
  EXPECT_EQ(EventsDue(19 * kMs, 50), 1u);
  EXPECT_EQ(EventsDue(20 * kMs, 50), 2u);
  // At one event a second the wake-ups come every 100 ms, and the event waits for its second.
  EXPECT_EQ(WakeDelayNs(0, 1, 1), 100 * kMs);
  EXPECT_EQ(EventsDue(999 * kMs, 1), 1u);
  EXPECT_EQ(EventsDue(1000 * kMs, 1), 2u);
}

TEST(PublishScheduleTest, FastRatesWakeEveryMillisecondAndKeepTheirRate) {
  EXPECT_EQ(WakeDelayNs(0, 1, 1e6), 1 * kMs);
  EXPECT_EQ(EventsDue(1 * kMs, 1e6) - EventsDue(0, 1e6), 1000u);
  EXPECT_EQ(EventsDue(10'000 * kMs, 1e6), 10'000'000u + 1);
}

}  // namespace
}  // namespace ssebench
