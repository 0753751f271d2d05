#include "net/gateway_server.h"

#include <algorithm>

#include "net/heap_trimmer.h"
#include "net/log.h"
#include "net/plain_transport.h"
#include "net/tls_transport.h"

namespace ssegw::net {
namespace {

// Connections' deadlines are checked once a second, as they always were: keep-alives,
// graces and timeouts are whole seconds. 64 slots hold every default deadline within one
// turn of the wheel (keep-alive 15 s, handshake and grace 10 s).
constexpr uint64_t kTickMs = 1000;
constexpr size_t kWheelSlots = 64;

}  // namespace

GatewayServer::GatewayServer(EventLoop& loop, http::SessionEnvironment& env,
                             std::shared_ptr<TlsContext> tls, ConnectionQuota& quota,
                             const GatewayServerOptions& options)
    : loop_(loop),
      env_(env),
      tls_(std::move(tls)),
      quota_(quota),
      options_(options),
      timers_(kTickMs, kWheelSlots, EventLoop::NowMs()) {
  loop_.AddTurnEndHook(this);
  tick_.reset(event_new(loop_.base(), -1, EV_PERSIST, &GatewayServer::OnTick, this));
  timeval tick{kTickMs / 1000, 0};
  event_add(tick_.get(), &tick);
}

GatewayServer::~GatewayServer() {
  loop_.RemoveTurnEndHook(this);
  for (size_t i = 0; i < waiting_.size(); ++i) quota_.Release();
  waiting_.clear();
  // Sessions unsubscribe from the fanout as they go; the gauge and quota follow.
  env_.counters().connections -= connections_.size();
  for (size_t i = 0; i < connections_.size(); ++i) quota_.Release();
  connections_.clear();
}

void GatewayServer::AddListener(TcpListener::BoundSocket socket, bool tls) {
  std::unique_ptr<TcpListener>& listener = tls ? listener_ : plain_listener_;
  listener = TcpListener::Wrap(
      loop_, std::move(socket),
      [this, tls](UniqueFd fd, const std::string& peer) { OnAccept(std::move(fd), peer, tls); });
}

void GatewayServer::OnAccept(UniqueFd fd, const std::string& peer, bool tls) {
  if (shutting_down_) return;
  if (!quota_.TryTake()) {
    ++refused_since_tick_;  // reported once per tick, not once per connection
    return;                 // `fd` closes here
  }
  if (handshakes_ >= options_.max_handshakes || !waiting_.empty()) {
    waiting_.push_back(Waiting{std::move(fd), peer, tls});
    return;
  }
  Admit(std::move(fd), peer, tls);
}

void GatewayServer::Admit(UniqueFd fd, const std::string& peer, bool tls) {
  std::unique_ptr<Transport> transport;
  if (tls) {
    // The SSL object holds its own reference to the SSL_CTX, so a connection outlives a
    // reload that replaces tls_.
    transport = TlsTransport::Create(*tls_, std::move(fd));
  } else {
    transport = std::make_unique<PlainTransport>(std::move(fd));
  }
  if (transport == nullptr) {
    LOG_WARN("refusing %s: cannot allocate a TLS connection", peer.c_str());
    quota_.Release();
    return;
  }
  auto connection = std::make_unique<Connection>(loop_, *this, env_, options_.connection,
                                                 std::move(transport), peer);
  Connection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  ++env_.counters().connections;
  LOG_DEBUG("connection %s: accepted", peer.c_str());
  ++handshakes_;
  raw->Start();
}

void GatewayServer::AdmitWaiting() {
  while (!shutting_down_ && !waiting_.empty() && handshakes_ < options_.max_handshakes) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    Admit(std::move(next.fd), next.peer, next.tls);
  }
}

void GatewayServer::OnHandshakeOver(Connection*) {
  --handshakes_;
  // Waiting connections start at the end of the turn, outside this one's callbacks.
  if (!waiting_.empty()) loop_.RequestTurnEnd();
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
      if (connections_.erase(connection) > 0) {
        --env_.counters().connections;
        quota_.Release();
        HeapTrimmer::Process().NoteChurn();
      }
    }
  }
  AdmitWaiting();
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
  for (size_t i = 0; i < waiting_.size(); ++i) quota_.Release();
  waiting_.clear();  // their handshakes never started: closed at once
  for (auto& [raw, connection] : connections_) connection->Shutdown();
  loop_.RequestTurnEnd();  // reports idle at once when nothing was open
}

void GatewayServer::OnTick(evutil_socket_t, short, void* self) {
  auto* server = static_cast<GatewayServer*>(self);
  if (server->refused_since_tick_ > 0) {
    LOG_WARN("refused %zu connections in the last second: %llu open (--max-connections)",
             server->refused_since_tick_, static_cast<unsigned long long>(server->quota_.open()));
    server->refused_since_tick_ = 0;
  }
  const uint64_t now = EventLoop::NowMs();
  // Only the connections with a deadline due; Close() only queues a connection for
  // freeing, so none is destroyed while the wheel fires.
  server->timers_.Advance(now);
  // After the connections gave back what idle ones do not need: once a burst of
  // connections is over, the memory it freed leaves the resident set.
  HeapTrimmer::Process().OnTick(now);
}

}  // namespace ssegw::net
