// OwnerQueue: the "owner thread" of the cluster library's tests is the test's own thread.
//
// post() hands out the Post function the library wants: any thread may call it; the
// closures run only when the test thread calls RunUntil, which runs them in order until
// a condition holds or a give-up bound passes. Declare the queue before the connection
// and subscriptions that post to it, so that it outlives them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "cluster/nats_connection.h"

namespace ssegw::cluster::testing {

class OwnerQueue {
 public:
  OwnerQueue() : state_(std::make_shared<State>()) {}

  Post post() {
    return [state = state_](std::function<void()> fn) {
      std::lock_guard lock(state->mutex);
      state->queue.push_back(std::move(fn));
      state->changed.notify_all();
    };
  }

  // Runs posted closures until `done()` is true (checked before and after each) or
  // `give_up` passes. Returns done().
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds give_up = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + give_up;
    while (!done()) {
      std::function<void()> fn;
      {
        std::unique_lock lock(state_->mutex);
        if (!state_->changed.wait_until(lock, deadline, [&] { return !state_->queue.empty(); })) {
          return done();
        }
        fn = std::move(state_->queue.front());
        state_->queue.pop_front();
      }
      fn();
    }
    return true;
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::function<void()>> queue;
  };
  std::shared_ptr<State> state_;
};

}  // namespace ssegw::cluster::testing
