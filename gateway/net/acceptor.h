// Acceptor: accepts connections on a listening socket from its event loop and hands
// each one (non-blocking, close-on-exec) to a callback.
//
// It accepts a bounded number per readiness, so a burst cannot starve the rest of the
// loop turn. When the process runs out of file descriptors or memory it stops watching
// the socket for a second: the socket stays readable, so accepting again at once would
// spin the loop and flood the log.
//
// Does not own the listening socket, which must outlive it. Single-threaded.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <string>

#include "net/event_loop.h"
#include "net/unique_fd.h"

namespace ssegw::net {

class Acceptor {
 public:
  // `peer`/`peer_len` is the client's address (empty for Unix sockets).
  using AcceptFn = std::function<void(UniqueFd fd, const sockaddr* peer, socklen_t peer_len)>;

  // `name` names the socket in log lines.
  Acceptor(EventLoop& loop, int listen_fd, std::string name, AcceptFn on_accept);
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

 private:
  static void OnReadable(evutil_socket_t, short, void* self);
  static void OnResume(evutil_socket_t, short, void* self);
  void AcceptAll();

  int listen_fd_;
  std::string name_;
  AcceptFn on_accept_;
  EventPtr accept_event_;
  EventPtr resume_timer_;
};

}  // namespace ssegw::net
