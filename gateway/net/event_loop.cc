#include "net/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace ssegw::net {

EventLoop::EventLoop() : base_(event_base_new()) {
  if (base_ == nullptr) {
    // Only fails when the process is out of memory or file descriptors.
    fprintf(stderr, "sse-gateway: cannot create an event loop\n");
    abort();
  }
  turn_end_.reset(event_new(base_, -1, 0, &EventLoop::OnTurnEndEvent, this));
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    fprintf(stderr, "sse-gateway: cannot create an eventfd for an event loop\n");
    abort();
  }
  wake_event_.reset(event_new(base_, wake_fd_, EV_READ | EV_PERSIST, &EventLoop::OnWake, this));
  event_add(wake_event_.get(), nullptr);
  continue_timer_.reset(evtimer_new(base_, &EventLoop::OnContinue, this));
}

EventLoop::~EventLoop() {
  turn_end_.reset();
  wake_event_.reset();
  continue_timer_.reset();
  runnable_.clear();
  posted_.clear();
  close(wake_fd_);
  event_base_free(base_);
}

void EventLoop::Post(std::function<void()> task) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(task));
  }
  // Only the first task of a batch wakes the loop: it takes the whole queue at once.
  if (was_empty) {
    const uint64_t one = 1;
    // EAGAIN means the counter is already non-zero: the loop is awake anyway.
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
  }
}

void EventLoop::OnWake(evutil_socket_t fd, short, void* self) {
  uint64_t count;
  [[maybe_unused]] ssize_t n = read(fd, &count, sizeof(count));
  static_cast<EventLoop*>(self)->RunPosted();
}

void EventLoop::OnContinue(evutil_socket_t, short, void* self) {
  static_cast<EventLoop*>(self)->RunPosted();
}

void EventLoop::RunPosted() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& task : posted_) runnable_.push_back(std::move(task));
    posted_.clear();
  }
  yield_posted_ = false;
  while (!runnable_.empty() && !yield_posted_) {
    std::function<void()> task = std::move(runnable_.front());
    runnable_.pop_front();
    task();
  }
  if (!runnable_.empty()) {
    // A timer, not event_active: a zero timeout fires in the next loop iteration, after
    // this turn's end hooks and a poll for socket readiness.
    const timeval now = {0, 0};
    event_add(continue_timer_.get(), &now);
  }
}

void EventLoop::Run() {
  event_base_dispatch(base_);
}

void EventLoop::Stop() {
  event_base_loopexit(base_, nullptr);
}

void EventLoop::AddTurnEndHook(TurnEndHook* hook) {
  hooks_.push_back(hook);
}

void EventLoop::RemoveTurnEndHook(TurnEndHook* hook) {
  std::erase(hooks_, hook);
}

void EventLoop::RequestTurnEnd() {
  if (turn_end_requested_) return;
  turn_end_requested_ = true;
  event_active(turn_end_.get(), 0, 0);
}

uint64_t EventLoop::NowMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1000000;
}

uint64_t EventLoop::CoarseNowMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1000000;
}

void EventLoop::OnTurnEndEvent(evutil_socket_t, short, void* self) {
  auto* loop = static_cast<EventLoop*>(self);
  loop->turn_end_requested_ = false;
  // By index: a hook may register another one while we walk the list.
  for (size_t i = 0; i < loop->hooks_.size(); ++i) loop->hooks_[i]->OnTurnEnd();
}

}  // namespace ssegw::net
