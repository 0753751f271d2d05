// How input works: Receive() appends to `in_` and runs the HeadGuard over the new bytes;
// Parse() hands http_parser the bytes up to the first one the guard refused. The
// parser is paused in on_message_complete (and in on_headers_complete when the request
// has a body), so each http_parser_execute call ends at one request; that request is
// answered before the next is parsed, and nothing is parsed while an event stream or a
// large amount of output is waiting. What has not been parsed stays in `in_`.
//
// How output works: response heads and fixed bodies go into `pending_`; an event
// stream's payload is pulled from its Stream (NextChunk / WritePayload, the same pull
// interface nghttp2 uses) inside ProduceOutput, each pull framed as one chunk, so event
// bytes are copied once, from the shared event buffers into the connection's output.
#include "h1/session.h"

#include <http_parser.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sse_encoder.h"
#include "h1/head_guard.h"
#include "h1/response_writer.h"
#include "http/routes.h"
#include "http/stream.h"

namespace ssegw::h1 {
namespace {

// Parsing pauses while this much response output waits for ProduceOutput, so a client
// that pipelines requests without reading the answers cannot grow it without bound.
constexpr size_t kPendingHighWater = 64 * 1024;

// Each header line costs its name and value plus ": " as the guard counts them.
constexpr size_t kHeaderLineOverhead = 2;

bool IsCtl(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

std::string_view TrimTrailingWhitespace(std::string_view value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

bool EqualsLower(std::string_view name, std::string_view lower) {
  return name.size() == lower.size() &&
         std::equal(name.begin(), name.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

std::string_view TextFor(int status) {
  switch (status) {
    case 414:
      return "request line too long";
    case 431:
      return "request header fields too large";
    case 505:
      return "HTTP version not supported";
    default:
      return "bad request";
  }
}

}  // namespace

class Session final : public http::HttpSession, public http::StreamOwner {
 public:
  Session(http::SessionEnvironment& env, const http::SessionOptions& options, const Limits& limits,
          http::OutputListener& owner);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start(uint64_t now_ms) override;
  bool Receive(std::span<const uint8_t> bytes) override;
  bool ProduceOutput(std::string* out, size_t max_bytes) override;
  bool OnTimer(uint64_t now_ms) override;
  uint64_t NextDeadlineMs() const override;
  void AdvanceClock(uint64_t now_ms) override { now_ms_ = std::max(now_ms_, now_ms); }
  void Shutdown() override;
  bool Finished() const override {
    return close_after_ && pending_.empty() && stream_ == nullptr && !publishing_;
  }
  bool WantsWrite() const override { return !pending_.empty() || (stream_ && stream_->ending()); }
  size_t open_sse_streams() const override { return stream_ ? 1 : 0; }

  // http::StreamOwner.
  void OnStreamData(http::Stream&) override { owner_.OnOutputPending(); }
  GatewayCounters& counters() override { return env_.counters(); }
  Fanout& fanout() override { return env_.fanout(); }
  uint64_t now_ms() const override { return now_ms_; }
  void WakeBy(uint64_t at_ms) override { owner_.WakeBy(at_ms); }
  http::SessionEnvironment& environment() override { return env_; }
  std::string_view protocol() const override { return request_.http10 ? "http/1.0" : "http/1.1"; }
  void OnSlowConsumer(http::Stream&) override;
  void OnOutputDrained() override;

 private:
  // What stopped the parser: a whole request, or the head of one that has a body.
  enum class Parsed { kNothing, kRequest, kRequestWithBody };

  // The request being parsed.
  struct Request {
    std::string url;
    std::string field;  // the header name being received
    std::string value;  // and its value
    bool in_value = false;
    size_t host_count = 0;
    int reject_status = 0;  // set by a callback that refused the request
    http::RequestHead head;
    bool keep_alive = true;
    bool http10 = false;
    std::optional<http::Upload> upload;  // POST /publish: its body, while it arrives
    uint64_t start_us = 0;               // for the access log
  };

  static const http_parser_settings* Settings();
  static Session* From(http_parser* parser) { return static_cast<Session*>(parser->data); }

  // Parser callbacks.
  int OnMessageBegin();
  int OnUrl(std::string_view piece);
  int OnHeaderField(std::string_view piece);
  int OnHeaderValue(std::string_view piece);
  int OnHeadersComplete();
  int OnBody(std::string_view piece);
  int OnMessageComplete();
  // A whole header line is in: validates it and keeps what the routes look at.
  int FinishHeader();
  int Reject(int status) {
    request_.reject_status = status;
    return -1;  // http_parser stops with HPE_CB_*
  }

  // Parses and answers at most one request. false: nothing more can be done now.
  bool ParseOne();
  void Respond();
  // Idleness is measured from now; asks for the timer that ends it.
  void BecomeIdle();
  void RespondToRequestWithBody();
  // POST /publish: refuse it now, or read its body (Content-Length only) and append it.
  void StartUpload();
  void FinishUpload(bool keep_alive);
  void RespondFixed(const http::Reply& reply, bool keep_alive);
  void StartEventStream(const http::Reply& reply, bool keep_alive, bool http10);
  // The last response on this connection: an error, then close.
  void RespondError(int status);
  // Moves event-stream bytes into *out; false when the stream has nothing right now.
  bool PullStream(std::string* out, size_t max_bytes);
  void FinishStream();
  // A stream ended by the slow-consumer rule leaves the router (outside any delivery).
  size_t buffered_input() const { return in_.size() - in_offset_; }

  http::SessionEnvironment& env_;
  const http::SessionOptions options_;
  const Limits limits_;
  http::OutputListener& owner_;
  const SharedBytes keepalive_ = EncodeKeepAlive();

  http_parser parser_;
  HeadGuard guard_;
  std::string in_;  // received; in_[in_offset_, size()) not parsed yet
  size_t in_offset_ = 0;
  uint64_t received_ = 0;               // bytes received in all
  uint64_t parsed_ = 0;                 // bytes given to the parser in all
  std::optional<uint64_t> problem_at_;  // where the guard stopped, counted like received_
  // Bytes the guard found good (heads) or that are a body being read, counted like
  // received_: the parser is handed nothing beyond. head_checked_: the guard stopped at
  // the end of a head, which the parser has yet to finish.
  uint64_t checked_ = 0;
  bool head_checked_ = false;
  Request request_;
  Parsed parsed_event_ = Parsed::kNothing;

  std::string pending_;                   // response bytes not yet handed to ProduceOutput
  std::unique_ptr<http::Stream> stream_;  // the event stream occupying the connection
  bool stream_chunked_ = false;
  bool stream_keep_alive_ = false;
  // The slow-consumer rule ended the stream: if the client has not taken what was queued
  // (in the stream or in the connection's buffer) within the grace, counted from the
  // first tick after the rule acted, the connection is closed and its output dropped.
  bool slow_consumer_ = false;
  std::optional<uint64_t> slow_since_ms_;
  std::vector<std::unique_ptr<http::Stream>> closed_;  // freed after the current call
  int32_t streams_started_ = 0;

  uint64_t now_ms_ = 0;
  uint64_t idle_since_ms_ = 0;
  bool close_after_ = false;  // no more requests: close once the output is written
  bool shutting_down_ = false;
  bool publishing_ = false;  // a POST /publish awaits the log: nothing else is answered
  // Held by the log's pending answers, which find it expired once the session is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

const http_parser_settings* Session::Settings() {
  static const http_parser_settings settings = [] {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = [](http_parser* p) { return From(p)->OnMessageBegin(); };
    s.on_url = [](http_parser* p, const char* at, size_t n) { return From(p)->OnUrl({at, n}); };
    s.on_header_field = [](http_parser* p, const char* at, size_t n) {
      return From(p)->OnHeaderField({at, n});
    };
    s.on_header_value = [](http_parser* p, const char* at, size_t n) {
      return From(p)->OnHeaderValue({at, n});
    };
    s.on_headers_complete = [](http_parser* p) { return From(p)->OnHeadersComplete(); };
    s.on_body = [](http_parser* p, const char* at, size_t n) { return From(p)->OnBody({at, n}); };
    s.on_message_complete = [](http_parser* p) { return From(p)->OnMessageComplete(); };
    return s;
  }();
  return &settings;
}

Session::Session(http::SessionEnvironment& env, const http::SessionOptions& options,
                 const Limits& limits, http::OutputListener& owner)
    : env_(env),
      options_(options),
      limits_(limits),
      owner_(owner),
      guard_(HeadLimits{.max_request_line = limits.max_request_line,
                        .max_header_lines = options.max_header_count,
                        .max_header_bytes = options.max_header_list_bytes +
                                            kHeaderLineOverhead * options.max_header_count}) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

Session::~Session() {
  if (stream_) stream_->Close();
}

void Session::Start(uint64_t now_ms) {
  now_ms_ = now_ms;
  BecomeIdle();
}

void Session::BecomeIdle() {
  idle_since_ms_ = now_ms_;
  if (limits_.idle_timeout_ms != 0) owner_.WakeBy(idle_since_ms_ + limits_.idle_timeout_ms);
}

uint64_t Session::NextDeadlineMs() const {
  if (slow_consumer_) {
    return slow_since_ms_ ? *slow_since_ms_ + options_.slow_consumer_grace_ms : now_ms_;
  }
  uint64_t next = 0;
  if (stream_) next = stream_->NextDeadlineMs(options_.keepalive_ms, 0);
  const bool idle = stream_ == nullptr && pending_.empty() && !close_after_;
  if (idle && limits_.idle_timeout_ms != 0) {
    const uint64_t idle_at = idle_since_ms_ + limits_.idle_timeout_ms;
    next = next == 0 ? idle_at : std::min(next, idle_at);
  }
  return next;
}

bool Session::Receive(std::span<const uint8_t> bytes) {
  // After the last response nothing more is read into requests; the connection closes
  // once that response is written.
  if (close_after_) return true;
  if (in_offset_ > 0 && in_offset_ >= in_.size() / 2) {
    in_.erase(0, in_offset_);
    in_offset_ = 0;
  }
  const std::string_view data(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  in_.append(data);
  received_ += data.size();
  const size_t pending_before = pending_.size();
  while (pending_.size() < kPendingHighWater && ParseOne()) {
  }
  if (pending_.size() != pending_before || close_after_) owner_.OnOutputPending();
  return buffered_input() <= limits_.max_buffered_input;
}

bool Session::ParseOne() {
  if (close_after_ || stream_ || publishing_) return false;
  // The guard checks one head at a time, so that a body (whose length only the parsed
  // head tells) is never read as the next head.
  if (!problem_at_ && !head_checked_ && checked_ < received_) {
    const size_t offset = in_offset_ + static_cast<size_t>(checked_ - parsed_);
    bool head_done = false;
    checked_ += guard_.ScanHead(std::string_view(in_).substr(offset), &head_done);
    if (guard_.problem() != HeadProblem::kNone) problem_at_ = checked_;
    head_checked_ = head_done;
  }
  size_t available = std::min<uint64_t>(buffered_input(), checked_ - parsed_);
  if (available == 0) {
    if (problem_at_ && parsed_ == *problem_at_) {
      RespondError(StatusFor(guard_.problem()));
      return true;
    }
    return false;
  }
  parsed_event_ = Parsed::kNothing;
  const size_t n = http_parser_execute(&parser_, Settings(), in_.data() + in_offset_, available);
  in_offset_ += n;
  parsed_ += n;
  if (head_checked_ && parsed_ >= checked_) head_checked_ = false;  // on to the next head
  const http_errno error = HTTP_PARSER_ERRNO(&parser_);
  if (error == HPE_PAUSED) {
    http_parser_pause(&parser_, 0);
    if (parsed_event_ == Parsed::kRequestWithBody) {
      if (http::IsPublish(request_.head) && !options_.metrics_only) {
        StartUpload();
      } else {
        RespondToRequestWithBody();
      }
    } else {
      Respond();
    }
    return true;
  }
  if (error != HPE_OK) {
    int status = 400;
    if (request_.reject_status != 0) status = request_.reject_status;
    if (error == HPE_HEADER_OVERFLOW) status = 431;
    RespondError(status);
    return true;
  }
  // Everything available was consumed without completing a request. If that reached
  // the guard's stop, the rest of the request is the refused byte.
  if (problem_at_ && parsed_ == *problem_at_) {
    RespondError(StatusFor(guard_.problem()));
    return true;
  }
  return false;
}

int Session::OnMessageBegin() {
  request_ = Request{};
  request_.start_us = env_.NowUs();
  return 0;
}

int Session::OnUrl(std::string_view piece) {
  // Bounded: the guard stops request lines longer than max_request_line.
  request_.url.append(piece);
  return 0;
}

int Session::OnHeaderField(std::string_view piece) {
  if (request_.in_value) {
    if (const int rv = FinishHeader(); rv != 0) return rv;
  }
  request_.field.append(piece);
  return 0;
}

int Session::OnHeaderValue(std::string_view piece) {
  request_.in_value = true;
  request_.value.append(piece);
  return 0;
}

int Session::FinishHeader() {
  Request& r = request_;
  r.in_value = false;
  const std::string_view name = r.field;
  const std::string_view value = TrimTrailingWhitespace(r.value);
  // RFC 9112 §5.1: whitespace between the name and the colon MUST be rejected with 400
  // (http_parser keeps it as part of the name).
  if (name.find_first_of(" \t") != std::string_view::npos) return Reject(400);
  // RFC 9110 §5.5: a value with control bytes (NUL, CR, ...) is invalid; some
  // intermediaries act on them, so refuse rather than pass them on.
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return IsCtl(static_cast<unsigned char>(c)); })) {
    return Reject(400);
  }
  if (EqualsLower(name, "host")) ++r.host_count;
  if (http::AddHeader(&r.head, name, value, options_.header_limits()) ==
      http::HeaderVerdict::kFarTooLarge) {
    return Reject(431);
  }
  r.field.clear();
  r.value.clear();
  return 0;
}

int Session::OnHeadersComplete() {
  Request& r = request_;
  if (r.in_value || !r.field.empty()) {
    if (const int rv = FinishHeader(); rv != 0) return rv;
  }
  // RFC 9110 §15.6.6: a request line of another version (HTTP/2.0 sent as text, say) is
  // not ours to guess at.
  if (parser_.http_major != 1 || parser_.http_minor > 1) return Reject(505);
  r.head.method = http_method_str(static_cast<http_method>(parser_.method));
  r.http10 = parser_.http_major == 1 && parser_.http_minor == 0;
  r.keep_alive = http_should_keep_alive(&parser_) != 0;
  // RFC 9112 §3.2: an HTTP/1.1 request without exactly one Host gets 400.
  if (!r.http10 && r.host_count != 1) return Reject(400);
  if (r.url.empty() || r.url[0] == '/' || r.url == "*") {
    r.head.path = r.url;
  } else {
    // absolute-form ("GET http://host/path?q HTTP/1.1"), which servers must accept; the
    // routes look at path and query only. CONNECT's authority-form goes to the routes
    // as is (and finds nothing there).
    http_parser_url url;
    http_parser_url_init(&url);
    const bool connect = parser_.method == HTTP_CONNECT;
    if (http_parser_parse_url(r.url.data(), r.url.size(), connect ? 1 : 0, &url) != 0) {
      return Reject(400);
    }
    if (connect) {
      r.head.path = r.url;
    } else if (url.field_set & (1 << UF_PATH)) {
      r.head.path = r.url.substr(url.field_data[UF_PATH].off);
    } else {
      r.head.path = "/";
    }
  }
  const bool has_body = parser_.uses_transfer_encoding || (parser_.flags & F_CHUNKED) ||
                        ((parser_.flags & F_CONTENTLENGTH) && parser_.content_length > 0);
  if (has_body) {
    parsed_event_ = Parsed::kRequestWithBody;
    http_parser_pause(&parser_, 1);
  }
  return 0;
}

int Session::OnBody(std::string_view piece) {
  // Bounded: the head's Content-Length was checked against --max-frame, and http_parser
  // keeps to it.
  if (request_.upload) (void)request_.upload->Add(piece);
  return 0;
}

int Session::OnMessageComplete() {
  parsed_event_ = Parsed::kRequest;
  http_parser_pause(&parser_, 1);
  return 0;
}

void Session::Respond() {
  BecomeIdle();
  const Request& r = request_;
  // CONNECT (and an accepted Upgrade would) turn the rest of the connection into
  // something else; we answer and close instead.
  const bool keep_alive = r.keep_alive && !shutting_down_ && parser_.method != HTTP_CONNECT;
  if (http::IsPublish(r.head) && !options_.metrics_only) {
    // Without a body (no upload yet), or with one that has just been read.
    if (!request_.upload) {
      http::PublishStart start = http::StartPublish(r.head, options_, env_);
      if (start.refusal) {
        RespondFixed(*start.refusal, keep_alive);
        return;
      }
      request_.upload = std::move(start.upload);
    }
    FinishUpload(keep_alive);
    return;
  }
  const http::Reply reply = http::RouteRequest(r.head, env_, http::RoutesOf(options_));
  if (reply.kind == http::Reply::Kind::kEventStream && !reply.head_only) {
    StartEventStream(reply, keep_alive, r.http10);
  } else {
    RespondFixed(reply, keep_alive);
  }
}

void Session::RespondToRequestWithBody() {
  // The body is never read, so the connection cannot carry another request: whatever
  // the answer, it is the last one. A route that refuses the request anyway (404, 405)
  // says why; one that would serve it refuses the body.
  RespondFixed(http::RouteRequestWithBody(request_.head, env_), false);
}

void Session::StartUpload() {
  // Refused: answered without reading the body, and the connection closes (its body
  // would otherwise be read as the next request).
  if (parser_.uses_transfer_encoding || (parser_.flags & F_CHUNKED)) {
    RespondFixed(http::TextReply(411, "POST /publish needs a Content-Length"), false);
    return;
  }
  http::PublishStart start = http::StartPublish(request_.head, options_, env_);
  if (start.refusal) {
    RespondFixed(*start.refusal, false);
    return;
  }
  request_.upload = std::move(start.upload);
  // The body follows the head: the parser may read that many bytes, which are not a head.
  checked_ = parsed_ + parser_.content_length;
  head_checked_ = false;
}

void Session::FinishUpload(bool keep_alive) {
  http::Upload upload = std::move(*request_.upload);
  request_.upload.reset();
  http::PublishPlan plan = http::PlanPublish(request_.head, upload, env_);
  if (plan.refusal) {
    RespondFixed(*plan.refusal, keep_alive);
    return;
  }
  publishing_ = true;
  env_.Publish(std::move(plan.batch),
               [this, alive = std::weak_ptr<char>(alive_), keep_alive, format = upload.format,
                seq = plan.seq](PublishResult result) {
                 if (alive.expired()) return;
                 publishing_ = false;
                 RespondFixed(http::AnswerPublish(std::move(result), format, seq),
                              keep_alive && !shutting_down_);
                 // Pipelined requests waited behind this one.
                 while (pending_.size() < kPendingHighWater && ParseOne()) {
                 }
                 owner_.OnOutputPending();
               });
}

void Session::RespondFixed(const http::Reply& reply, bool keep_alive) {
  // Event streams are logged by their Stream when they end; fixed replies here.
  std::string_view method = request_.head.method;
  if (method.empty()) method = "-";
  env_.OnRequestFinished(http::AccessRecord{
      .method = method,
      .path = request_.head.path.empty() ? std::string_view(request_.url) : request_.head.path,
      .status = reply.status,
      .protocol = protocol(),
      .duration_ms = static_cast<double>(env_.NowUs() - request_.start_us) / 1000.0,
      .bytes = reply.head_only ? 0 : reply.body.size(),
      .events = 0,
  });
  AppendHead(reply.status, reply.headers, Framing::kAsGiven, keep_alive, &pending_);
  if (!reply.head_only) pending_.append(reply.body);
  if (!keep_alive) close_after_ = true;
}

void Session::RespondError(int status) {
  RespondFixed(http::TextReply(status, TextFor(status)), false);
}

void Session::StartEventStream(const http::Reply& reply, bool keep_alive, bool http10) {
  // HTTP/1.0 has no chunked coding: the stream's end is the connection's.
  stream_chunked_ = !http10;
  stream_keep_alive_ = keep_alive && !http10;
  AppendHead(reply.status, reply.headers, http10 ? Framing::kUntilClose : Framing::kChunked,
             stream_keep_alive_, &pending_);
  const int32_t id = ++streams_started_;
  stream_ = std::make_unique<http::Stream>(*this, id, options_.stream_buffer_bytes);
  stream_->request() = request_.head;  // for its access-log line
  stream_->set_responded(reply.status);
  stream_->BeginEventStream(options_, reply.lifetime_ms);
  stream_->StartEvents(reply.subscription, options_, shutting_down_);
}

bool Session::ProduceOutput(std::string* out, size_t max_bytes) {
  while (out->size() < max_bytes) {
    if (!pending_.empty()) {
      out->append(pending_);
      pending_.clear();
      continue;
    }
    if (stream_) {
      if (!PullStream(out, max_bytes)) break;
      continue;
    }
    if (!ParseOne()) break;
  }
  closed_.clear();
  return true;
}

bool Session::PullStream(std::string* out, size_t max_bytes) {
  const http::BodySource::Chunk chunk = stream_->NextChunk(max_bytes - out->size());
  if (chunk.kind == http::BodySource::Chunk::Kind::kDeferred) return false;
  if (chunk.length > 0) {
    if (stream_chunked_) AppendChunkSize(chunk.length, out);
    stream_->WritePayload(chunk.length, out);
    if (stream_chunked_) out->append(kChunkEnd);
  }
  if (chunk.end_stream) {
    if (stream_chunked_) out->append(kLastChunk);
    FinishStream();
  }
  return true;
}

void Session::FinishStream() {
  stream_->Close();
  if (!stream_keep_alive_ || shutting_down_) close_after_ = true;
  closed_.push_back(std::move(stream_));
  BecomeIdle();
}

void Session::OnSlowConsumer(http::Stream&) {
  // What the client has not taken may sit in the connection's buffer after the stream's
  // last chunk, so the grace lasts until the connection's output has drained, not only
  // until the stream has handed over its queue.
  slow_consumer_ = true;
  owner_.WakeBy(now_ms_);  // the timer stamps the grace's start
}

void Session::OnOutputDrained() {
  // The client took everything, the ended stream's last chunk included: the connection
  // carries on with the next request, if any.
  if (slow_consumer_ && stream_ == nullptr) {
    slow_consumer_ = false;
    slow_since_ms_.reset();
  }
}

bool Session::OnTimer(uint64_t now_ms) {
  now_ms_ = std::max(now_ms_, now_ms);
  if (slow_consumer_) {
    // Stamped by the timer rather than when the rule acted, inside a delivery, where the
    // session's clock may be behind: the grace is then never cut short.
    if (!slow_since_ms_) slow_since_ms_ = now_ms_;
    if (now_ms_ - *slow_since_ms_ >= options_.slow_consumer_grace_ms) {
      // HTTP/1.1 cannot end one response early without ending the connection.
      if (stream_) stream_->Abandon();
      return false;
    }
  }
  if (stream_) stream_->OnTimer(now_ms_, options_.keepalive_ms, keepalive_);
  closed_.clear();
  // Idle: no request has completed for a while and nothing is being answered. This
  // also ends a request head that trickles in too slowly.
  const bool idle = stream_ == nullptr && pending_.empty() && !close_after_;
  return !(idle && limits_.idle_timeout_ms != 0 &&
           now_ms_ - idle_since_ms_ >= limits_.idle_timeout_ms);
}

void Session::Shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  close_after_ = true;
  if (stream_) {
    if (stream_->attached()) env_.fanout().Unsubscribe(stream_.get());
    stream_->End();
  }
  owner_.OnOutputPending();
}

std::unique_ptr<http::HttpSession> NewSession(http::SessionEnvironment& env,
                                              const http::SessionOptions& options,
                                              const Limits& limits, http::OutputListener& owner) {
  return std::make_unique<Session>(env, options, limits, owner);
}

}  // namespace ssegw::h1
