#include "testutil/h1_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ssegw::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

std::optional<std::string> H1Response::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

size_t H1Response::HeaderCount(std::string_view name) const {
  return headers.count(std::string(name));
}

// http_parser callbacks (HTTP_RESPONSE), as static trampolines into the client.
struct H1Client::Callbacks {
  static H1Client* From(http_parser* p) { return static_cast<H1Client*>(p->data); }
  static H1Response& Current(http_parser* p) { return *From(p)->responses_.back(); }

  static int OnMessageBegin(http_parser* p) {
    From(p)->responses_.push_back(std::make_unique<H1Response>());
    From(p)->field_.clear();
    From(p)->in_value_ = false;
    return 0;
  }
  static int OnHeaderField(http_parser* p, const char* at, size_t n) {
    H1Client* c = From(p);
    if (c->in_value_) {
      c->field_.clear();
      c->in_value_ = false;
    }
    c->field_.append(at, n);
    return 0;
  }
  static int OnHeaderValue(http_parser* p, const char* at, size_t n) {
    H1Client* c = From(p);
    H1Response& r = Current(p);
    if (!c->in_value_) {
      r.headers.emplace(Lower(c->field_), std::string());
      c->in_value_ = true;
    }
    // The entry just added is the last one with that name.
    auto range = r.headers.equal_range(Lower(c->field_));
    std::prev(range.second)->second.append(at, n);
    return 0;
  }
  static int OnHeadersComplete(http_parser* p) {
    H1Client* c = From(p);
    H1Response& r = Current(p);
    r.status = static_cast<int>(p->status_code);
    r.headers_complete = true;
    r.chunked = (p->flags & F_CHUNKED) != 0;
    bool head = false;
    if (!c->head_requests_.empty()) {
      head = c->head_requests_.front();
      c->head_requests_.pop_front();
    }
    return head ? 1 : 0;  // 1: this response has no body
  }
  static int OnBody(http_parser* p, const char* at, size_t n) {
    H1Response& r = Current(p);
    r.body.append(at, n);
    r.parser.Feed({at, n});
    for (ParsedEvent& e : r.parser.TakeEvents()) r.events.push_back(std::move(e));
    return 0;
  }
  static int OnMessageComplete(http_parser* p) {
    Current(p).complete = true;
    return 0;
  }
};

H1Client::H1Client(H1ClientOptions options)
    : options_(std::move(options)), parser_(std::make_unique<http_parser>()) {
  http_parser_init(parser_.get(), HTTP_RESPONSE);
  parser_->data = this;
}

H1Client::~H1Client() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  if (fd_ >= 0) close(fd_);
}

bool H1Client::Connect(int port, std::string* error, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (options_.receive_buffer > 0 &&
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options_.receive_buffer,
                 sizeof options_.receive_buffer) != 0) {
    *error = std::string("SO_RCVBUF: ") + std::strerror(errno);
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    *error = std::string("connect: ") + std::strerror(errno);
    return false;
  }
  pollfd p{fd_, POLLOUT, 0};
  if (poll(&p, 1, RemainingMs(deadline)) != 1) {
    *error = "connect: timed out";
    return false;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    *error = std::string("connect: ") + std::strerror(so_error);
    return false;
  }
  if (!options_.tls) return true;

  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  if (!options_.alpn.empty()) {
    std::string wire;
    for (const std::string& name : options_.alpn) {
      wire.push_back(static_cast<char>(name.size()));
      wire += name;
    }
    SSL_CTX_set_alpn_protos(ctx_, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned int>(wire.size()));
  }
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  SSL_set_tlsext_host_name(ssl_, "localhost");
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  while (true) {
    ERR_clear_error();
    const int r = SSL_connect(ssl_);
    if (r == 1) break;
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      char text[256] = "";
      ERR_error_string_n(ERR_get_error(), text, sizeof text);
      *error = std::string("TLS handshake failed: ") + text;
      return false;
    }
    pollfd hp{fd_, static_cast<short>(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
    if (poll(&hp, 1, RemainingMs(deadline)) != 1) {
      *error = "TLS handshake timed out";
      return false;
    }
  }
  const unsigned char* proto = nullptr;
  unsigned int proto_len = 0;
  SSL_get0_alpn_selected(ssl_, &proto, &proto_len);
  if (proto != nullptr) alpn_.assign(reinterpret_cast<const char*>(proto), proto_len);
  return true;
}

bool H1Client::Request(std::string_view method, std::string_view path,
                       std::string_view extra_lines) {
  std::string request(method);
  request += ' ';
  request += path;
  request += " HTTP/1.1\r\nHost: localhost\r\n";
  request += extra_lines;
  request += "\r\n";
  head_requests_.push_back(method == "HEAD");
  return Send(request);
}

void H1Client::ShutdownWrite() {
  if (fd_ >= 0) shutdown(fd_, SHUT_WR);
}

long H1Client::WriteSome(std::string_view bytes) {
  if (ssl_ != nullptr) {
    ERR_clear_error();
    size_t n = 0;
    if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &n) == 1) return static_cast<long>(n);
    const int e = SSL_get_error(ssl_, 0);
    return e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ? 0 : -1;
  }
  const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (n >= 0) return n;
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

bool H1Client::Send(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    if (closed_) return false;
    // The retry rule of OpenSSL: after a blocked write, the same bytes again.
    const long n = WriteSome(bytes);
    if (n < 0) {
      error_ = "write failed";
      closed_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    if (bytes.empty()) break;
    if (Clock::now() >= deadline) {
      error_ = "write timed out";
      return false;
    }
    if (!Pump(std::min(RemainingMs(deadline), 50), true) && closed_) return false;
  }
  return true;
}

void H1Client::Feed(std::string_view bytes) {
  raw_.append(bytes);
  if (parse_error_ || !options_.parse) return;
  static const http_parser_settings settings = [] {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = &Callbacks::OnMessageBegin;
    s.on_header_field = &Callbacks::OnHeaderField;
    s.on_header_value = &Callbacks::OnHeaderValue;
    s.on_headers_complete = &Callbacks::OnHeadersComplete;
    s.on_body = &Callbacks::OnBody;
    s.on_message_complete = &Callbacks::OnMessageComplete;
    return s;
  }();
  const size_t n = http_parser_execute(parser_.get(), &settings, bytes.data(), bytes.size());
  if (HTTP_PARSER_ERRNO(parser_.get()) != HPE_OK || n != bytes.size()) parse_error_ = true;
}

bool H1Client::ReadSome() {
  char buffer[16384];
  while (true) {
    long n;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      size_t got = 0;
      if (SSL_read_ex(ssl_, buffer, sizeof buffer, &got) == 1) {
        n = static_cast<long>(got);
      } else {
        const int e = SSL_get_error(ssl_, 0);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
        n = e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
      }
    } else {
      n = recv(fd_, buffer, sizeof buffer, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
    }
    if (n <= 0) {
      closed_ = true;
      if (n == 0 && options_.parse) {
        // EOF also ends a body delimited by the connection's close.
        static const http_parser_settings none = [] {
          http_parser_settings s;
          http_parser_settings_init(&s);
          s.on_message_complete = &Callbacks::OnMessageComplete;
          return s;
        }();
        http_parser_execute(parser_.get(), &none, nullptr, 0);
      }
      return false;
    }
    Feed({buffer, static_cast<size_t>(n)});
  }
}

bool H1Client::Pump(int timeout_ms, bool want_write) {
  if (closed_) return false;
  short events = reading_ ? POLLIN : 0;
  if (want_write) events |= POLLOUT;
  // TLS may hold decrypted bytes the socket will not signal.
  if (reading_ && ssl_ != nullptr && SSL_pending(ssl_) > 0) return ReadSome();
  pollfd p{fd_, events, 0};
  const int r = poll(&p, 1, timeout_ms);
  if (r <= 0) return true;
  if (reading_ && (p.revents & (POLLIN | POLLHUP | POLLERR))) return ReadSome();
  return true;
}

bool H1Client::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (closed_ || Clock::now() >= deadline) return done();
    Pump(std::min(RemainingMs(deadline), 50), false);
  }
  return true;
}

bool H1Client::WaitForClose(std::chrono::milliseconds timeout) {
  const bool reading = reading_;
  reading_ = true;
  RunUntil([&] { return closed_; }, timeout);
  reading_ = reading;
  return closed_;
}

H1Response* H1Client::WaitForHeaders(size_t i, std::chrono::milliseconds timeout) {
  RunUntil([&] { return responses_.size() > i && responses_[i]->headers_complete; }, timeout);
  return responses_.size() > i && responses_[i]->headers_complete ? responses_[i].get() : nullptr;
}

H1Response* H1Client::WaitForComplete(size_t i, std::chrono::milliseconds timeout) {
  RunUntil([&] { return responses_.size() > i && responses_[i]->complete; }, timeout);
  return responses_.size() > i && responses_[i]->complete ? responses_[i].get() : nullptr;
}

}  // namespace ssegw::testing
