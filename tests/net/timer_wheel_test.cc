// The wheel under connections' deadlines: nothing fires early or twice, everything due
// fires once per Advance, and timers may re-arm, cancel or destroy each other while the
// wheel is firing.
#include "net/timer_wheel.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

namespace ssegw::net {
namespace {

class RecordingTimer final : public TimerWheel::Timer {
 public:
  explicit RecordingTimer(std::function<void(uint64_t)> on_fire = nullptr)
      : on_fire_(std::move(on_fire)) {}
  ~RecordingTimer() = default;
  std::vector<uint64_t> fired;

 private:
  void OnTimerExpired(uint64_t now_ms) override {
    fired.push_back(now_ms);
    if (on_fire_) on_fire_(now_ms);
  }
  std::function<void(uint64_t)> on_fire_;
};

TEST(TimerWheelTest, FiresAtTheFirstAdvanceAtOrAfterTheDeadlineAndOnlyOnce) {
  TimerWheel wheel(1000, 64, 10'000);
  RecordingTimer timer;
  wheel.Schedule(timer, 15'500);
  EXPECT_TRUE(timer.armed());
  for (uint64_t now = 11'000; now <= 15'000; now += 1000) EXPECT_EQ(wheel.Advance(now), 0u);
  EXPECT_TRUE(timer.fired.empty());
  EXPECT_EQ(wheel.Advance(16'000), 1u);
  EXPECT_EQ(timer.fired, std::vector<uint64_t>{16'000});
  EXPECT_FALSE(timer.armed());
  EXPECT_EQ(wheel.Advance(17'000), 0u);
  EXPECT_EQ(timer.fired.size(), 1u);
}

TEST(TimerWheelTest, ADeadlineOnATickFiresAtThatTick) {
  TimerWheel wheel(1000, 64, 0);
  RecordingTimer timer;
  wheel.Schedule(timer, 3000);
  EXPECT_EQ(wheel.Advance(2999), 0u);
  EXPECT_EQ(wheel.Advance(3000), 1u);
}

TEST(TimerWheelTest, ADeadlineInThePastFiresAtTheNextAdvance) {
  TimerWheel wheel(1000, 64, 50'000);
  RecordingTimer timer;
  wheel.Schedule(timer, 1);
  EXPECT_EQ(wheel.Advance(50'999), 0u);  // same tick: that slot was visited already
  EXPECT_EQ(wheel.Advance(51'000), 1u);
}

TEST(TimerWheelTest, DeadlinesBeyondOneTurnWaitForTheirTurn) {
  TimerWheel wheel(1000, 8, 0);
  RecordingTimer timer;
  wheel.Schedule(timer, 20'000);  // 20 ticks on an 8-slot wheel: visited twice before due
  for (uint64_t now = 1000; now < 20'000; now += 1000) ASSERT_EQ(wheel.Advance(now), 0u) << now;
  EXPECT_EQ(wheel.Advance(20'000), 1u);
}

TEST(TimerWheelTest, ALongPauseFiresEverythingDueInOneAdvance) {
  TimerWheel wheel(1000, 8, 0);
  std::vector<std::unique_ptr<RecordingTimer>> timers;
  for (uint64_t deadline : {1'000u, 5'000u, 9'000u, 30'000u, 100'000u}) {
    timers.push_back(std::make_unique<RecordingTimer>());
    wheel.Schedule(*timers.back(), deadline);
  }
  EXPECT_EQ(wheel.Advance(60'000), 4u);
  EXPECT_TRUE(timers.back()->armed());
  EXPECT_EQ(wheel.Advance(100'000), 1u);
}

TEST(TimerWheelTest, MovingAndScheduleByKeepTheEarliestWanted) {
  TimerWheel wheel(1000, 64, 0);
  RecordingTimer timer;
  wheel.Schedule(timer, 10'000);
  wheel.ScheduleBy(timer, 20'000);  // later: ignored
  EXPECT_EQ(timer.deadline_ms(), 10'000u);
  wheel.ScheduleBy(timer, 4'000);
  EXPECT_EQ(timer.deadline_ms(), 4'000u);
  wheel.Schedule(timer, 7'000);  // Schedule moves either way
  EXPECT_EQ(wheel.Advance(6'000), 0u);
  EXPECT_EQ(wheel.Advance(7'000), 1u);
  EXPECT_EQ(timer.fired, std::vector<uint64_t>{7'000});
}

TEST(TimerWheelTest, CancelledAndDestroyedTimersNeverFire) {
  TimerWheel wheel(1000, 64, 0);
  RecordingTimer kept;
  RecordingTimer cancelled;
  auto destroyed = std::make_unique<RecordingTimer>();
  wheel.Schedule(kept, 2000);
  wheel.Schedule(cancelled, 2000);
  wheel.Schedule(*destroyed, 2000);
  TimerWheel::Cancel(cancelled);
  destroyed.reset();
  EXPECT_EQ(wheel.Advance(2000), 1u);
  EXPECT_EQ(kept.fired.size(), 1u);
  EXPECT_TRUE(cancelled.fired.empty());
}

TEST(TimerWheelTest, ATimerThatArmsItselfAgainWaitsForTheNextAdvance) {
  TimerWheel wheel(1000, 64, 0);
  RecordingTimer* self = nullptr;
  RecordingTimer timer([&](uint64_t now) { wheel.Schedule(*self, now); });
  self = &timer;
  wheel.Schedule(timer, 1000);
  EXPECT_EQ(wheel.Advance(1000), 1u);
  EXPECT_TRUE(timer.armed());
  EXPECT_EQ(wheel.Advance(2000), 1u);
  EXPECT_EQ(timer.fired, (std::vector<uint64_t>{1000, 2000}));
}

TEST(TimerWheelTest, ACallbackMayDestroyATimerThatIsDueInTheSameAdvance) {
  // A connection whose deadline closes another (both due at once) must not leave the
  // wheel firing a freed timer.
  TimerWheel wheel(1000, 64, 0);
  std::unique_ptr<RecordingTimer> second;
  int first_fired = 0;
  RecordingTimer first([&](uint64_t) {
    ++first_fired;
    second.reset();
  });
  second = std::make_unique<RecordingTimer>();
  wheel.Schedule(first, 1000);
  wheel.Schedule(*second, 1000);
  // Whichever fires first, the other one is either gone or fires once; never a freed one.
  EXPECT_GE(wheel.Advance(1000), 1u);
  EXPECT_EQ(first_fired, 1);
  EXPECT_EQ(second, nullptr);
}

TEST(TimerWheelTest, TimersMayOutliveTheWheel) {
  RecordingTimer timer;
  {
    TimerWheel wheel(1000, 64, 0);
    wheel.Schedule(timer, 5000);
  }
  EXPECT_FALSE(timer.armed());
}

TEST(TimerWheelTest, ManyTimersFireExactlyOnceEachAtTheirTick) {
  TimerWheel wheel(1000, 16, 0);
  std::vector<std::unique_ptr<RecordingTimer>> timers;
  for (uint64_t i = 0; i < 1000; ++i) {
    timers.push_back(std::make_unique<RecordingTimer>());
    wheel.Schedule(*timers.back(), 1 + (i * 7919) % 60'000);
  }
  size_t fired = 0;
  for (uint64_t now = 1000; now <= 60'000; now += 1000) fired += wheel.Advance(now);
  EXPECT_EQ(fired, 1000u);
  for (uint64_t i = 0; i < 1000; ++i) {
    const uint64_t deadline = 1 + (i * 7919) % 60'000;
    ASSERT_EQ(timers[i]->fired.size(), 1u);
    EXPECT_GE(timers[i]->fired[0], deadline);
    EXPECT_LT(timers[i]->fired[0], deadline + 1000);
  }
}

}  // namespace
}  // namespace ssegw::net
