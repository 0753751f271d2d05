#include "bench_connection.h"

#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "source_addresses.h"

namespace ssebench {

namespace {

// A read fills the thread's buffer only while a whole TLS record still fits, so one
// nghttp2 call sees as many records as the socket had ready.
constexpr size_t kMaxTlsRecord = 16 * 1024;
// Output gathered from nghttp2 before it is handed to SSL_write.
constexpr size_t kOutputBatch = 64 * 1024;

std::string OpenSslErrors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? std::string(std::strerror(errno)) : out;
}

nghttp2_nv Header(std::string_view name, std::string_view value) {
  // Without NO_COPY flags nghttp2 copies names and values when the request is submitted.
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

// The C callbacks: thin trampolines into the connection.
struct ConnectionCallbacks {
  static BenchConnection& Self(void* user_data) {
    return *static_cast<BenchConnection*>(user_data);
  }

  static void OnSocketEvent(evutil_socket_t, short what, void* user_data) {
    Self(user_data).HandleSocketEvent(what);
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t name_length, const uint8_t* value, size_t value_length, uint8_t,
                      void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_RESPONSE) return 0;
    if (std::string_view(reinterpret_cast<const char*>(name), name_length) != ":status") return 0;
    if (StreamSlot* slot = Self(user_data).Slot(frame->hd.stream_id)) {
      int status = 0;
      for (size_t i = 0; i < value_length; ++i) status = status * 10 + (value[i] - '0');
      slot->status = static_cast<int16_t>(status);
    }
    return 0;
  }

  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    BenchConnection& c = Self(user_data);
    ReceiveContext& context = c.context_;
    if (frame->hd.type == NGHTTP2_GOAWAY) {
      context.counters.goaways.Add();
      if (!context.stopping) {
        context.NoteError("GOAWAY from the server, error code " +
                          std::to_string(frame->goaway.error_code));
      }
      return 0;
    }
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_RESPONSE) return 0;
    StreamSlot* slot = c.Slot(frame->hd.stream_id);
    if (slot == nullptr) return 0;
    if (slot->status == 200) {
      slot->open = true;
      context.counters.streams_open.Add();
    } else {
      context.counters.streams_failed.Add();
      context.NoteError("a stream was answered with status " + std::to_string(slot->status));
    }
    return 0;
  }

  // The hot path: every DATA byte of every stream passes through here once.
  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                         size_t length, void* user_data) {
    BenchConnection& c = Self(user_data);
    StreamSlot* slot = c.Slot(stream_id);
    if (slot == nullptr) return 0;
    ReceiveContext& context = c.context_;
    const char* begin = reinterpret_cast<const char*>(data);
    uint64_t events = 0;
    slot->scanner.Feed(begin, begin + length, [&](uint64_t stamp_ns) {
      ++events;
      if (stamp_ns >= context.batch_record_from_ns && stamp_ns != 0 &&
          stamp_ns <= context.batch_now_ns) {
        context.histogram.Record(context.batch_now_ns - stamp_ns);
        if (context.keep_samples) {
          context.samples.push_back({stamp_ns, context.batch_now_ns - stamp_ns});
        }
      }
    });
    slot->events += events;
    context.batch_events += events;
    if (context.catch_up_events != 0 && slot->caught_up_ns == 0 &&
        slot->events - slot->events_at_reconnect >= context.catch_up_events) {
      slot->caught_up_ns = context.batch_now_ns;
      context.counters.streams_caught_up.Add();
      context.counters.last_caught_up_ns.Set(
          std::max(context.counters.last_caught_up_ns.Get(), context.batch_now_ns));
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                           void* user_data) {
    BenchConnection& c = Self(user_data);
    StreamSlot* slot = c.Slot(stream_id);
    if (slot == nullptr || !slot->open) return 0;
    slot->open = false;
    c.context_.counters.streams_open.Sub();
    if (!c.context_.stopping && !c.context_.reconnecting) {
      c.context_.counters.streams_closed.Add();
      c.context_.NoteError("the server closed a stream, error code " + std::to_string(error_code));
    }
    return 0;
  }

  // OpenSSL's new-session callback: returning 1 takes the session's reference.
  static int OnNewSession(ssl_st* ssl, SSL_SESSION* session) {
    auto* c = static_cast<BenchConnection*>(SSL_get_app_data(ssl));
    if (c == nullptr) return 0;
    c->KeepSession(session);
    return 1;
  }
};

void EnableSessionKeeping(ssl_ctx_st* ctx) {
  // Sessions are kept by each connection, not in OpenSSL's client cache.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, ConnectionCallbacks::OnNewSession);
}

BenchConnection::BenchConnection(ReceiveContext& context, size_t index, size_t first_stream,
                                 size_t stream_count)
    : context_(context), index_(index), first_stream_(first_stream), streams_(stream_count) {
  for (size_t i = 0; i < stream_count; ++i) {
    streams_[i].topic = static_cast<uint32_t>(context.target->TopicOf(first_stream + i));
  }
}

BenchConnection::~BenchConnection() {
  Close();
  if (tls_session_ != nullptr) SSL_SESSION_free(tls_session_);
}

void BenchConnection::KeepSession(ssl_session_st* session) {
  if (tls_session_ != nullptr) SSL_SESSION_free(tls_session_);
  tls_session_ = session;
}

StreamSlot* BenchConnection::Slot(int32_t stream_id) {
  // Client streams are numbered 1, 3, 5, ... in the order they were submitted.
  if (stream_id <= 0 || (stream_id & 1) == 0) return nullptr;
  const auto index = static_cast<size_t>(stream_id - 1) / 2;
  return index < streams_.size() ? &streams_[index] : nullptr;
}

void BenchConnection::Start() {
  fd_ = socket(context_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Fail(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!context_.sources.empty()) {
    std::string error;
    if (!BindSource(fd_, context_.sources[index_ % context_.sources.size()], &error)) {
      return Fail(std::move(error));
    }
  }
  read_event_ =
      event_new(context_.base, fd_, EV_READ | EV_PERSIST, ConnectionCallbacks::OnSocketEvent, this);
  write_event_ = event_new(context_.base, fd_, EV_WRITE, ConnectionCallbacks::OnSocketEvent, this);
  state_ = State::kConnecting;
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&context_.address), context_.address_length) ==
      0) {
    return FinishConnect();
  }
  if (errno != EINPROGRESS) return Fail(std::string("connect: ") + std::strerror(errno));
  WaitForWritable();
}

void BenchConnection::WaitForWritable() {
  event_add(write_event_, nullptr);
}

void BenchConnection::HandleSocketEvent(short) {
  switch (state_) {
    case State::kConnecting:
      return FinishConnect();
    case State::kHandshaking:
      return ContinueHandshake();
    case State::kOpen:
      // Read on write events too: an SSL_read that wanted to write waits for one.
      ReadAll();
      if (state_ == State::kOpen) Flush();
      return;
    case State::kIdle:
    case State::kClosed:
      return;
  }
}

void BenchConnection::FinishConnect() {
  int so_error = 0;
  socklen_t length = sizeof so_error;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &length);
  if (so_error != 0) return Fail(std::string("connect: ") + std::strerror(so_error));
  if (context_.ssl_ctx == nullptr) {  // h2c: the HTTP/2 preface goes out at once
    event_add(read_event_, nullptr);
    if (!StartSession()) return;
    MarkConnected();
    return Flush();
  }
  ssl_ = SSL_new(context_.ssl_ctx);
  SSL_set_fd(ssl_, fd_);
  SSL_set_app_data(ssl_, this);
  if (context_.resume_sessions && tls_session_ != nullptr) SSL_set_session(ssl_, tls_session_);
  if (!context_.target->host.empty()) SSL_set_tlsext_host_name(ssl_, context_.target->host.c_str());
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  state_ = State::kHandshaking;
  event_add(read_event_, nullptr);
  ContinueHandshake();
}

void BenchConnection::ContinueHandshake() {
  ERR_clear_error();
  const int r = SSL_connect(ssl_);
  if (r != 1) {
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ) return;  // the persistent read event brings us back
    if (e == SSL_ERROR_WANT_WRITE) return WaitForWritable();
    return Fail("TLS handshake failed: " + OpenSslErrors());
  }
  const unsigned char* protocol = nullptr;
  unsigned int protocol_length = 0;
  SSL_get0_alpn_selected(ssl_, &protocol, &protocol_length);
  if (std::string_view(reinterpret_cast<const char*>(protocol), protocol_length) != "h2") {
    return Fail("the server did not select ALPN h2");
  }
  if (SSL_session_reused(ssl_)) {
    context_.counters.handshakes_resumed.Add();
  } else {
    context_.counters.handshakes_full.Add();
  }
  if (!StartSession()) return;
  MarkConnected();
  // The handshake may have read application data ahead into OpenSSL's buffer, where
  // the socket no longer signals it.
  ReadAll();
  if (state_ == State::kOpen) Flush();
}

bool BenchConnection::StartSession() {
  nghttp2_session_callbacks* callbacks;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, ConnectionCallbacks::OnHeader);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, ConnectionCallbacks::OnFrameRecv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks,
                                                            ConnectionCallbacks::OnDataChunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks,
                                                         ConnectionCallbacks::OnStreamClose);
  const int rv = nghttp2_session_client_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) {
    Fail(std::string("nghttp2_session_client_new: ") + nghttp2_strerror(rv));
    return false;
  }
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(context_.stream_window)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, context_.connection_window);

  const Target& target = *context_.target;
  for (size_t i = 0; i < streams_.size(); ++i) {
    const std::string path = target.PathOf(first_stream_ + i);
    const nghttp2_nv headers[] = {Header(":method", "GET"),
                                  Header(":scheme", target.tls ? "https" : "http"),
                                  Header(":authority", target.authority),
                                  Header(":path", path),
                                  Header("accept", "text/event-stream"),
                                  Header("last-event-id", last_event_id_)};
    const size_t count = std::size(headers) - (last_event_id_.empty() ? 1 : 0);
    const int32_t id = nghttp2_submit_request(session_, nullptr, headers, count, nullptr, nullptr);
    if (id < 0) {
      Fail(std::string("nghttp2_submit_request: ") + nghttp2_strerror(id));
      return false;
    }
  }
  return true;
}

void BenchConnection::ReadAll() {
  std::vector<char>& buffer = context_.read_buffer;
  while (state_ == State::kOpen) {
    size_t filled = 0;
    bool drained = false;  // OpenSSL and the socket have nothing more for now
    std::string failure;
    while (filled + kMaxTlsRecord <= buffer.size()) {
      size_t n = 0;
      const Io io = Receive(buffer.data() + filled, buffer.size() - filled, &n);
      if (io == Io::kDone) {
        filled += n;
        continue;
      }
      if (io == Io::kWantRead) {
        drained = true;
      } else if (io == Io::kWantWrite) {
        drained = true;
        WaitForWritable();
      } else if (io == Io::kEof) {
        failure = "the server closed the connection";
      } else {
        failure = "read failed: " + IoError();
      }
      break;
    }
    if (filled > 0) {
      // One clock reading and one nghttp2 call for everything this read brought.
      context_.batch_now_ns = MonotonicNs();
      context_.batch_record_from_ns = context_.record_from_ns->load(std::memory_order_relaxed);
      context_.batch_events = 0;
      const ssize_t used = nghttp2_session_mem_recv(
          session_, reinterpret_cast<const uint8_t*>(buffer.data()), filled);
      context_.counters.events.Add(context_.batch_events);
      context_.counters.data_bytes.Add(filled);
      if (used < 0) {
        return Fail(std::string("nghttp2_session_mem_recv: ") +
                    nghttp2_strerror(static_cast<int>(used)));
      }
    }
    if (!failure.empty()) return Fail(std::move(failure));
    if (drained) return;
  }
}

void BenchConnection::Flush() {
  while (state_ == State::kOpen) {
    if (output_offset_ == output_.size()) {
      output_.clear();
      output_offset_ = 0;
      while (output_.size() < kOutputBatch) {
        const uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
          return Fail(std::string("nghttp2_session_mem_send: ") +
                      nghttp2_strerror(static_cast<int>(n)));
        }
        if (n == 0) break;
        output_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
      }
      if (output_.empty()) return;
    }
    // OpenSSL's rule: after WANT_WRITE, retry with the same bytes and the same length.
    const size_t length = retry_length_ != 0 ? retry_length_ : output_.size() - output_offset_;
    size_t n = 0;
    const Io io = Send(output_.data() + output_offset_, length, &n);
    if (io == Io::kDone) {
      output_offset_ += n;
      retry_length_ = 0;
      continue;
    }
    if (io == Io::kWantWrite || io == Io::kWantRead) {
      retry_length_ = length;
      if (io == Io::kWantWrite) WaitForWritable();
      return;
    }
    return Fail("write failed: " + IoError());
  }
}

BenchConnection::Io BenchConnection::Receive(char* data, size_t length, size_t* done) {
  if (ssl_ == nullptr) {
    const ssize_t n = recv(fd_, data, length, 0);
    if (n > 0) {
      *done = static_cast<size_t>(n);
      return Io::kDone;
    }
    if (n == 0) return Io::kEof;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Io::kWantRead : Io::kError;
  }
  ERR_clear_error();
  const int n = SSL_read(ssl_, data, static_cast<int>(length));
  if (n > 0) {
    *done = static_cast<size_t>(n);
    return Io::kDone;
  }
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
      return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Io::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return Io::kEof;
    default:
      return Io::kError;
  }
}

BenchConnection::Io BenchConnection::Send(const char* data, size_t length, size_t* done) {
  if (ssl_ == nullptr) {
    const ssize_t n = send(fd_, data, length, MSG_NOSIGNAL);
    if (n > 0) {
      *done = static_cast<size_t>(n);
      return Io::kDone;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? Io::kWantWrite
                                                                                : Io::kError;
  }
  ERR_clear_error();
  const int n = SSL_write(ssl_, data, static_cast<int>(length));
  if (n > 0) {
    *done = static_cast<size_t>(n);
    return Io::kDone;
  }
  const int e = SSL_get_error(ssl_, n);
  if (e == SSL_ERROR_WANT_WRITE) return Io::kWantWrite;
  if (e == SSL_ERROR_WANT_READ) return Io::kWantRead;
  return Io::kError;
}

std::string BenchConnection::IoError() const {
  return ssl_ == nullptr ? std::string(std::strerror(errno)) : "TLS: " + OpenSslErrors();
}

void BenchConnection::Fail(std::string reason) {
  if (state_ == State::kClosed) return;
  if (!context_.stopping && !context_.reconnecting) {
    context_.counters.connections_failed.Add();
    // Streams not answered yet never will be: set-up need not wait for them.
    for (const StreamSlot& slot : streams_) {
      if (!slot.open && slot.status == 0) context_.counters.streams_unopened.Add();
    }
    context_.NoteError(std::move(reason));
  }
  Close();
}

void BenchConnection::Shutdown() {
  if (state_ == State::kOpen) {
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
    Flush();
  }
  Close();
}

void BenchConnection::Disconnect() {
  context_.reconnecting = true;
  if (state_ == State::kOpen) {
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
    Flush();
  }
  if (state_ == State::kOpen && ssl_ != nullptr) {
    // close_notify: OpenSSL marks the session of a connection freed without one as not
    // resumable, and that session is the one kept for the reconnect.
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  Close();
  context_.reconnecting = false;
}

void BenchConnection::Reconnect(const std::string& last_event_id) {
  Close();
  last_event_id_ = last_event_id;
  for (StreamSlot& slot : streams_) {
    slot.scanner = SseScanner();
    slot.status = 0;
    slot.events_at_reconnect = slot.events;
    slot.caught_up_ns = 0;
  }
  output_.clear();
  output_offset_ = 0;
  retry_length_ = 0;
  state_ = State::kIdle;
  Start();
}

void BenchConnection::MarkConnected() {
  state_ = State::kOpen;
  context_.counters.connections_up.Add();
  context_.counters.connections_open.Add();
  context_.counters.last_connected_ns.Set(
      std::max(context_.counters.last_connected_ns.Get(), MonotonicNs()));
}

void BenchConnection::Close() {
  for (StreamSlot& slot : streams_) {
    if (!slot.open) continue;
    slot.open = false;
    context_.counters.streams_open.Sub();
    if (!context_.stopping && !context_.reconnecting) context_.counters.streams_closed.Add();
  }
  if (state_ == State::kOpen) context_.counters.connections_open.Sub();
  if (read_event_ != nullptr) event_free(read_event_);
  if (write_event_ != nullptr) event_free(write_event_);
  read_event_ = write_event_ = nullptr;
  if (session_ != nullptr) nghttp2_session_del(session_);
  session_ = nullptr;
  if (ssl_ != nullptr) SSL_free(ssl_);
  ssl_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  state_ = State::kClosed;
}

}  // namespace ssebench
