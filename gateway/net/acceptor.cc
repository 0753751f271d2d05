#include "net/acceptor.h"

#include <cerrno>
#include <cstring>

#include "net/log.h"

namespace ssegw::net {
namespace {

// Enough to drain a burst without letting accepting starve everything else in a turn.
constexpr int kMaxAcceptsPerTurn = 64;

}  // namespace

Acceptor::Acceptor(EventLoop& loop, int listen_fd, std::string name, AcceptFn on_accept)
    : listen_fd_(listen_fd), name_(std::move(name)), on_accept_(std::move(on_accept)) {
  accept_event_.reset(
      event_new(loop.base(), listen_fd_, EV_READ | EV_PERSIST, &Acceptor::OnReadable, this));
  resume_timer_.reset(evtimer_new(loop.base(), &Acceptor::OnResume, this));
  event_add(accept_event_.get(), nullptr);
}

void Acceptor::OnReadable(evutil_socket_t, short, void* self) {
  static_cast<Acceptor*>(self)->AcceptAll();
}

void Acceptor::OnResume(evutil_socket_t, short, void* self) {
  event_add(static_cast<Acceptor*>(self)->accept_event_.get(), nullptr);
}

void Acceptor::AcceptAll() {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        LOG_WARN("accept on %s: %s; pausing accepts for 1 s", name_.c_str(), strerror(errno));
        event_del(accept_event_.get());
        timeval one_second{1, 0};
        evtimer_add(resume_timer_.get(), &one_second);
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        LOG_WARN("accept on %s: %s", name_.c_str(), strerror(errno));
      }
      return;
    }
    on_accept_(UniqueFd(fd), reinterpret_cast<sockaddr*>(&peer), peer_len);
  }
}

}  // namespace ssegw::net
