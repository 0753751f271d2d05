// TimerWheel: the deadlines of one loop's connections (handshake, keep-alive, PING
// liveness, slow-consumer grace, token expiry, drain), at the resolution of one tick.
//
// Such deadlines are seconds apart, are mostly pushed back before they come due, and
// number one or two per connection. A hashed wheel makes arming, moving and cancelling
// O(1) and a tick visits only the slots that came due, so a connection costs nothing
// between its own deadlines. Sweeping every connection each second instead cost ~2 µs
// per connection per second, ~10% of a core at 50,000 idle connections.
//
// A Timer is an intrusive hook that its owner embeds (derives from): no allocation per
// timer, and a Timer that is destroyed leaves the wheel by itself. Advance(now) calls
// OnTimerExpired(now) on every timer whose deadline is at or before `now`, each once,
// disarmed first, so it may arm itself again (a deadline already past fires at the next
// Advance, never in the same one). A timer never fires before its deadline; it fires at
// the first Advance whose `now` has reached it, so at most one tick late when Advance
// runs every tick.
//
// Pure: no clock, no loop; whoever owns the wheel calls Advance. Single-threaded.
// Not movable: slots are list heads that point at themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ssegw::net {

class TimerWheel {
 public:
  class Timer {
   public:
    Timer() = default;
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    bool armed() const { return next_ != nullptr; }
    // Meaningful while armed.
    uint64_t deadline_ms() const { return deadline_ms_; }

   protected:
    ~Timer() { Unlink(); }
    virtual void OnTimerExpired(uint64_t now_ms) = 0;

   private:
    friend class TimerWheel;
    void Unlink();
    void LinkBefore(Timer& head);

    Timer* prev_ = nullptr;
    Timer* next_ = nullptr;  // nullptr: not armed
    uint64_t deadline_ms_ = 0;
  };

  // `slots` ticks make one turn of the wheel: deadlines further ahead than that stay
  // put and are skipped until their turn comes, so size it to the common deadlines.
  TimerWheel(uint64_t tick_ms, size_t slots, uint64_t now_ms);
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;
  ~TimerWheel();

  // Arms `timer` for `deadline_ms`, moving it if armed (on this wheel).
  void Schedule(Timer& timer, uint64_t deadline_ms);
  // Arms `timer` for `deadline_ms` unless it is armed for that time or earlier.
  void ScheduleBy(Timer& timer, uint64_t deadline_ms) {
    if (!timer.armed() || deadline_ms < timer.deadline_ms()) Schedule(timer, deadline_ms);
  }
  static void Cancel(Timer& timer) { timer.Unlink(); }

  // Fires every timer due at `now_ms`; returns how many fired.
  size_t Advance(uint64_t now_ms);

  uint64_t tick_ms() const { return tick_ms_; }

 private:
  // A list head: its OnTimerExpired never runs.
  class Head final : public Timer {
   public:
    Head();
    ~Head() = default;

   private:
    void OnTimerExpired(uint64_t) override {}
  };

  Head& SlotFor(uint64_t deadline_ms);

  const uint64_t tick_ms_;
  const size_t slot_count_;
  std::unique_ptr<Head[]> slots_;
  uint64_t done_tick_;  // every slot up to this tick has been visited
};

}  // namespace ssegw::net
