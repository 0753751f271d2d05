#include "net/listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "net/log.h"
#include "net/socket_address.h"

namespace ssegw::net {
namespace {

// Enough to drain a burst without letting accepting starve everything else in a turn.
constexpr int kMaxAcceptsPerTurn = 64;
constexpr int kBacklog = 1024;

std::string Describe(const std::string& host, uint16_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace

std::unique_ptr<TcpListener> TcpListener::Open(EventLoop& loop, const std::string& host,
                                               uint16_t port, AcceptFn on_accept,
                                               std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    *error = "cannot listen on " + Describe(host, port) + ": " + gai_strerror(rc);
    return nullptr;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);

  // The first address that binds wins (a name may resolve to several).
  int last_errno = 0;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(
        socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      last_errno = errno;
      continue;
    }
    // Lets a restarted gateway bind while old connections sit in TIME_WAIT; on Linux it
    // never lets two live listeners share the port.
    int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd.get(), kBacklog) != 0) {
      last_errno = errno;
      continue;
    }
    sockaddr_storage bound{};
    socklen_t bound_len = sizeof(bound);
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len);

    std::unique_ptr<TcpListener> listener(
        new TcpListener(loop, std::move(fd), std::move(on_accept)));
    listener->address_ = FormatHostPort(reinterpret_cast<sockaddr*>(&bound), bound_len);
    listener->port_ =
        ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return listener;
  }
  *error = "cannot listen on " + Describe(host, port) + ": " + strerror(last_errno);
  return nullptr;
}

TcpListener::TcpListener(EventLoop& loop, UniqueFd fd, AcceptFn on_accept)
    : loop_(loop), fd_(std::move(fd)), on_accept_(std::move(on_accept)) {
  accept_event_.reset(
      event_new(loop_.base(), fd_.get(), EV_READ | EV_PERSIST, &TcpListener::OnReadable, this));
  resume_timer_.reset(evtimer_new(loop_.base(), &TcpListener::OnResume, this));
  event_add(accept_event_.get(), nullptr);
}

void TcpListener::OnReadable(evutil_socket_t, short, void* self) {
  static_cast<TcpListener*>(self)->AcceptAll();
}

void TcpListener::OnResume(evutil_socket_t, short, void* self) {
  auto* listener = static_cast<TcpListener*>(self);
  event_add(listener->accept_event_.get(), nullptr);
}

void TcpListener::AcceptAll() {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    int fd = accept4(fd_.get(), reinterpret_cast<sockaddr*>(&peer), &peer_len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        LOG_WARN("accept on %s: %s; pausing accepts for 1 s", address_.c_str(), strerror(errno));
        event_del(accept_event_.get());
        timeval one_second{1, 0};
        evtimer_add(resume_timer_.get(), &one_second);
      }
      return;  // EAGAIN: drained
    }
    UniqueFd client(fd);
    int one = 1;
    // SSE events are small and latency matters more than packet count.
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    on_accept_(std::move(client), FormatHostPort(reinterpret_cast<sockaddr*>(&peer), peer_len));
  }
}

}  // namespace ssegw::net
