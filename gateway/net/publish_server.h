// PublishServer: the publish socket of one event loop — a Unix SOCK_STREAM listener at
// --socket and the PublisherConnections it accepts, any number at once.
//
// Publishers are identified in logs by their SO_PEERCRED pid and uid, which also decides
// whether they may publish at all when the options name allowed uids. Closed publishers
// are freed at the end of the loop turn (EventLoop::TurnEndHook), never inside their own
// callbacks. Close() (graceful shutdown) stops accepting, removes the socket file (only
// if it is still ours) and closes every publisher after the replies it is owed.
//
// Owns the listening socket and the publishers; borrows the loop, the event log, the
// gate and the counters, which must outlive it. Single-threaded: it lives on the log
// owner's loop.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/counters.h"
#include "core/event_log.h"
#include "net/acceptor.h"
#include "net/event_loop.h"
#include "net/publisher_connection.h"
#include "net/unix_socket.h"

namespace ssegw::net {

struct PublishServerOptions {
  std::string path = "/tmp/sse-gateway.sock";
  mode_t mode = 0660;
  // When not empty, only peers with these uids (SO_PEERCRED) may publish; others are
  // closed at once, on top of what the socket's mode lets in.
  std::vector<uint32_t> allowed_uids;
  PublisherOptions publisher;
};

class PublishServer final : public PublisherOwner, public EventLoop::TurnEndHook {
 public:
  PublishServer(EventLoop& loop, EventLog& log, PublishGate& gate, GatewayCounters& counters,
                const PublishServerOptions& options);
  ~PublishServer();
  PublishServer(const PublishServer&) = delete;
  PublishServer& operator=(const PublishServer&) = delete;

  // Binds the socket (replacing a stale one). false with *error when the path is held
  // by a live process, is not a socket, or cannot be bound.
  bool Open(std::string* error);
  // Stops accepting, unlinks the socket file, closes every publisher. Idempotent.
  void Close();

  // The gate has opened again: publishers it held back may read.
  void ResumeAll();

  const std::string& path() const { return options_.path; }
  size_t publisher_count() const { return publishers_.size(); }

  // PublisherOwner.
  void OnPublisherClosed(PublisherConnection* publisher) override;
  // EventLoop::TurnEndHook.
  void OnTurnEnd() override;

 private:
  void OnAccept(UniqueFd fd);

  EventLoop& loop_;
  EventLog& log_;
  PublishGate& gate_;
  GatewayCounters& counters_;
  PublishServerOptions options_;
  BoundUnixSocket socket_;
  std::unique_ptr<Acceptor> acceptor_;
  std::unordered_map<PublisherConnection*, std::unique_ptr<PublisherConnection>> publishers_;
  std::vector<PublisherConnection*> closed_;
};

}  // namespace ssegw::net
