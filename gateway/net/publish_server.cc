#include "net/publish_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "net/log.h"

namespace ssegw::net {
namespace {

// The peer's credentials (SO_PEERCRED); nullopt if the kernel will not say.
std::optional<ucred> PeerCredentials(int fd) {
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return std::nullopt;
  return credentials;
}

// "pid=123 uid=1000", for every log line about this publisher.
std::string PeerName(const std::optional<ucred>& credentials) {
  if (!credentials) return "pid=? uid=?";
  return "pid=" + std::to_string(credentials->pid) + " uid=" + std::to_string(credentials->uid);
}

}  // namespace

PublishServer::PublishServer(EventLoop& loop, EventLog& log, PublishGate& gate,
                             GatewayCounters& counters, const PublishServerOptions& options)
    : loop_(loop), log_(log), gate_(gate), counters_(counters), options_(options) {
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
  acceptor_ = std::make_unique<Acceptor>(
      loop_, socket_.fd.get(), options_.path,
      [this](UniqueFd fd, const sockaddr*, socklen_t) { OnAccept(std::move(fd)); });
  return true;
}

void PublishServer::Close() {
  if (socket_.fd.valid()) {
    acceptor_.reset();
    socket_.fd.Reset();
    UnlinkIfOurs(options_.path, socket_);
  }
  // Collect first: closing reports back through OnPublisherClosed.
  std::vector<PublisherConnection*> open;
  for (auto& [raw, publisher] : publishers_) open.push_back(raw);
  for (PublisherConnection* publisher : open) publisher->CloseAfterReplies();
}

void PublishServer::OnAccept(UniqueFd client) {
  const std::optional<ucred> credentials = PeerCredentials(client.get());
  std::string name = PeerName(credentials);
  const std::vector<uint32_t>& allowed = options_.allowed_uids;
  if (!allowed.empty() && (!credentials || std::find(allowed.begin(), allowed.end(),
                                                     credentials->uid) == allowed.end())) {
    LOG_WARN("publisher %s: refused: its uid is not in --socket-allow-uid", name.c_str());
    return;  // `client` closes here
  }
  auto publisher = std::make_unique<PublisherConnection>(
      loop_, *this, log_, gate_, counters_, options_.publisher, std::move(client), name);
  PublisherConnection* raw = publisher.get();
  publishers_.emplace(raw, std::move(publisher));
  ++counters_.publishers;
  LOG_INFO("publisher %s: connected", name.c_str());
  raw->Start();
}

void PublishServer::ResumeAll() {
  for (auto& [raw, publisher] : publishers_) publisher->Resume();
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
