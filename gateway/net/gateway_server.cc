#include "net/gateway_server.h"

#include <algorithm>

#include "net/log.h"
#include "net/plain_transport.h"
#include "net/tls_transport.h"

namespace ssegw::net {

GatewayServer::GatewayServer(EventLoop& loop, h2::SessionEnvironment& env, TlsContext& tls,
                             const GatewayServerOptions& options)
    : loop_(loop), env_(env), tls_(tls), options_(options) {
  loop_.AddTurnEndHook(this);
  tick_.reset(event_new(loop_.base(), -1, EV_PERSIST, &GatewayServer::OnTick, this));
  timeval one_second{1, 0};
  event_add(tick_.get(), &one_second);
}

GatewayServer::~GatewayServer() {
  loop_.RemoveTurnEndHook(this);
  // Sessions unsubscribe from the hub as they go; the gauge follows.
  env_.counters().connections -= connections_.size();
  connections_.clear();
}

bool GatewayServer::Listen(const std::string& host, uint16_t port, std::string* error) {
  listener_ = TcpListener::Open(
      loop_, host, port,
      [this](UniqueFd fd, const std::string& peer) { OnAccept(std::move(fd), peer, true); }, error);
  return listener_ != nullptr;
}

bool GatewayServer::ListenPlain(const std::string& host, uint16_t port, std::string* error) {
  plain_listener_ = TcpListener::Open(
      loop_, host, port,
      [this](UniqueFd fd, const std::string& peer) { OnAccept(std::move(fd), peer, false); },
      error);
  return plain_listener_ != nullptr;
}

void GatewayServer::OnAccept(UniqueFd fd, const std::string& peer, bool tls) {
  if (shutting_down_) return;
  if (connections_.size() >= options_.max_connections) {
    ++refused_since_tick_;  // reported once per tick, not once per connection
    return;                 // `fd` closes here
  }
  std::unique_ptr<Transport> transport;
  if (tls) {
    transport = TlsTransport::Create(tls_, std::move(fd));
  } else {
    transport = std::make_unique<PlainTransport>(std::move(fd));
  }
  if (transport == nullptr) {
    LOG_WARN("refusing %s: cannot allocate a TLS connection", peer.c_str());
    return;
  }
  auto connection = std::make_unique<Connection>(loop_, *this, env_, options_.connection,
                                                 std::move(transport), peer);
  Connection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  ++env_.counters().connections;
  LOG_DEBUG("connection %s: accepted", peer.c_str());
  raw->Start();
}

void GatewayServer::MarkDirty(Connection* connection) {
  dirty_.push_back(connection);
  loop_.RequestTurnEnd();
}

void GatewayServer::OnClosed(Connection* connection) {
  closed_.push_back(connection);
  loop_.RequestTurnEnd();
}

void GatewayServer::OnTurnEnd() {
  // Swap first: a flush may mark connections dirty again for the next pass.
  std::vector<Connection*> dirty;
  dirty.swap(dirty_);
  for (Connection* connection : dirty) connection->Flush();

  if (!closed_.empty()) {
    std::vector<Connection*> closed;
    closed.swap(closed_);
    for (Connection* connection : closed) {
      std::erase(dirty_, connection);
      if (connections_.erase(connection) > 0) --env_.counters().connections;
    }
  }
  if (shutting_down_ && connections_.empty() && on_idle_) {
    auto on_idle = std::move(on_idle_);
    on_idle_ = nullptr;
    on_idle();
  }
}

void GatewayServer::BeginShutdown(std::function<void()> on_idle) {
  shutting_down_ = true;
  on_idle_ = std::move(on_idle);
  listener_.reset();
  plain_listener_.reset();
  for (auto& [raw, connection] : connections_) connection->Shutdown();
  loop_.RequestTurnEnd();  // reports idle at once when nothing was open
}

void GatewayServer::OnTick(evutil_socket_t, short, void* self) {
  auto* server = static_cast<GatewayServer*>(self);
  if (server->refused_since_tick_ > 0) {
    LOG_WARN("refused %zu connections in the last second: %zu open (--max-connections)",
             server->refused_since_tick_, server->connections_.size());
    server->refused_since_tick_ = 0;
  }
  uint64_t now = EventLoop::NowMs();
  // Close() only queues the connection for freeing, so iterating is safe.
  for (auto& [raw, connection] : server->connections_) connection->OnTick(now);
}

}  // namespace ssegw::net
