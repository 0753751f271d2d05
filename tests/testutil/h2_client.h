// H2Client: a test HTTP/2 client — an nghttp2 client session over OpenSSL TLS on a
// non-blocking loopback socket, driven by poll() from the calling thread.
//
// Nothing happens in the background: requests are queued by Get/Request and bytes only
// move while RunUntil (or Pump) runs. Tests wait for a condition with RunUntil; its
// timeout is a guard against hanging, never the way a verdict is reached.
//
// Flow control is explicit so tests can build slow consumers: automatic WINDOW_UPDATE is
// off and the client acknowledges (nghttp2_session_consume) every DATA byte as it
// arrives, except on a paused stream, whose bytes only return connection credit; its own
// window then closes after the initial window size. ResumeStream acknowledges what it
// held back. SetReading(false) goes further and stops reading the socket at all, like a
// peer that has stalled.
//
// The certificate is not verified: the tests use a throw-away self-signed one.
//
// Single-threaded; StreamState pointers stay valid for the client's lifetime.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testutil/sse_parser.h"

struct nghttp2_session;
struct ssl_st;
struct ssl_ctx_st;

namespace ssegw::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct H2ClientOptions {
  // SETTINGS_INITIAL_WINDOW_SIZE we announce: every stream's receive window.
  int32_t initial_stream_window = 16 * 1024 * 1024;
  // Receive window of the connection as a whole (raised by WINDOW_UPDATE on stream 0).
  int32_t connection_window = 1 << 30;
  // SETTINGS_MAX_CONCURRENT_STREAMS we announce (the server never opens streams).
  uint32_t max_concurrent_streams = 100;
  // false: the TLS handshake carries no ALPN extension, so the server has to tell HTTP/2
  // from the client preface.
  bool offer_alpn = true;
};

struct StreamOptions {
  // Start the stream paused (see H2Client::PauseStream).
  bool paused = false;
  // When > 0, this stream's receive window is raised to this many bytes once it is open
  // (a WINDOW_UPDATE). Only widening works: HTTP/2 has no way to announce a window
  // narrower than SETTINGS_INITIAL_WINDOW_SIZE, so for one tiny-window stream among
  // normal ones, make the initial window tiny and widen the others.
  int32_t window = 0;
  // A request body, sent as DATA after the headers (END_STREAM on its last frame).
  std::optional<std::string> body = std::nullopt;
};

struct StreamState {
  int32_t id = 0;
  bool headers_received = false;                    // the response HEADERS frame has been processed
  int status = 0;                                   // :status, 0 until known
  std::multimap<std::string, std::string> headers;  // response headers, :status included
  std::string body;                                 // every DATA byte, in order
  size_t body_bytes_at_headers = 0;                 // body size when the HEADERS frame completed
  SseParser parser;                                 // fed with the body as it arrives
  std::vector<ParsedEvent> events;                  // every event the parser dispatched so far
  bool end_stream_received = false;  // a frame with END_STREAM arrived from the server
  bool rst_received = false;         // the server reset the stream
  uint32_t rst_error_code = 0;
  bool closed = false;            // nghttp2 closed the stream
  uint32_t close_error_code = 0;  // error code given to on_stream_close
  bool paused = false;
  size_t unconsumed = 0;     // DATA bytes held back from WINDOW_UPDATE while paused
  std::string request_body;  // what is left to send of the request's body
  size_t request_body_sent = 0;

  // The value of the first header named `name` (lower case), if any.
  std::optional<std::string> Header(std::string_view name) const;
  size_t HeaderCount(std::string_view name) const;
};

class H2Client {
 public:
  explicit H2Client(H2ClientOptions options = {});
  ~H2Client();
  H2Client(const H2Client&) = delete;
  H2Client& operator=(const H2Client&) = delete;

  // Connects to 127.0.0.1:port, completes the TLS handshake (ALPN must select h2 when
  // offered),
  // sends the preface and our SETTINGS, and waits until the server's SETTINGS arrived.
  bool Connect(int port, std::string* error,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Queues a request; returns its stream id, or a negative nghttp2 error code.
  // `extra_headers` follow the pseudo-headers; names must be lower case.
  int32_t Request(std::string_view method, std::string_view path, const Headers& extra_headers = {},
                  StreamOptions stream_options = {});
  int32_t Get(std::string_view path, const Headers& extra_headers = {},
              StreamOptions stream_options = {}) {
    return Request("GET", path, extra_headers, stream_options);
  }

  // Moves bytes until `done` returns true (checked before each wait and after every
  // batch of input). false: the timeout passed, or the connection failed before `done`.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The same over several clients at once, for tests where all must keep reading.
  static bool RunUntil(std::span<H2Client* const> clients, const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // One poll() of at most `timeout_ms` and whatever I/O it allows. false: connection dead.
  bool Pump(int timeout_ms);

  // Requests the whole response and returns it once the stream is closed; nullptr on
  // timeout. For plain endpoints (/metrics, /healthz, 4xx replies).
  const StreamState* Fetch(std::string_view path, const Headers& extra_headers = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
  const StreamState* Fetch(std::string_view method, std::string_view path,
                           const Headers& extra_headers,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Stops acknowledging DATA on the stream (its window closes) / acknowledges the held
  // back bytes and goes back to acknowledging as data arrives.
  void PauseStream(int32_t stream_id);
  void ResumeStream(int32_t stream_id);

  // false: poll() no longer asks for input, so nothing is read from the socket.
  void SetReading(bool reading) { reading_ = reading; }

  // Sends RST_STREAM(CANCEL) for the stream.
  void Cancel(int32_t stream_id);

  // Closes the TCP connection without GOAWAY (an abrupt disconnect).
  void Disconnect();

  StreamState* stream(int32_t stream_id);
  const std::map<int32_t, std::unique_ptr<StreamState>>& streams() const { return streams_; }

  bool goaway_received() const { return goaway_received_; }
  uint32_t goaway_error_code() const { return goaway_error_code_; }
  int32_t goaway_last_stream_id() const { return goaway_last_stream_id_; }
  // The peer closed the connection (EOF or a TLS/socket error) or nghttp2 finished.
  bool connection_closed() const { return connection_closed_; }
  // Why the connection failed, if it did.
  const std::string& error() const { return error_; }
  std::string alpn() const { return alpn_; }
  // SETTINGS_MAX_CONCURRENT_STREAMS announced by the server (0 before its SETTINGS).
  uint32_t remote_max_concurrent_streams() const;
  bool server_settings_received() const { return server_settings_received_; }
  uint64_t pings_received() const { return pings_received_; }

 private:
  friend struct H2ClientCallbacks;

  bool ReadSome();   // TLS → nghttp2 until WANT_READ
  bool WriteSome();  // nghttp2 → TLS until empty or WANT_WRITE
  bool WantsWrite() const;
  void Fail(std::string message);
  short PollEvents() const;
  bool HandleEvents(short revents);

  H2ClientOptions options_;
  int fd_ = -1;
  ssl_ctx_st* ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  nghttp2_session* session_ = nullptr;
  std::string outbuf_;         // produced by nghttp2, not yet accepted by SSL_write
  size_t out_offset_ = 0;      // outbuf_[out_offset_, size()) is pending
  size_t last_write_len_ = 0;  // the length of an SSL_write to retry after WANT_WRITE
  bool reading_ = true;
  bool connection_closed_ = false;
  std::string error_;
  std::string alpn_;
  bool server_settings_received_ = false;
  bool goaway_received_ = false;
  uint32_t goaway_error_code_ = 0;
  int32_t goaway_last_stream_id_ = -1;
  uint64_t pings_received_ = 0;
  std::map<int32_t, std::unique_ptr<StreamState>> streams_;
  std::map<int32_t, int32_t> pending_windows_;  // stream id → window to set once open
};

}  // namespace ssegw::testing
