// SignalWatcher: delivers POSIX signals to a callback on an event loop (libevent's
// evsignal: the handler only wakes the loop; the callback runs as an ordinary event).
//
// libevent lets only one event_base handle signals at a time, so a process with several
// loops watches signals on one of them. Owns its events; single-threaded.
#pragma once

#include <functional>
#include <initializer_list>
#include <vector>

#include "net/event_loop.h"

namespace ssegw::net {

class SignalWatcher {
 public:
  using Callback = std::function<void(int signal)>;
  SignalWatcher(EventLoop& loop, std::initializer_list<int> signals, Callback callback);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  static void OnSignal(evutil_socket_t signal, short, void* self);

  Callback callback_;
  std::vector<EventPtr> events_;
};

// SIGPIPE would kill the process on a write to a closed socket; writes report EPIPE.
void IgnoreSigpipe();

}  // namespace ssegw::net
