#include "net/event_loop.h"

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
}

EventLoop::~EventLoop() {
  turn_end_.reset();
  event_base_free(base_);
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

void EventLoop::OnTurnEndEvent(evutil_socket_t, short, void* self) {
  auto* loop = static_cast<EventLoop*>(self);
  loop->turn_end_requested_ = false;
  // By index: a hook may register another one while we walk the list.
  for (size_t i = 0; i < loop->hooks_.size(); ++i) loop->hooks_[i]->OnTurnEnd();
}

}  // namespace ssegw::net
