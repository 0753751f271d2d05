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

// Connections the kernel holds for accept(). A reconnect storm brings thousands at once,
// and a loop busy with handshakes accepts them only between turns: a full queue drops
// the client's last handshake packet and the client, which believes it is connected,
// gets a reset (166 of 10,000 at once with 1,024). Linux caps this at
// net.core.somaxconn (4,096 by default).
constexpr int kBacklog = 65535;

std::string Describe(const std::string& host, uint16_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace

std::vector<TcpListener::BoundSocket> TcpListener::BindGroup(const std::string& host, uint16_t port,
                                                             size_t count, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    *error = "cannot listen on " + Describe(host, port) + ": " + gai_strerror(rc);
    return {};
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);

  // The first address that binds wins (a name may resolve to several).
  int last_errno = 0;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    std::vector<BoundSocket> group;
    sockaddr_storage address{};
    memcpy(&address, ai->ai_addr, ai->ai_addrlen);
    for (size_t i = 0; i < count; ++i) {
      UniqueFd fd(
          socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
      if (!fd.valid()) break;
      // Lets a restarted gateway bind while old connections sit in TIME_WAIT; on Linux it
      // never lets two live listeners share the port.
      int one = 1;
      setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      // The first socket binds alone, without SO_REUSEPORT: that is the check that no
      // other process holds the port (a group of another gateway would otherwise let us
      // join it) and, for port 0, the choice of the port. It then joins the group too:
      // SO_REUSEPORT set on a bound socket applies to the sockets bound after it.
      if (i > 0) setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
      if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), ai->ai_addrlen) != 0) break;
      if (i == 0) {
        sockaddr_storage bound{};
        socklen_t bound_len = sizeof(bound);
        getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len);
        address = bound;  // later sockets bind the port the first one got
      }
      if (i == 0 && count > 1) {
        setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
      }
      if (listen(fd.get(), kBacklog) != 0) break;
      const sockaddr* bound = reinterpret_cast<const sockaddr*>(&address);
      const uint16_t bound_port =
          ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
      group.push_back(
          BoundSocket{std::move(fd), FormatHostPort(bound, ai->ai_addrlen), bound_port});
    }
    if (group.size() == count) return group;
    last_errno = errno;
  }
  *error = "cannot listen on " + Describe(host, port) + ": " + strerror(last_errno);
  return {};
}

std::unique_ptr<TcpListener> TcpListener::Wrap(EventLoop& loop, BoundSocket socket,
                                               AcceptFn on_accept) {
  return std::unique_ptr<TcpListener>(new TcpListener(
      loop, std::move(socket.fd), std::move(socket.address), socket.port, std::move(on_accept)));
}

std::unique_ptr<TcpListener> TcpListener::Open(EventLoop& loop, const std::string& host,
                                               uint16_t port, AcceptFn on_accept,
                                               std::string* error) {
  std::vector<BoundSocket> group = BindGroup(host, port, 1, error);
  if (group.empty()) return nullptr;
  return Wrap(loop, std::move(group.front()), std::move(on_accept));
}

TcpListener::TcpListener(EventLoop& loop, UniqueFd fd, std::string address, uint16_t port,
                         AcceptFn on_accept)
    : fd_(std::move(fd)),
      address_(std::move(address)),
      port_(port),
      acceptor_(loop, fd_.get(), address_,
                [on_accept = std::move(on_accept)](UniqueFd client, const sockaddr* peer,
                                                   socklen_t peer_len) {
                  int one = 1;
                  // SSE events are small and latency matters more than packet count.
                  setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                  on_accept(std::move(client), FormatHostPort(peer, peer_len));
                }) {}

}  // namespace ssegw::net
