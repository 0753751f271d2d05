#include "testutil/publisher.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ssegw::testing {

namespace {

int MillisUntil(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

std::string Delimited(const google::protobuf::MessageLite& message) {
  const std::string body = message.SerializeAsString();
  std::string out;
  uint64_t n = body.size();
  // Base-128 varint, least significant group first, high bit = more groups follow.
  do {
    uint8_t byte = n & 0x7f;
    n >>= 7;
    if (n) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (n);
  return out + body;
}

v1::Event MakeEvent(std::vector<std::string> topics, std::string data, std::string id,
                    std::string type, uint32_t retry_ms) {
  v1::Event e;
  for (std::string& t : topics) e.add_topics(std::move(t));
  e.set_data(std::move(data));
  e.set_id(std::move(id));
  e.set_type(std::move(type));
  e.set_retry_ms(retry_ms);
  return e;
}

v1::PublishRequest MakeRequest(uint64_t seq, std::initializer_list<v1::Event> events) {
  v1::PublishRequest r;
  r.set_seq(seq);
  for (const v1::Event& e : events) *r.add_events() = e;
  return r;
}

Publisher::~Publisher() {
  Close();
}

bool Publisher::Connect(const std::string& socket_path, std::string* error) {
  // Writing to a connection the gateway closed must fail with EPIPE, never kill the test
  // (MSG_NOSIGNAL covers send; this covers anything else on the fd).
  signal(SIGPIPE, SIG_IGN);
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    *error = "socket path too long: " + socket_path;
    return false;
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    // A Unix stream connect either succeeds at once or fails (EAGAIN = backlog full).
    *error = "connect " + socket_path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool Publisher::SendRaw(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, MillisUntil(deadline)) <= 0) {
        error_ = "send: timed out with the socket full";
        return false;
      }
      continue;
    }
    error_ = std::string("send: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool Publisher::SendMessage(const google::protobuf::MessageLite& message,
                            std::chrono::milliseconds timeout) {
  return SendRaw(Delimited(message), timeout);
}

bool Publisher::Fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  while (true) {
    char buffer[16 * 1024];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      in_.append(buffer, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLIN, 0};
      const int r = poll(&p, 1, MillisUntil(deadline));
      if (r == 0) {
        error_ = "timed out waiting for the gateway";
        return false;
      }
      if (r < 0 && errno != EINTR) {
        error_ = std::string("poll: ") + std::strerror(errno);
        return false;
      }
      continue;
    }
    // ECONNRESET: the gateway closed with our bytes unread; that is a close too.
    error_ = std::string("recv: ") + std::strerror(errno);
    eof_ = true;
    return false;
  }
}

std::optional<v1::PublishReply> Publisher::ReadReply(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // Is a whole frame buffered? Decode the varint by hand to know how long it is.
    uint64_t length = 0;
    size_t header = 0;
    bool have_length = false;
    for (size_t i = 0; i < in_.size() && i < 10; ++i) {
      const auto byte = static_cast<uint8_t>(in_[i]);
      length |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (!(byte & 0x80)) {
        header = i + 1;
        have_length = true;
        break;
      }
    }
    if (!have_length && in_.size() >= 10) {
      error_ = "the gateway sent a bad varint";
      return std::nullopt;
    }
    if (have_length && in_.size() - header >= length) {
      v1::PublishReply reply;
      if (!reply.ParseFromArray(in_.data() + header, static_cast<int>(length))) {
        error_ = "the gateway sent a reply that does not parse";
        return std::nullopt;
      }
      in_.erase(0, header + length);
      return reply;
    }
    if (!Fill(deadline)) {
      if (eof_ && error_.empty()) error_ = "the gateway closed the connection";
      return std::nullopt;
    }
  }
}

std::optional<v1::PublishReply> Publisher::Publish(const v1::PublishRequest& request,
                                                   std::chrono::milliseconds timeout) {
  if (!Send(request, timeout)) return std::nullopt;
  return ReadReply(timeout);
}

bool Publisher::WaitForClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    if (!Fill(deadline) && !eof_) return false;
  }
  return true;
}

void Publisher::ShutdownWrite() {
  if (fd_ >= 0) shutdown(fd_, SHUT_WR);
}

void Publisher::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace ssegw::testing
