#include "net/signals.h"

#include <csignal>

namespace ssegw::net {

SignalWatcher::SignalWatcher(EventLoop& loop, std::initializer_list<int> signals, Callback callback)
    : callback_(std::move(callback)) {
  for (int signal : signals) {
    EventPtr ev(evsignal_new(loop.base(), signal, &SignalWatcher::OnSignal, this));
    evsignal_add(ev.get(), nullptr);
    events_.push_back(std::move(ev));
  }
}

void SignalWatcher::OnSignal(evutil_socket_t signal, short, void* self) {
  static_cast<SignalWatcher*>(self)->callback_(static_cast<int>(signal));
}

void IgnoreSigpipe() {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  sigaction(SIGPIPE, &action, nullptr);
}

}  // namespace ssegw::net
