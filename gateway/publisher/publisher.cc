#include "ssegw/publisher.h"

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

#include "publisher/publish_request.h"
#include "ssegw/v1/ssegw.pb.h"
#include "wire/publish_codec.h"

namespace ssegw {
namespace {

// A reply holds one id per event; no sane request makes one larger than this.
constexpr size_t kMaxReplyBytes = 64 * 1024 * 1024;

std::string OwnerAndMode(const struct stat& info) {
  const passwd* user = getpwuid(info.st_uid);
  const group* grp = getgrgid(info.st_gid);
  char mode[8];
  std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(info.st_mode & 07777));
  return "owner " + (user != nullptr ? std::string(user->pw_name) : std::to_string(info.st_uid)) +
         ", group " + (grp != nullptr ? std::string(grp->gr_name) : std::to_string(info.st_gid)) +
         ", mode " + mode;
}

// Says which permission is missing where: on the socket itself (connecting needs write
// permission, given to a group by the gateway's --socket-mode) or on a directory above it.
std::string PermissionProblem(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    const group* grp = getgrgid(info.st_gid);
    const std::string group_name =
        grp != nullptr ? std::string(grp->gr_name) : std::to_string(info.st_gid);
    return "permission denied: publishing needs write permission on the socket (" +
           OwnerAndMode(info) + "); run as its owner or a member of group " + group_name +
           ", or start the gateway with a --socket-mode that lets this user write (e.g. 0660 "
           "and this user in that group)";
  }
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string directory = path.substr(0, slash);
    if (::access(directory.c_str(), X_OK) != 0 && ::stat(directory.c_str(), &info) == 0) {
      return "permission denied: this user cannot enter the directory " + directory + " (" +
             OwnerAndMode(info) + ")";
    }
  }
  return "permission denied";
}

}  // namespace

// One Unix socket connection. The gateway stops reading from a publisher whose replies
// pile up unread, so a writer that only waits for its write to finish could wait
// forever: while a write is blocked, replies that arrive are taken in and kept.
class Publisher::Connection {
 public:
  static std::unique_ptr<Connection> Open(const std::string& path, std::string* error) {
    sockaddr_un address{};
    if (path.size() >= sizeof(address.sun_path)) {
      *error = "socket path is too long: " + path;
      return nullptr;
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      *error = std::string("socket: ") + std::strerror(errno);
      return nullptr;
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      const int failure = errno;
      *error = "cannot connect to " + path + ": " +
               (failure == EACCES || failure == EPERM
                    ? PermissionProblem(path)
                    : std::string(std::strerror(failure)) +
                          " (is sse-gateway running with --socket " + path + "?)");
      ::close(fd);
      return nullptr;
    }
    return std::unique_ptr<Connection>(new Connection(fd));
  }

  ~Connection() { ::close(fd_); }

  bool WriteAll(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!Wait(/*writable=*/true)) return false;
      } else if (n < 0 && errno != EINTR) {
        return false;
      }
    }
    return true;
  }

  // The next reply, waiting for it. false: the connection is gone (or sent garbage).
  bool ReadReply(v1::PublishReply* reply) {
    while (replies_.empty()) {
      if (!Wait(/*writable=*/false)) return false;
    }
    *reply = std::move(replies_.front());
    replies_.pop_front();
    return true;
  }

 private:
  explicit Connection(int fd) : fd_(fd) {}

  // Waits until the socket is readable (or also writable) and takes in what arrived.
  bool Wait(bool writable) {
    pollfd p{fd_, static_cast<short>(POLLIN | (writable ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, -1) < 0) return errno == EINTR;
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) return true;
    char buffer[64 * 1024];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    if (n == 0) return false;
    decoder_.Append(std::string_view(buffer, static_cast<size_t>(n)));
    for (;;) {
      v1::PublishReply reply;
      const PublishDecoder::Outcome outcome = decoder_.Next(&reply);
      if (outcome == PublishDecoder::Outcome::kNeedMore) return true;
      if (outcome == PublishDecoder::Outcome::kError) return false;
      replies_.push_back(std::move(reply));
    }
  }

  int fd_;
  PublishDecoder decoder_{kMaxReplyBytes};
  std::deque<v1::PublishReply> replies_;
};

Publisher::Publisher(PublisherOptions options)
    : options_(std::move(options)), id_prefix_(RandomIdPrefix()) {}

Publisher::~Publisher() = default;

bool Publisher::Connect(std::string* error) {
  if (connection_) return true;
  connection_ = Connection::Open(options_.socket_path, error);
  return connection_ != nullptr;
}

std::string Publisher::Frame(uint64_t seq, std::vector<PublishEvent>& events) {
  std::string frame;
  AppendDelimited(BuildPublishRequest(seq, events, id_prefix_, &next_id_), &frame);
  return frame;
}

bool Publisher::Reconnect(std::string* error) {
  auto backoff = options_.reconnect_backoff;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    connection_ = Connection::Open(options_.socket_path, error);
    if (!connection_) continue;
    // Everything unanswered goes again, in order, with the ids it had.
    bool sent = true;
    for (const Pending& pending : unanswered_) {
      if (!connection_->WriteAll(pending.frame)) {
        sent = false;
        break;
      }
    }
    if (sent) return true;
    connection_.reset();
    *error = "connection lost while resending";
  }
  return false;
}

bool Publisher::SendOrReconnect(const Pending& request) {
  if (connection_ && connection_->WriteAll(request.frame)) return true;
  if (connection_) ++reconnects_;
  std::string error;
  if (Reconnect(&error)) return true;
  FailAllPending(error);
  return false;
}

void Publisher::FailAllPending(const std::string& error) {
  for (size_t i = 0; i < unanswered_.size(); ++i) {
    outcomes_.push_back(PublishOutcome{.accepted = false, .status = -1, .error = error});
  }
  unanswered_.clear();
}

bool Publisher::ReadOneReply() {
  for (int failures = 0; failures < options_.max_attempts; ++failures) {
    v1::PublishReply reply;
    if (connection_ && connection_->ReadReply(&reply)) {
      // Replies come in request order; seq 0 answers a frame the gateway could not read,
      // after which it closes the connection.
      const bool frame_refused = reply.seq() == 0 && unanswered_.front().seq != 0;
      PublishOutcome outcome;
      outcome.status = reply.status();
      outcome.accepted = reply.status() == v1::STATUS_OK && !frame_refused;
      outcome.ids.assign(reply.ids().begin(), reply.ids().end());
      outcome.duplicates = reply.duplicates();
      outcome.error = reply.error();
      outcomes_.push_back(std::move(outcome));
      unanswered_.pop_front();
      if (frame_refused) connection_.reset();
      return true;
    }
    if (connection_) ++reconnects_;
    connection_.reset();
    std::string error;
    if (!Reconnect(&error)) {
      FailAllPending(error);
      return false;
    }
  }
  FailAllPending("the gateway closed the connection " + std::to_string(options_.max_attempts) +
                 " times without replying");
  return false;
}

void Publisher::Enqueue(std::vector<PublishEvent> events) {
  while (unanswered_.size() >= options_.max_in_flight) ReadOneReply();
  const uint64_t seq = next_seq_++;
  unanswered_.push_back(Pending{seq, Frame(seq, events)});
  SendOrReconnect(unanswered_.back());
}

PublishOutcome Publisher::Publish(std::vector<PublishEvent> events) {
  Enqueue(std::move(events));
  while (!unanswered_.empty()) ReadOneReply();
  PublishOutcome outcome = std::move(outcomes_.back());
  outcomes_.pop_back();
  return outcome;
}

std::vector<PublishOutcome> Publisher::WaitAll() {
  while (!unanswered_.empty()) ReadOneReply();
  return std::exchange(outcomes_, {});
}

}  // namespace ssegw
