#include "net/timer_wheel.h"

#include <algorithm>

namespace ssegw::net {

void TimerWheel::Timer::Unlink() {
  if (next_ == nullptr) return;
  prev_->next_ = next_;
  next_->prev_ = prev_;
  prev_ = next_ = nullptr;
}

void TimerWheel::Timer::LinkBefore(Timer& head) {
  prev_ = head.prev_;
  next_ = &head;
  head.prev_->next_ = this;
  head.prev_ = this;
}

TimerWheel::Head::Head() {
  prev_ = next_ = this;
}

TimerWheel::TimerWheel(uint64_t tick_ms, size_t slots, uint64_t now_ms)
    : tick_ms_(std::max<uint64_t>(tick_ms, 1)),
      slot_count_(std::max<size_t>(slots, 1)),
      slots_(std::make_unique<Head[]>(slot_count_)),
      done_tick_(now_ms / tick_ms_) {}

TimerWheel::~TimerWheel() {
  // Timers that outlive the wheel must not point into it.
  for (size_t i = 0; i < slot_count_; ++i) {
    while (slots_[i].next_ != &slots_[i]) slots_[i].next_->Unlink();
  }
}

TimerWheel::Head& TimerWheel::SlotFor(uint64_t deadline_ms) {
  // The first tick at or after the deadline, and never one already visited.
  const uint64_t tick = std::max((deadline_ms + tick_ms_ - 1) / tick_ms_, done_tick_ + 1);
  return slots_[tick % slot_count_];
}

void TimerWheel::Schedule(Timer& timer, uint64_t deadline_ms) {
  timer.Unlink();
  timer.deadline_ms_ = deadline_ms;
  timer.LinkBefore(SlotFor(deadline_ms));
}

size_t TimerWheel::Advance(uint64_t now_ms) {
  const uint64_t now_tick = now_ms / tick_ms_;
  if (now_tick <= done_tick_) return 0;
  // Everything due is gathered before anything fires, so a timer that arms itself again
  // (or another) lands in a slot after now_tick and waits for the next Advance.
  Head due;
  const uint64_t visits = std::min<uint64_t>(now_tick - done_tick_, slot_count_);
  for (uint64_t i = 1; i <= visits; ++i) {
    Head& slot = slots_[(done_tick_ + i) % slot_count_];
    for (Timer* timer = slot.next_; timer != &slot;) {
      Timer* next = timer->next_;
      if (timer->deadline_ms_ <= now_ms) {
        timer->Unlink();
        timer->LinkBefore(due);
      }
      timer = next;
    }
  }
  done_tick_ = now_tick;
  size_t fired = 0;
  // A callback may cancel or destroy any timer still on `due`: take them one at a time.
  while (due.next_ != &due) {
    Timer* timer = due.next_;
    timer->Unlink();
    ++fired;
    timer->OnTimerExpired(now_ms);
  }
  return fired;
}

}  // namespace ssegw::net
