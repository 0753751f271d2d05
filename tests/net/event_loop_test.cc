// EventLoop::Post from other threads: every task runs once, on the loop's thread, in
// posting order per poster, and a yielding task leaves the rest for a later turn.
#include "net/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ssegw::net {
namespace {

TEST(EventLoopPostTest, TasksFromManyThreadsRunOnTheLoopInEachPostersOrder) {
  constexpr int kThreads = 4;
  constexpr int kTasks = 20000;
  EventLoop loop;
  std::vector<std::vector<int>> seen(kThreads);
  std::thread::id loop_thread;
  bool wrong_thread = false;
  int done = 0;
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kTasks; ++i) {
        loop.Post([&, t, i] {
          if (std::this_thread::get_id() != loop_thread) wrong_thread = true;
          seen[t].push_back(i);
          if (i == kTasks - 1 && ++done == kThreads) loop.Stop();
        });
      }
    });
  }
  loop_thread = std::this_thread::get_id();
  loop.Run();
  for (std::thread& poster : posters) poster.join();
  EXPECT_FALSE(wrong_thread);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), static_cast<size_t>(kTasks));
    for (int i = 0; i < kTasks; ++i) ASSERT_EQ(seen[t][i], i);
  }
}

class TurnCounter final : public EventLoop::TurnEndHook {
 public:
  void OnTurnEnd() override { ++turns; }
  int turns = 0;
};

TEST(EventLoopPostTest, AYieldingTaskLeavesTheRestForALaterTurnInOrder) {
  EventLoop loop;
  TurnCounter counter;
  loop.AddTurnEndHook(&counter);
  std::vector<int> order;
  std::vector<int> turn_of;
  for (int i = 0; i < 6; ++i) {
    loop.Post([&, i] {
      order.push_back(i);
      turn_of.push_back(counter.turns);
      loop.RequestTurnEnd();
      if (i % 2 == 1) loop.YieldPosted();  // two tasks per turn
      if (i == 5) loop.Stop();
    });
  }
  loop.Run();
  loop.RemoveTurnEndHook(&counter);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  // Each pair ran after the previous pair's turn end.
  EXPECT_EQ(turn_of, (std::vector<int>{0, 0, 1, 1, 2, 2}));
}

}  // namespace
}  // namespace ssegw::net
