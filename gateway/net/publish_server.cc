#include "net/publish_server.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "net/log.h"

namespace ssegw::net {
namespace {

constexpr int kMaxAcceptsPerTurn = 64;

// "pid=123 uid=1000" from SO_PEERCRED, for every log line about this publisher.
std::string PeerName(int fd) {
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
    return "pid=? uid=?";
  }
  return "pid=" + std::to_string(credentials.pid) + " uid=" + std::to_string(credentials.uid);
}

}  // namespace

PublishServer::PublishServer(EventLoop& loop, Hub& hub, GatewayCounters& counters,
                             const PublishServerOptions& options)
    : loop_(loop), hub_(hub), counters_(counters), options_(options) {
  loop_.AddTurnEndHook(this);
}

PublishServer::~PublishServer() {
  Close();
  loop_.RemoveTurnEndHook(this);
  counters_.publishers -= publishers_.size();
  publishers_.clear();
}

bool PublishServer::Open(std::string* error) {
  if (!BindUnixListener(options_.path, options_.mode, &socket_, error)) return false;
  accept_event_.reset(event_new(loop_.base(), socket_.fd.get(), EV_READ | EV_PERSIST,
                                &PublishServer::OnAcceptEvent, this));
  event_add(accept_event_.get(), nullptr);
  return true;
}

void PublishServer::Close() {
  if (socket_.fd.valid()) {
    accept_event_.reset();
    socket_.fd.Reset();
    UnlinkIfOurs(options_.path, socket_);
  }
  // Collect first: closing reports back through OnPublisherClosed.
  std::vector<PublisherConnection*> open;
  for (auto& [raw, publisher] : publishers_) open.push_back(raw);
  for (PublisherConnection* publisher : open) publisher->CloseAfterReplies();
}

void PublishServer::OnAcceptEvent(evutil_socket_t, short, void* self) {
  static_cast<PublishServer*>(self)->AcceptAll();
}

void PublishServer::AcceptAll() {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    int fd = accept4(socket_.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        LOG_WARN("publish socket %s: accept failed: %s", options_.path.c_str(), strerror(errno));
      }
      return;
    }
    UniqueFd client(fd);
    std::string name = PeerName(fd);
    auto publisher = std::make_unique<PublisherConnection>(
        loop_, *this, hub_, counters_, options_.publisher, std::move(client), name);
    PublisherConnection* raw = publisher.get();
    publishers_.emplace(raw, std::move(publisher));
    ++counters_.publishers;
    LOG_INFO("publisher %s: connected", name.c_str());
    raw->Start();
  }
}

void PublishServer::OnPublisherClosed(PublisherConnection* publisher) {
  closed_.push_back(publisher);
  loop_.RequestTurnEnd();
}

void PublishServer::OnTurnEnd() {
  if (closed_.empty()) return;
  std::vector<PublisherConnection*> closed;
  closed.swap(closed_);
  for (PublisherConnection* publisher : closed) {
    if (publishers_.erase(publisher) > 0) --counters_.publishers;
  }
}

}  // namespace ssegw::net
