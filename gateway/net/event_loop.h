// EventLoop: one libevent event_base, run by one thread, plus the "end of turn" step
// that batches work queued during a turn.
//
// Event callbacks only record what needs doing (a connection has output, an object is
// to be freed) and call RequestTurnEnd(). The loop then activates one internal event;
// because libevent appends activated events to the tail of the active queue, it runs
// after every I/O and timer callback that was already due in this turn, and calls each
// registered TurnEndHook in registration order. This is how "one flush per loop turn"
// and "never delete an object inside its own call stack" are implemented.
//
// Post() is the one way in from other threads (nghttpx Worker::send, h2o's
// multithread queues): a task goes on a mutex-guarded queue and the loop is woken
// through an eventfd only when the queue goes from empty to non-empty; the loop runs
// the tasks in posting order. A task may YieldPosted() to leave the rest for the next
// loop iteration, after this turn's end hooks (so a burst of work is flushed in slices).
//
// Nothing here is global: a process may run one EventLoop per thread. Apart from Post,
// an EventLoop and everything registered with it are used only from the thread that
// calls Run(). Hooks must be removed (or outlive the loop) before they are destroyed.
#pragma once

#include <event2/event.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace ssegw::net {

struct EventDeleter {
  void operator()(event* ev) const { event_free(ev); }
};
// An owned libevent event; freeing it also removes it from the loop.
using EventPtr = std::unique_ptr<event, EventDeleter>;

class EventLoop {
 public:
  class TurnEndHook {
   public:
    virtual void OnTurnEnd() = 0;

   protected:
    ~TurnEndHook() = default;
  };

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  event_base* base() const { return base_; }

  // Runs until Stop() or until no events are left.
  void Run();
  // Makes Run() return once the callbacks active in this turn have run.
  void Stop();

  void AddTurnEndHook(TurnEndHook* hook);
  void RemoveTurnEndHook(TurnEndHook* hook);
  // Idempotent within a turn. A hook that calls it gets one more pass after the
  // events that become active meanwhile.
  void RequestTurnEnd();

  // Thread-safe: runs `task` on this loop's thread, after the tasks posted before it.
  // Tasks still queued when the loop is destroyed are destroyed without running.
  void Post(std::function<void()> task);
  // From inside a posted task: run no more posted tasks in this turn.
  void YieldPosted() { yield_posted_ = true; }

  // Milliseconds on a monotonic clock; only differences are meaningful.
  static uint64_t NowMs();
  // The same clock read cheaply, up to a few milliseconds behind NowMs(): for stamps
  // taken on every flush.
  static uint64_t CoarseNowMs();

 private:
  static void OnTurnEndEvent(evutil_socket_t, short, void* self);
  static void OnWake(evutil_socket_t, short, void* self);
  static void OnContinue(evutil_socket_t, short, void* self);
  void RunPosted();

  event_base* base_;
  EventPtr turn_end_;
  bool turn_end_requested_ = false;
  std::vector<TurnEndHook*> hooks_;

  int wake_fd_ = -1;  // eventfd: written when `posted_` goes from empty to non-empty
  EventPtr wake_event_;
  EventPtr continue_timer_;  // zero-delay: the rest of a yielded batch, next iteration
  std::mutex mutex_;
  std::vector<std::function<void()>> posted_;   // guarded by mutex_
  std::deque<std::function<void()>> runnable_;  // taken from posted_, loop thread only
  bool yield_posted_ = false;
};

}  // namespace ssegw::net
