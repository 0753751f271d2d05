// H1Client: a test HTTP/1.1 client — raw request bytes out, responses parsed with
// http_parser — over TLS (offering a chosen ALPN list, or none) or plain TCP to
// 127.0.0.1, on a non-blocking socket driven by poll() from the calling thread.
//
// Nothing happens in the background: bytes move only inside Send, RunUntil and
// WaitForClose. Responses are matched to requests in order; a response to a HEAD sent
// with Request() is known to have no body. Each response keeps its decoded body (chunked
// framing removed), the raw bytes of the whole connection are kept too, and event-stream
// bodies are fed to an SseParser as they arrive.
//
// The certificate is not verified. Single-threaded; H1Response pointers stay valid for
// the client's lifetime.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "testutil/sse_parser.h"

struct http_parser;
struct ssl_st;
struct ssl_ctx_st;

namespace ssegw::testing {

struct H1ClientOptions {
  bool tls = true;
  // The ALPN list offered over TLS; empty: no ALPN extension at all.
  std::vector<std::string> alpn = {"http/1.1"};
  // false: received bytes are only kept in raw(), never parsed as HTTP/1.1 — a raw peer,
  // e.g. for hand-made HTTP/2 frames (testutil/h2_frames.h) with alpn {"h2"}.
  bool parse = true;
  // > 0: SO_RCVBUF before connecting, which fixes the receive buffer (the kernel doubles
  // it and no longer tunes it), so a client that stops reading holds a known amount.
  int receive_buffer = 0;
};

struct H1Response {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  bool headers_complete = false;
  std::string body;       // decoded
  bool complete = false;  // the whole message (e.g. the last chunk) arrived
  bool chunked = false;
  SseParser parser;
  std::vector<ParsedEvent> events;

  std::optional<std::string> Header(std::string_view name) const;
  size_t HeaderCount(std::string_view name) const;
};

class H1Client {
 public:
  explicit H1Client(H1ClientOptions options = {});
  ~H1Client();
  H1Client(const H1Client&) = delete;
  H1Client& operator=(const H1Client&) = delete;

  bool Connect(int port, std::string* error,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Writes every byte (reading meanwhile). false: the connection failed or timed out.
  bool Send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends "<method> <path> HTTP/1.1" with Host and `extra_lines` ("Name: v\r\n"...).
  bool Request(std::string_view method, std::string_view path, std::string_view extra_lines = "");
  bool Get(std::string_view path, std::string_view extra_lines = "") {
    return Request("GET", path, extra_lines);
  }

  // Moves bytes until `done` holds. false: timeout, or the connection ended before.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for the server to close (EOF or reset). false: still open at the timeout.
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for the i-th response (0-based) to have its headers / to be complete.
  H1Response* WaitForHeaders(size_t i,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));
  H1Response* WaitForComplete(size_t i,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Plain TCP only: sends FIN (shutdown SHUT_WR); responses can still be read.
  void ShutdownWrite();

  // false: stop reading the socket (a stalled peer).
  void SetReading(bool reading) { reading_ = reading; }

  const std::vector<std::unique_ptr<H1Response>>& responses() const { return responses_; }
  const std::string& raw() const { return raw_; }
  bool closed() const { return closed_; }
  // The response bytes did not parse as HTTP/1.1.
  bool parse_error() const { return parse_error_; }
  const std::string& alpn() const { return alpn_; }
  const std::string& error() const { return error_; }

 private:
  struct Callbacks;
  bool Pump(int timeout_ms, bool want_write);
  bool ReadSome();
  long WriteSome(std::string_view bytes);  // bytes written, 0 if blocked, -1 on failure
  void Feed(std::string_view bytes);

  H1ClientOptions options_;
  int fd_ = -1;
  ssl_ctx_st* ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  std::unique_ptr<http_parser> parser_;
  std::deque<bool> head_requests_;  // per request not yet answered: was it HEAD?
  std::vector<std::unique_ptr<H1Response>> responses_;
  std::string field_;  // header name being parsed
  bool in_value_ = false;
  std::string raw_;
  std::string alpn_;
  std::string error_;
  bool reading_ = true;
  bool closed_ = false;
  bool parse_error_ = false;
};

}  // namespace ssegw::testing
