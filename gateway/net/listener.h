// TcpListener: a listening TCP socket on the loop that hands every accepted connection
// (non-blocking, close-on-exec, TCP_NODELAY) to a callback.
//
// With several event loops, every loop accepts on its own socket of one SO_REUSEPORT
// group bound to the same address (BindGroup), and the kernel spreads new connections
// over them. The group is bound on one thread before the loops start; each socket is
// then wrapped in a TcpListener on its loop.
//
// Owns the listening socket; destroying the listener stops accepting and closes it.
// Accepting itself (bounded per turn, paused when out of descriptors) is the Acceptor's.
// Single-threaded: used on its loop only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/acceptor.h"
#include "net/event_loop.h"
#include "net/unique_fd.h"

namespace ssegw::net {

class TcpListener {
 public:
  // `peer` is the client's address as "HOST:PORT", for logs.
  using AcceptFn = std::function<void(UniqueFd fd, const std::string& peer)>;

  // A bound, listening socket and the address it was bound to.
  struct BoundSocket {
    UniqueFd fd;
    std::string address;  // "127.0.0.1:8443" or "[::1]:8443"
    uint16_t port = 0;
  };

  // Resolves `host` (numeric or a name) and binds `count` listening sockets to one
  // address: one plain socket when count is 1, else an SO_REUSEPORT group. Port 0
  // picks a free port. A port another process listens on is refused even when that
  // process also uses SO_REUSEPORT. Empty with *error naming the address and the reason
  // (e.g. "Address already in use") on failure.
  static std::vector<BoundSocket> BindGroup(const std::string& host, uint16_t port, size_t count,
                                            std::string* error);

  // Accepts on `socket` from `loop`.
  static std::unique_ptr<TcpListener> Wrap(EventLoop& loop, BoundSocket socket, AcceptFn on_accept);

  // BindGroup with one socket, then Wrap: nullptr with *error on failure.
  static std::unique_ptr<TcpListener> Open(EventLoop& loop, const std::string& host, uint16_t port,
                                           AcceptFn on_accept, std::string* error);
  ~TcpListener() = default;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // The bound address, port resolved: "127.0.0.1:8443" or "[::1]:8443".
  const std::string& address() const { return address_; }
  uint16_t port() const { return port_; }

 private:
  TcpListener(EventLoop& loop, UniqueFd fd, std::string address, uint16_t port, AcceptFn on_accept);

  UniqueFd fd_;
  std::string address_;
  uint16_t port_ = 0;
  Acceptor acceptor_;
};

}  // namespace ssegw::net
