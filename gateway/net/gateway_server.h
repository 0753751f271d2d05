// GatewayServer: the client side of one event loop — its socket of the TLS listener
// (ALPN h2 or http/1.1) and optionally of the cleartext one (HTTP/2 with prior knowledge
// or HTTP/1.1, for a TLS-terminating balancer), the connections they accept, their
// end-of-turn flush and their 1-second tick.
//
// At most `max_handshakes` connections run their transport handshake at once; later ones
// are accepted and wait, unread, in arrival order, until a handshake ends. A burst of
// thousands (a reconnect storm) then takes the CPU and handshake memory of that many at
// a time and each finishes well inside the handshake timeout, instead of all slowing
// down together until the timeout cuts them off (19,000 TLS clients connecting at once
// to one loop: 17,500 were dropped that way). The handshake timeout runs from the end of
// the wait.
//
// Connections mark themselves dirty when their session has output; at the end of the
// loop turn (EventLoop::TurnEndHook) the server flushes every dirty connection once and
// then frees the connections that closed during the turn. So a burst of publishes that
// touches many streams on one connection costs one flush, and no connection is freed
// inside its own callbacks.
//
// Owns its listeners and connections. Borrows the loop, the session environment
// (fanout, counters, metrics and demo page of this loop), the TLS context and the
// process-wide connection quota, which must outlive it. Single-threaded: one server per
// loop; a process with N loops has N servers, each with its own socket of every
// listener's SO_REUSEPORT group, sharing nothing but the TLS context and the quota.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "h2/server_session.h"
#include "net/connection.h"
#include "net/connection_quota.h"
#include "net/event_loop.h"
#include "net/listener.h"
#include "net/tls_context.h"

namespace ssegw::net {

struct GatewayServerOptions {
  ConnectionOptions connection;
  // Transport handshakes in progress at once on this loop. Enough to keep a core busy
  // with TLS handshakes at a round trip of 250 ms (~0.5 ms of CPU each).
  size_t max_handshakes = 512;
};

class GatewayServer final : public ConnectionOwner, public EventLoop::TurnEndHook {
 public:
  // Beyond `quota`, accepted sockets are closed at once.
  GatewayServer(EventLoop& loop, http::SessionEnvironment& env, std::shared_ptr<TlsContext> tls,
                ConnectionQuota& quota, const GatewayServerOptions& options);
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  // Accepts on `socket`: TLS connections, or cleartext ones when `tls` is false.
  void AddListener(TcpListener::BoundSocket socket, bool tls);
  // New handshakes use `tls` (a reloaded certificate); open connections keep theirs.
  void SetTlsContext(std::shared_ptr<TlsContext> tls) { tls_ = std::move(tls); }
  // "127.0.0.1:8443" once listening; "" for a listener not opened.
  std::string address() const { return listener_ ? listener_->address() : std::string(); }
  std::string plain_address() const {
    return plain_listener_ ? plain_listener_->address() : std::string();
  }

  // Stops accepting and shuts every connection down gracefully (GOAWAY, streams ended).
  // `on_idle` runs, from the end of a turn, once no connection is left.
  void BeginShutdown(std::function<void()> on_idle);

  size_t connection_count() const { return connections_.size(); }
  // Connections in their transport handshake, and accepted ones waiting to start it.
  size_t handshakes_in_progress() const { return handshakes_; }
  size_t handshakes_waiting() const { return waiting_.size(); }

  // ConnectionOwner.
  void MarkDirty(Connection* connection) override;
  void OnClosed(Connection* connection) override;
  void OnHandshakeOver(Connection* connection) override;
  TimerWheel& timers() override { return timers_; }
  // EventLoop::TurnEndHook.
  void OnTurnEnd() override;

 private:
  struct Waiting {
    UniqueFd fd;
    std::string peer;
    bool tls;
  };

  void OnAccept(UniqueFd fd, const std::string& peer, bool tls);
  // Makes the connection and starts its handshake.
  void Admit(UniqueFd fd, const std::string& peer, bool tls);
  // Starts waiting connections while handshakes are free.
  void AdmitWaiting();
  static void OnTick(evutil_socket_t, short, void* self);

  EventLoop& loop_;
  http::SessionEnvironment& env_;
  std::shared_ptr<TlsContext> tls_;  // for new handshakes; a reload replaces it
  ConnectionQuota& quota_;
  GatewayServerOptions options_;
  std::unique_ptr<TcpListener> listener_;
  std::unique_ptr<TcpListener> plain_listener_;
  EventPtr tick_;
  // Declared before connections_, whose timers it holds (either order is safe: a wheel
  // lets go of its timers when destroyed).
  TimerWheel timers_;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> dirty_;
  std::vector<Connection*> closed_;
  std::deque<Waiting> waiting_;  // accepted, handshake not started; hold a quota slot
  size_t handshakes_ = 0;
  size_t refused_since_tick_ = 0;
  bool shutting_down_ = false;
  std::function<void()> on_idle_;
};

}  // namespace ssegw::net
