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
// Nothing here is global: a process may run one EventLoop per thread. An EventLoop and
// everything registered with it are used only from the thread that calls Run().
// Hooks must be removed (or outlive the loop) before they are destroyed.
#pragma once

#include <event2/event.h>

#include <cstdint>
#include <memory>
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

  // Milliseconds on a monotonic clock; only differences are meaningful.
  static uint64_t NowMs();

 private:
  static void OnTurnEndEvent(evutil_socket_t, short, void* self);

  event_base* base_;
  EventPtr turn_end_;
  bool turn_end_requested_ = false;
  std::vector<TurnEndHook*> hooks_;
};

}  // namespace ssegw::net
