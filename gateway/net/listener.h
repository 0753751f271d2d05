// TcpListener: a listening TCP socket on the loop that hands every accepted connection
// (non-blocking, close-on-exec, TCP_NODELAY) to a callback.
//
// Owns the listening socket; destroying the listener stops accepting and closes it.
// Accepting itself (bounded per turn, paused when out of descriptors) is the Acceptor's.
// Single-threaded: used on its loop only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/acceptor.h"
#include "net/event_loop.h"
#include "net/unique_fd.h"

namespace ssegw::net {

class TcpListener {
 public:
  // `peer` is the client's address as "HOST:PORT", for logs.
  using AcceptFn = std::function<void(UniqueFd fd, const std::string& peer)>;

  // Resolves `host` (numeric or a name), binds, listens. Port 0 picks a free port.
  // nullptr with *error naming the address and the reason (e.g. "Address already in
  // use") on failure.
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
