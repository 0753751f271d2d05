#include "testutil/h2_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace ssegw::testing {

namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Output produced per batch before it is handed to SSL_write: large enough for 1,000
// HEADERS frames in a few writes, small enough to keep feeding the socket promptly.
constexpr size_t kOutputBatch = 64 * 1024;
// Caps the reads per Pump so a busy stream cannot starve the caller's predicate.
constexpr int kMaxReadsPerPump = 64;

void IgnoreSigpipe() {
  // Writing to a socket the gateway closed must give EPIPE, not kill the test.
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

nghttp2_nv MakeNv(std::string_view name, std::string_view value) {
  // nghttp2 copies names and values when the request is submitted (no NO_COPY flags).
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

std::optional<std::string> StreamState::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

size_t StreamState::HeaderCount(std::string_view name) const {
  return headers.count(std::string(name));
}

// The nghttp2 callbacks: thin trampolines into the client's state.
struct H2ClientCallbacks {
  static H2Client& Self(void* user_data) { return *static_cast<H2Client*>(user_data); }

  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    H2Client& c = Self(user_data);
    StreamState* s = c.stream(frame->hd.stream_id);
    switch (frame->hd.type) {
      case NGHTTP2_SETTINGS:
        if (!(frame->hd.flags & NGHTTP2_FLAG_ACK)) c.server_settings_received_ = true;
        break;
      case NGHTTP2_GOAWAY:
        c.goaway_received_ = true;
        c.goaway_error_code_ = frame->goaway.error_code;
        c.goaway_last_stream_id_ = frame->goaway.last_stream_id;
        break;
      case NGHTTP2_PING:
        if (!(frame->hd.flags & NGHTTP2_FLAG_ACK)) ++c.pings_received_;
        break;
      case NGHTTP2_RST_STREAM:
        if (s) {
          s->rst_received = true;
          s->rst_error_code = frame->rst_stream.error_code;
        }
        break;
      case NGHTTP2_HEADERS:
        if (s && frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
          s->headers_received = true;
          s->body_bytes_at_headers = s->body.size();
        }
        break;
      default:
        break;
    }
    if (s && (frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      s->end_stream_received = true;
    }
    return 0;
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                      void* user_data) {
    StreamState* s = Self(user_data).stream(frame->hd.stream_id);
    if (!s) return 0;
    std::string n(reinterpret_cast<const char*>(name), namelen);
    std::string v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":status") s->status = std::atoi(v.c_str());
    s->headers.emplace(std::move(n), std::move(v));
    return 0;
  }

  static int OnDataChunkRecv(nghttp2_session* session, uint8_t, int32_t stream_id,
                             const uint8_t* data, size_t len, void* user_data) {
    StreamState* s = Self(user_data).stream(stream_id);
    if (s && s->paused) {
      // Only the connection gets its credit back: the stream's own window shrinks.
      nghttp2_session_consume_connection(session, len);
      s->unconsumed += len;
    } else {
      nghttp2_session_consume(session, stream_id, len);
    }
    if (!s) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data), len);
    s->body.append(bytes);
    s->parser.Feed(bytes);
    for (ParsedEvent& e : s->parser.TakeEvents()) s->events.push_back(std::move(e));
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                           void* user_data) {
    if (StreamState* s = Self(user_data).stream(stream_id)) {
      s->closed = true;
      s->close_error_code = error_code;
    }
    return 0;
  }

  static int OnFrameSend(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
    H2Client& c = Self(user_data);
    // A stream exists in nghttp2 only once its HEADERS went out: that is the first
    // moment its own window can be set.
    if (frame->hd.type == NGHTTP2_HEADERS) {
      auto it = c.pending_windows_.find(frame->hd.stream_id);
      if (it != c.pending_windows_.end()) {
        nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, it->first, it->second);
        c.pending_windows_.erase(it);
      }
    }
    return 0;
  }
};

H2Client::H2Client(H2ClientOptions options) : options_(options) {
  IgnoreSigpipe();
}

H2Client::~H2Client() {
  if (session_) nghttp2_session_del(session_);
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) close(fd_);
}

void H2Client::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  connection_closed_ = true;
}

bool H2Client::Connect(int port, std::string* error, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto remaining_ms = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<int64_t>(0, left.count()));
  };

  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    *error = std::string("connect: ") + std::strerror(errno);
    return false;
  }
  pollfd p{fd_, POLLOUT, 0};
  if (poll(&p, 1, remaining_ms()) != 1) {
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

  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  if (options_.offer_alpn) SSL_CTX_set_alpn_protos(ctx_, kAlpn, sizeof kAlpn);
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  SSL_set_tlsext_host_name(ssl_, "localhost");
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  while (true) {
    const int r = SSL_connect(ssl_);
    if (r == 1) break;
    const int e = SSL_get_error(ssl_, r);
    short events = 0;
    if (e == SSL_ERROR_WANT_READ) {
      events = POLLIN;
    } else if (e == SSL_ERROR_WANT_WRITE) {
      events = POLLOUT;
    } else {
      *error = "TLS handshake failed: " + OpenSslErrors() + " (SSL error " + std::to_string(e) +
               ", errno " + std::strerror(errno) + ")";
      return false;
    }
    pollfd hp{fd_, events, 0};
    if (poll(&hp, 1, remaining_ms()) != 1) {
      *error = "TLS handshake timed out";
      return false;
    }
  }
  const unsigned char* proto = nullptr;
  unsigned int proto_len = 0;
  SSL_get0_alpn_selected(ssl_, &proto, &proto_len);
  alpn_.assign(reinterpret_cast<const char*>(proto), proto_len);
  if (options_.offer_alpn ? alpn_ != "h2" : !alpn_.empty()) {
    *error = "ALPN selected '" + alpn_ + "', not h2";
    return false;
  }

  nghttp2_session_callbacks* callbacks;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, H2ClientCallbacks::OnFrameRecv);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, H2ClientCallbacks::OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks,
                                                            H2ClientCallbacks::OnDataChunkRecv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks,
                                                         H2ClientCallbacks::OnStreamClose);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, H2ClientCallbacks::OnFrameSend);
  nghttp2_option* option;
  nghttp2_option_new(&option);
  nghttp2_option_set_no_auto_window_update(option, 1);
  const int rv = nghttp2_session_client_new2(&session_, callbacks, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) {
    *error = std::string("nghttp2_session_client_new2: ") + nghttp2_strerror(rv);
    return false;
  }
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(options_.initial_stream_window)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings,
                          sizeof settings / sizeof settings[0]);
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, options_.connection_window);

  if (!RunUntil([this] { return server_settings_received_; },
                std::chrono::milliseconds(std::max(1, remaining_ms())))) {
    *error = "no SETTINGS from the server: " + (error_.empty() ? "timed out" : error_);
    return false;
  }
  return true;
}

int32_t H2Client::Request(std::string_view method, std::string_view path,
                          const Headers& extra_headers, StreamOptions stream_options) {
  std::vector<nghttp2_nv> nva = {MakeNv(":method", method), MakeNv(":scheme", "https"),
                                 MakeNv(":authority", "localhost"), MakeNv(":path", path)};
  for (const auto& [name, value] : extra_headers) nva.push_back(MakeNv(name, value));
  auto state = std::make_unique<StreamState>();
  nghttp2_data_provider provider{};
  if (stream_options.body) {
    state->request_body = std::move(*stream_options.body);
    provider.source.ptr = state.get();
    provider.read_callback = [](nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                                uint32_t* data_flags, nghttp2_data_source* source,
                                void*) -> ssize_t {
      auto* s = static_cast<StreamState*>(source->ptr);
      const size_t n = std::min(length, s->request_body.size() - s->request_body_sent);
      memcpy(buf, s->request_body.data() + s->request_body_sent, n);
      s->request_body_sent += n;
      if (s->request_body_sent == s->request_body.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    };
  }
  const int32_t id = nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                            stream_options.body ? &provider : nullptr, nullptr);
  if (id < 0) return id;
  state->id = id;
  state->paused = stream_options.paused;
  streams_[id] = std::move(state);
  if (stream_options.window > 0) pending_windows_[id] = stream_options.window;
  return id;
}

StreamState* H2Client::stream(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : it->second.get();
}

uint32_t H2Client::remote_max_concurrent_streams() const {
  if (!session_ || !server_settings_received_) return 0;
  return nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

void H2Client::PauseStream(int32_t stream_id) {
  if (StreamState* s = stream(stream_id)) s->paused = true;
}

void H2Client::ResumeStream(int32_t stream_id) {
  StreamState* s = stream(stream_id);
  if (!s) return;
  s->paused = false;
  if (s->unconsumed > 0 && !s->closed) {
    nghttp2_session_consume_stream(session_, stream_id, s->unconsumed);
  }
  s->unconsumed = 0;
}

void H2Client::Cancel(int32_t stream_id) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
}

void H2Client::Disconnect() {
  if (ssl_) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  connection_closed_ = true;
}

bool H2Client::WantsWrite() const {
  return out_offset_ < outbuf_.size() || (session_ && nghttp2_session_want_write(session_));
}

bool H2Client::WriteSome() {
  while (!connection_closed_) {
    if (out_offset_ == outbuf_.size()) {
      outbuf_.clear();
      out_offset_ = 0;
      while (outbuf_.size() < kOutputBatch) {
        const uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
          Fail(std::string("nghttp2_session_mem_send: ") + nghttp2_strerror(static_cast<int>(n)));
          return false;
        }
        if (n == 0) break;
        outbuf_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
      }
      if (outbuf_.empty()) return true;
    }
    // OpenSSL's rule: after WANT_WRITE, retry with the same bytes and the same length.
    const size_t len = last_write_len_ ? last_write_len_ : outbuf_.size() - out_offset_;
    ERR_clear_error();
    const int n = SSL_write(ssl_, outbuf_.data() + out_offset_, static_cast<int>(len));
    if (n > 0) {
      out_offset_ += static_cast<size_t>(n);
      last_write_len_ = 0;
      continue;
    }
    const int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
      last_write_len_ = len;
      return true;
    }
    Fail("SSL_write failed: " + OpenSslErrors() + " (SSL error " + std::to_string(e) + ")");
    return false;
  }
  return false;
}

bool H2Client::ReadSome() {
  char buffer[kReadChunk];
  for (int i = 0; i < kMaxReadsPerPump && !connection_closed_; ++i) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n > 0) {
      const ssize_t used = nghttp2_session_mem_recv(
          session_, reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(n));
      if (used < 0) {
        Fail(std::string("nghttp2_session_mem_recv: ") + nghttp2_strerror(static_cast<int>(used)));
        return false;
      }
      continue;
    }
    const int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
    if (e == SSL_ERROR_ZERO_RETURN) {
      connection_closed_ = true;  // close_notify: a clean end
      return false;
    }
    if (e == SSL_ERROR_SYSCALL && errno == 0 && ERR_peek_error() == 0) {
      connection_closed_ = true;  // EOF without close_notify
      return false;
    }
    Fail("SSL_read failed: " + OpenSslErrors() + " (SSL error " + std::to_string(e) + ", errno " +
         std::strerror(errno) + ")");
    return false;
  }
  return !connection_closed_;
}

short H2Client::PollEvents() const {
  short events = 0;
  if (reading_) events |= POLLIN;
  if (WantsWrite()) events |= POLLOUT;
  return events;
}

bool H2Client::HandleEvents(short revents) {
  if (reading_ && (revents & (POLLIN | POLLHUP | POLLERR))) {
    if (!ReadSome()) return false;
  }
  return WriteSome();
}

bool H2Client::Pump(int timeout_ms) {
  H2Client* self = this;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  // A single round: RunUntil with a predicate that is true after one pass.
  bool once = false;
  RunUntil(
      std::span<H2Client* const>(&self, 1),
      [&once] {
        const bool done = once;
        once = true;
        return done;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                            std::chrono::steady_clock::now()));
  return !connection_closed_;
}

bool H2Client::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  H2Client* self = this;
  return RunUntil(std::span<H2Client* const>(&self, 1), done, timeout);
}

bool H2Client::RunUntil(std::span<H2Client* const> clients, const std::function<bool()>& done,
                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<pollfd> fds;
  std::vector<H2Client*> live;
  while (true) {
    // Flush first: requests queued since the last turn must go out before we wait.
    for (H2Client* c : clients) {
      if (!c->connection_closed_) c->WriteSome();
    }
    if (done()) return true;
    fds.clear();
    live.clear();
    for (H2Client* c : clients) {
      if (c->connection_closed_ || c->fd_ < 0) continue;
      fds.push_back(pollfd{c->fd_, c->PollEvents(), 0});
      live.push_back(c);
    }
    if (live.empty()) return done();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return done();
    const int wait = static_cast<int>(std::min<int64_t>(left.count(), 100));
    const int r = poll(fds.data(), fds.size(), wait);
    if (r < 0 && errno != EINTR) return done();
    for (size_t i = 0; i < live.size(); ++i) {
      if (fds[i].revents) live[i]->HandleEvents(fds[i].revents);
    }
  }
}

const StreamState* H2Client::Fetch(std::string_view path, const Headers& extra_headers,
                                   std::chrono::milliseconds timeout) {
  return Fetch("GET", path, extra_headers, timeout);
}

const StreamState* H2Client::Fetch(std::string_view method, std::string_view path,
                                   const Headers& extra_headers,
                                   std::chrono::milliseconds timeout) {
  const int32_t id = Request(method, path, extra_headers);
  if (id < 0) return nullptr;
  StreamState* s = stream(id);
  if (!RunUntil([s] { return s->closed; }, timeout)) return nullptr;
  return s;
}

}  // namespace ssegw::testing
