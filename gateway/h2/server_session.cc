// How output works: nothing is written from callbacks. ProduceOutput() loops
// nghttp2_session_mem_send, appending each frame to the caller's string; DATA frames of
// every response use NGHTTP2_DATA_FLAG_NO_COPY, so nghttp2 calls OnSendData, which
// appends the 9-byte frame header and drains the stream's queue of shared event buffers
// straight into that same string — the payload is copied once, from the shared event
// into the connection's output. OnSendData pauses mem_send once the string reaches the
// caller's cap. Because every frame is copied out before the next call, nghttp2's frame
// buffer holds nothing between calls, and all sessions of a thread share one
// (SessionAllocator); OnSendData must therefore never answer NGHTTP2_ERR_WOULDBLOCK
// from inside mem_send.
//
// An event stream's data source stops whenever its queue is empty: deferred, when
// NextChunk found nothing, or drained, when a frame took the whole queue and ended the
// source with EOF + NO_END_STREAM (so nghttp2 lets go of it rather than asking again only
// to hear it is empty). New output notes the stream (OnStreamData, waking_), and
// ProduceOutput restarts the noted sources a few at a time between mem_send calls:
// resume_data for a deferred one, a new source (adapter::SubmitBody) for a drained one.
//
// Streams closed by nghttp2 are unsubscribed at once (so the fanout stops delivering) but
// freed only when the public call that led to the close returns (closed_), never inside
// a callback stack that may still hold them.
//
// How input works: Receive() hands the client's bytes to nghttp2_session_mem_recv, but a
// FrameScanner finds the frames first, and before each DATA, HEADERS or PRIORITY frame
// the bytes up to it are handed over and the frame is judged against the session as it
// then is: the RFC 9113 rules on closed streams (ClosedStreams) and on PRIORITY, which
// nghttp2 leaves out in the RFC 9218 mode the gateway runs it in. A frame that breaks
// them ends the session with GOAWAY before nghttp2 sees it.
//
// A request without END_STREAM on its HEADERS may have a body, which no route takes but
// POST /publish: a route that would serve it waits (awaiting_body_) until the first DATA
// byte (400) or the end of the request (served as usual). A publish request's body is
// read into its stream's Upload (bounded by --max-frame, 413 the moment it passes),
// then appended to the log; the answer goes out when the log's result comes back,
// unless the stream is gone by then. nghttp2 replenishes the windows as the body is
// consumed, so a slow uploader holds only its own stream.
#include "h2/server_session.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <new>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/sse_encoder.h"
#include "h2/closed_streams.h"
#include "h2/frame_scanner.h"
#include "h2/nghttp2_adapter.h"
#include "h2/session_allocator.h"
#include "http/routes.h"
#include "http/stream.h"

namespace ssegw::h2 {

using http::BodySource;
using http::Header;
using http::HttpSession;
using http::OutputListener;
using http::Reply;
using http::RequestHead;
using http::SessionEnvironment;
using http::SessionOptions;
using http::Stream;
using http::StreamOwner;

namespace {

nghttp2_nv MakeNv(std::string_view name, std::string_view value) {
  // nghttp2_submit_response copies names and values, so plain views suffice.
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

std::string_view View(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

class ServerSession final : public HttpSession, public StreamOwner {
 public:
  ServerSession(SessionEnvironment& env, const SessionOptions& options, OutputListener& owner,
                std::string_view protocol);
  ~ServerSession() override;
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  void Start(uint64_t now_ms) override;
  bool Receive(std::span<const uint8_t> bytes) override;
  bool ProduceOutput(std::string* out, size_t max_bytes) override;
  bool OnTimer(uint64_t now_ms) override;
  uint64_t NextDeadlineMs() const override;
  void AdvanceClock(uint64_t now_ms) override { now_ms_ = std::max(now_ms_, now_ms); }
  void Shutdown() override;
  bool Finished() const override {
    return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
  }
  bool WantsWrite() const override {
    return !waking_.empty() || nghttp2_session_want_write(session_) != 0;
  }
  size_t open_sse_streams() const override { return open_event_streams_; }

  // StreamOwner.
  void OnStreamData(Stream& stream) override;
  GatewayCounters& counters() override { return env_.counters(); }
  Fanout& fanout() override { return env_.fanout(); }
  uint64_t now_ms() const override { return now_ms_; }
  void WakeBy(uint64_t at_ms) override { owner_.WakeBy(at_ms); }
  SessionEnvironment& environment() override { return env_; }
  std::string_view protocol() const override { return protocol_; }
  // The grace is checked stream by stream by the timer (OnTimer), which stamps its start.
  void OnSlowConsumer(Stream&) override { owner_.WakeBy(now_ms_); }

  // nghttp2 callbacks, reached through the trampolines below.
  int OnBeginHeaders(const nghttp2_frame& frame);
  int OnHeader(const nghttp2_frame& frame, std::string_view name, std::string_view value);
  int OnFrameRecv(const nghttp2_frame& frame);
  int OnFrameSend(const nghttp2_frame& frame);
  int OnStreamClose(int32_t stream_id);
  int OnInvalidFrameRecv(const nghttp2_frame& frame);
  int OnSendData(const nghttp2_frame& frame, const uint8_t* frame_header, size_t length,
                 nghttp2_data_source* source);

 private:
  static const nghttp2_session_callbacks* Callbacks();
  static ServerSession* From(void* user_data) { return static_cast<ServerSession*>(user_data); }

  Stream* StreamOf(int32_t stream_id) const {
    return static_cast<Stream*>(nghttp2_session_get_stream_user_data(session_, stream_id));
  }
  // Hands bytes to nghttp2. false: fatal, with a GOAWAY queued.
  bool Feed(std::span<const uint8_t> bytes);
  // The GOAWAY error code `frame` draws under the rules nghttp2 leaves to us, or 0.
  uint32_t Violation(const FrameHeader& frame) const;
  // Ends the session: GOAWAY with `error_code`, nothing more read.
  void Terminate(uint32_t error_code);
  // GOAWAY(NO_ERROR) naming the last stream processed; no new streams from now on.
  void SubmitGoaway();
  // The client sent GOAWAY and no stream is left: say goodbye so the connection closes.
  void FinishAfterPeerGoaway();
  int OnRequest(Stream& stream, bool end_stream);
  int OnDataChunk(int32_t stream_id, std::string_view data);
  // The publish request's body is complete (or too large): answer, or append and wait.
  int FinishUpload(Stream& stream);
  int Respond(Stream& stream);
  int Respond(Stream& stream, const Reply& reply);
  int RespondEventStream(Stream& stream, const Reply& reply, std::span<const nghttp2_nv> nv);
  void Detach(Stream& stream);
  // Restarts up to `count` more of the sources waking_ holds. false: fatal.
  bool WakeSources(size_t count);
  // Past the slow-consumer grace: RST_STREAM(CANCEL), its queue freed now.
  void ResetSlowStream(Stream& stream);
  // Keeps the first fatal nghttp2 error; callbacks then fail the whole session.
  int Fail(int error) {
    if (error_ == 0) error_ = error;
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  }

  SessionEnvironment& env_;
  const SessionOptions options_;
  OutputListener& owner_;
  const std::string_view protocol_;  // a literal: "h2" or "h2c"
  SessionAllocator allocator_;       // the nghttp2 session's memory; outlives it
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::unique_ptr<Stream>> streams_;
  std::vector<std::unique_ptr<Stream>> closed_;  // freed after the current call
  std::unordered_set<int32_t> awaiting_body_;    // requests that may still send a body
  FrameScanner scanner_;
  ClosedStreams closed_streams_;
  int32_t peer_reset_stream_ = 0;  // the stream the client's RST_STREAM is closing
  bool peer_goaway_ = false;
  const SharedBytes keepalive_ = EncodeKeepAlive();
  // Held by the log's pending answers, which find it expired once the session is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();

  // Streams with new output whose data source nghttp2 is not holding ready (TakeSource),
  // in the order their output came; those before woken_ are restarted.
  std::vector<std::pair<Stream*, Stream::Source>> waking_;
  size_t woken_ = 0;
  std::string* out_ = nullptr;  // set only during ProduceOutput
  size_t out_limit_ = 0;
  uint64_t now_ms_ = 0;
  uint64_t last_ping_ms_ = 0;
  bool ping_outstanding_ = false;
  bool shutting_down_ = false;
  bool destroying_ = false;
  int error_ = 0;
  size_t open_event_streams_ = 0;
};

const nghttp2_session_callbacks* ServerSession::Callbacks() {
  // Built once and shared by every session on every thread; nghttp2 copies the table
  // into each session, and never writes to it.
  static const struct Holder {
    Holder() {
      nghttp2_session_callbacks_new(&callbacks);
      nghttp2_session_callbacks_set_on_begin_headers_callback(
          callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
            return From(user_data)->OnBeginHeaders(*frame);
          });
      nghttp2_session_callbacks_set_on_header_callback(
          callbacks,
          [](nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t name_length,
             const uint8_t* value, size_t value_length, uint8_t /*flags*/, void* user_data) {
            return From(user_data)->OnHeader(*frame, View(name, name_length),
                                             View(value, value_length));
          });
      nghttp2_session_callbacks_set_on_frame_recv_callback(
          callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
            return From(user_data)->OnFrameRecv(*frame);
          });
      nghttp2_session_callbacks_set_on_frame_send_callback(
          callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
            return From(user_data)->OnFrameSend(*frame);
          });
      nghttp2_session_callbacks_set_on_stream_close_callback(
          callbacks, [](nghttp2_session*, int32_t stream_id, uint32_t /*error_code*/,
                        void* user_data) { return From(user_data)->OnStreamClose(stream_id); });
      nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
          callbacks, [](nghttp2_session*, uint8_t /*flags*/, int32_t stream_id, const uint8_t* data,
                        size_t length, void* user_data) {
            return From(user_data)->OnDataChunk(stream_id, View(data, length));
          });
      nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(
          callbacks, [](nghttp2_session*, const nghttp2_frame* frame, int /*lib_error_code*/,
                        void* user_data) { return From(user_data)->OnInvalidFrameRecv(*frame); });
      nghttp2_session_callbacks_set_send_data_callback(
          callbacks, [](nghttp2_session*, nghttp2_frame* frame, const uint8_t* frame_header,
                        size_t length, nghttp2_data_source* source, void* user_data) {
            return From(user_data)->OnSendData(*frame, frame_header, length, source);
          });
    }
    ~Holder() { nghttp2_session_callbacks_del(callbacks); }
    nghttp2_session_callbacks* callbacks = nullptr;
  } holder;
  return holder.callbacks;
}

ServerSession::ServerSession(SessionEnvironment& env, const SessionOptions& options,
                             OutputListener& owner, std::string_view protocol)
    : env_(env), options_(options), owner_(owner), protocol_(protocol) {
  nghttp2_option* option = nullptr;
  nghttp2_option_new(&option);
  // Closed streams are kept only for the priority tree, which SSE does not use; with
  // thousands of streams per connection that memory is better not spent. (RFC 9218 mode
  // drops them anyway; ClosedStreams keeps what the RFC 9113 rules need.)
  nghttp2_option_set_no_closed_streams(option, 1);
  // No HPACK dynamic table for what we send: each response's few headers are sent once
  // per stream, and an idle connection need not keep them indexed (issue 14).
  nghttp2_option_set_max_deflate_dynamic_table_size(option, 0);
  // The frame buffer nghttp2 keeps per session is shared by every session of this
  // thread (session_allocator.h): ProduceOutput copies each frame out at once.
  allocator_.BeginSessionCreation();
  const int rv =
      nghttp2_session_server_new3(&session_, Callbacks(), this, option, allocator_.mem());
  allocator_.EndSessionCreation();
  nghttp2_option_del(option);
  if (rv != 0) throw std::bad_alloc();  // nghttp2 fails here only when out of memory
}

ServerSession::~ServerSession() {
  // Callbacks run by nghttp2_session_del must not touch streams being torn down.
  destroying_ = true;
  nghttp2_session_del(session_);
  for (auto& [id, stream] : streams_) Detach(*stream);
}

void ServerSession::Detach(Stream& stream) {
  if (stream.is_event_stream()) --open_event_streams_;
  stream.Close();
}

void ServerSession::Start(uint64_t now_ms) {
  now_ms_ = now_ms;
  last_ping_ms_ = now_ms;
  // RFC 9113 counts 32 bytes of overhead per field; advertise the largest list the
  // limits accept by that measure.
  const uint64_t header_list =
      std::min<uint64_t>(options_.max_header_list_bytes + 32 * options_.max_header_count,
                         std::numeric_limits<uint32_t>::max());
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams},
      // No HPACK dynamic table for what the client sends either: once it acknowledges
      // this, the request headers it indexed (user agent, cookies, ...) are dropped
      // instead of being kept for the life of a connection that mostly idles. Later
      // requests carry their headers literally, a few hundred bytes each.
      {NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, 0},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(header_list)},
      // RFC 9218 scheduling instead of RFC 7540's dependency tree: SSE streams need no
      // priorities, and maintaining the tree for every DATA frame cost ~14% of the
      // gateway's instructions per delivery (docs/BENCHMARKS.md).
      {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
  };
  const int rv = nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings,
                                         sizeof(settings) / sizeof(settings[0]));
  if (rv != 0) Fail(rv);
  owner_.OnOutputPending();
}

bool ServerSession::Receive(std::span<const uint8_t> bytes) {
  if (error_ != 0) return false;
  bool ok = true;
  size_t fed = 0;
  size_t pos = 0;
  FrameHeader frame;
  size_t start = 0;
  while (ok && scanner_.Next(bytes, &pos, &frame, &start)) {
    if (frame.type != NGHTTP2_DATA && frame.type != NGHTTP2_HEADERS &&
        frame.type != NGHTTP2_PRIORITY) {
      continue;
    }
    // Judged against the session as it is just before this frame.
    start = std::max(start, fed);
    ok = Feed(bytes.subspan(fed, start - fed));
    fed = start;
    if (!ok) break;
    if (const uint32_t error_code = Violation(frame); error_code != 0) {
      Terminate(error_code);
      ok = false;
    }
  }
  if (ok) ok = Feed(bytes.subspan(fed));
  // Frames nghttp2 answers by itself (SETTINGS and PING acks, WINDOW_UPDATE, GOAWAY on a
  // protocol error) go out without passing through our callbacks; and a session that
  // has finished (the client's GOAWAY with no stream left) must be closed now, not when
  // some later output happens to be written.
  if (nghttp2_session_want_write(session_) || Finished()) owner_.OnOutputPending();
  closed_.clear();
  return ok;
}

bool ServerSession::Feed(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return true;
  const int64_t rv = adapter::MemRecv(session_, bytes);
  if (rv >= 0) return true;
  Fail(static_cast<int>(rv));
  // A bad preface, a flood of frames to acknowledge or a failed callback: queue GOAWAY
  // so the peer learns why.
  switch (rv) {
    case NGHTTP2_ERR_FLOODED:
      // More than nghttp2's max_outbound_ack (1,000) PING and SETTINGS acknowledgements
      // queued and not yet written; a client's burst of a hundred is far from it.
      Terminate(NGHTTP2_ENHANCE_YOUR_CALM);
      break;
    case NGHTTP2_ERR_CALLBACK_FAILURE:
      Terminate(NGHTTP2_INTERNAL_ERROR);
      break;
    default:
      Terminate(NGHTTP2_PROTOCOL_ERROR);
      break;
  }
  return false;
}

uint32_t ServerSession::Violation(const FrameHeader& frame) const {
  // Once nghttp2 has ended the session (or the client's GOAWAY left nothing to do), what
  // arrives no longer matters.
  if (nghttp2_session_want_read(session_) == 0) return 0;
  if (frame.type == NGHTTP2_PRIORITY) {
    // RFC 9113 §6.3 and §5.3.1; a stream error may be treated as a connection error.
    // (FrameScanner gives the dependency of 5-byte frames only; nghttp2 rejects others.)
    const bool on_itself = frame.dependency == frame.stream_id;
    return frame.stream_id == 0 || on_itself ? NGHTTP2_PROTOCOL_ERROR : 0;
  }
  // DATA or HEADERS: nghttp2 judges stream 0, server ids and every stream it has open.
  if (frame.stream_id % 2 == 0 || nghttp2_session_find_stream(session_, frame.stream_id)) {
    return 0;
  }
  switch (closed_streams_.Judge(frame.stream_id, frame.type == NGHTTP2_HEADERS)) {
    case ClosedStreams::Verdict::kIgnore:
      return 0;
    case ClosedStreams::Verdict::kStreamClosed:
      return NGHTTP2_STREAM_CLOSED;
    case ClosedStreams::Verdict::kProtocolError:
      return NGHTTP2_PROTOCOL_ERROR;
  }
  return 0;
}

void ServerSession::Terminate(uint32_t error_code) {
  if (error_ == 0) error_ = NGHTTP2_ERR_PROTO;
  // Only the first call queues a GOAWAY; later ones do nothing.
  const int rv = nghttp2_session_terminate_session(session_, error_code);
  if (rv != 0 && nghttp2_is_fatal(rv)) Fail(rv);
}

bool ServerSession::ProduceOutput(std::string* out, size_t max_bytes) {
  // nghttp2 keeps the sources it may ask in a priority queue, pushed and popped once per
  // frame: fed a few at a time, that queue stays short, whatever the number of streams.
  constexpr size_t kSourcesPerSend = 4;
  out_ = out;
  out_limit_ = max_bytes;
  bool ok = true;
  while (out->size() < max_bytes) {
    if (!WakeSources(kSourcesPerSend)) {
      ok = false;
      break;
    }
    const uint8_t* data = nullptr;
    const int64_t n = adapter::MemSend(session_, &data);
    if (n < 0) {
      Fail(static_cast<int>(n));
      ok = false;
      break;
    }
    // 0: nothing ready, or OnSendData paused at the cap (NO_COPY frames are written by
    // OnSendData and never returned here).
    if (n == 0 && woken_ == waking_.size()) break;
    out->append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  // Those not restarted yet wait for the next call, in order.
  waking_.erase(waking_.begin(), waking_.begin() + static_cast<std::ptrdiff_t>(woken_));
  woken_ = 0;
  out_ = nullptr;
  closed_.clear();
  return ok && error_ == 0;
}

bool ServerSession::OnTimer(uint64_t now_ms) {
  now_ms_ = std::max(now_ms_, now_ms);
  bool alive = true;
  if (options_.keepalive_ms != 0 && now_ms_ - last_ping_ms_ >= options_.keepalive_ms) {
    if (ping_outstanding_) {
      alive = false;  // a whole period without the ack: the peer is gone
    } else {
      const int rv = nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr);
      if (rv != 0) Fail(rv);
      ping_outstanding_ = true;
      last_ping_ms_ = now_ms_;
      owner_.OnOutputPending();
    }
  }
  for (auto& [id, stream] : streams_) {
    if (stream->OverstaysSlowConsumerGrace(now_ms_, options_.slow_consumer_grace_ms)) {
      ResetSlowStream(*stream);  // closed once the RST_STREAM is sent, not in this loop
      continue;
    }
    stream->OnTimer(now_ms_, options_.keepalive_ms, keepalive_);
  }
  closed_.clear();
  return alive && error_ == 0;
}

uint64_t ServerSession::NextDeadlineMs() const {
  uint64_t next = options_.keepalive_ms != 0 ? last_ping_ms_ + options_.keepalive_ms : 0;
  for (const auto& [id, stream] : streams_) {
    const uint64_t at =
        stream->NextDeadlineMs(options_.keepalive_ms, options_.slow_consumer_grace_ms);
    if (at != 0 && (next == 0 || at < next)) next = at;
  }
  return next;
}

void ServerSession::ResetSlowStream(Stream& stream) {
  stream.Abandon();
  const int rv =
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id(), NGHTTP2_CANCEL);
  if (rv != 0 && nghttp2_is_fatal(rv)) Fail(rv);
  owner_.OnOutputPending();
}

void ServerSession::SubmitGoaway() {
  shutting_down_ = true;
  const int rv = nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                                       nghttp2_session_get_last_proc_stream_id(session_),
                                       NGHTTP2_NO_ERROR, nullptr, 0);
  if (rv != 0 && nghttp2_is_fatal(rv)) Fail(rv);
}

void ServerSession::FinishAfterPeerGoaway() {
  // Our own GOAWAY tells the client which requests were processed (RFC 9113 §6.8) and,
  // being output, keeps nghttp2 answering PING and SETTINGS that came with the client's
  // GOAWAY; once it is written the session has finished and the connection closes.
  if (shutting_down_) return;
  SubmitGoaway();
  owner_.OnOutputPending();
}

void ServerSession::Shutdown() {
  if (shutting_down_) return;
  SubmitGoaway();
  for (auto& [id, stream] : streams_) {
    if (!stream->is_event_stream()) continue;
    if (stream->attached()) env_.fanout().Unsubscribe(stream.get());
    stream->End();
  }
  owner_.OnOutputPending();
  closed_.clear();
}

void ServerSession::OnStreamData(Stream& stream) {
  // Restarted in ProduceOutput, a few at a time; with several events per turn only the
  // first one of a stream finds its source stopped.
  if (stream.responded()) {
    const Stream::Source source = stream.TakeSource();
    if (source != Stream::Source::kScheduled) waking_.push_back({&stream, source});
  }
  owner_.OnOutputPending();
}

bool ServerSession::WakeSources(size_t count) {
  const size_t end = std::min(waking_.size(), woken_ + count);
  for (; woken_ < end; ++woken_) {
    const auto [stream, source] = waking_[woken_];
    if (stream == nullptr) continue;  // closed since
    // Non-fatal errors just mean nghttp2 is done with the stream (it is closing).
    const int rv = source == Stream::Source::kDeferred
                       ? nghttp2_session_resume_data(session_, stream->id())
                       : adapter::SubmitBody(session_, stream->id(), stream);
    if (rv != 0 && nghttp2_is_fatal(rv)) {
      Fail(rv);
      return false;
    }
  }
  return true;
}

int ServerSession::OnBeginHeaders(const nghttp2_frame& frame) {
  if (destroying_) return 0;
  if (frame.hd.type != NGHTTP2_HEADERS || frame.headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  auto stream = std::make_unique<Stream>(*this, frame.hd.stream_id, options_.stream_buffer_bytes);
  const int rv = nghttp2_session_set_stream_user_data(session_, frame.hd.stream_id, stream.get());
  if (rv != 0) return Fail(rv);
  streams_[frame.hd.stream_id] = std::move(stream);
  closed_streams_.Opened(frame.hd.stream_id);
  return 0;
}

int ServerSession::OnHeader(const nghttp2_frame& frame, std::string_view name,
                            std::string_view value) {
  if (destroying_) return 0;
  if (frame.hd.type != NGHTTP2_HEADERS || frame.headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  Stream* stream = StreamOf(frame.hd.stream_id);
  if (stream == nullptr) return 0;
  if (http::AddHeader(&stream->request(), name, value, options_.header_limits()) ==
      http::HeaderVerdict::kFarTooLarge) {
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // nghttp2 resets the stream
  }
  return 0;
}

int ServerSession::OnFrameRecv(const nghttp2_frame& frame) {
  if (destroying_) return 0;
  switch (frame.hd.type) {
    case NGHTTP2_HEADERS: {
      // Called once the whole header block (with any CONTINUATION) is in.
      Stream* stream = StreamOf(frame.hd.stream_id);
      if (stream == nullptr) return 0;
      const bool end_stream = (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
      if (frame.headers.cat == NGHTTP2_HCAT_REQUEST) return OnRequest(*stream, end_stream);
      if (end_stream && stream->upload() != nullptr) return FinishUpload(*stream);
      // Trailers that end a request without a body.
      if (end_stream && awaiting_body_.erase(frame.hd.stream_id) > 0) return Respond(*stream);
      return 0;
    }
    case NGHTTP2_DATA: {
      if (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) {
        Stream* stream = StreamOf(frame.hd.stream_id);
        if (stream != nullptr && stream->upload() != nullptr) return FinishUpload(*stream);
      }
      if (!awaiting_body_.contains(frame.hd.stream_id)) return 0;
      Stream* stream = StreamOf(frame.hd.stream_id);
      if (stream == nullptr) return 0;
      const bool end_stream = (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
      // padlen counts the Pad Length field too, so this is the body bytes of the frame.
      if (frame.hd.length > frame.data.padlen) {
        awaiting_body_.erase(frame.hd.stream_id);
        return Respond(*stream, http::RouteRequestWithBody(stream->request(), env_));
      }
      if (end_stream) {
        awaiting_body_.erase(frame.hd.stream_id);
        return Respond(*stream);
      }
      return 0;
    }
    case NGHTTP2_RST_STREAM:
      // nghttp2 closes the stream right after this callback (see OnStreamClose).
      peer_reset_stream_ = frame.hd.stream_id;
      return 0;
    case NGHTTP2_GOAWAY:
      peer_goaway_ = true;
      if (streams_.empty()) FinishAfterPeerGoaway();
      return 0;
    case NGHTTP2_PING:
      if (frame.hd.flags & NGHTTP2_FLAG_ACK) ping_outstanding_ = false;
      return 0;
    default:
      return 0;
  }
}

int ServerSession::OnRequest(Stream& stream, bool end_stream) {
  if (http::IsPublish(stream.request()) && !options_.metrics_only) {
    http::PublishStart start = http::StartPublish(stream.request(), options_, env_);
    if (start.refusal) return Respond(stream, *start.refusal);
    stream.set_upload(std::move(start.upload));
    return end_stream ? FinishUpload(stream) : 0;
  }
  if (end_stream) return Respond(stream);
  // A body may follow. A request its route refuses anyway is answered now; one it would
  // serve waits to learn whether a body comes, since no route takes one.
  const Reply reply = http::RouteRequest(stream.request(), env_, http::RoutesOf(options_));
  if (reply.kind == Reply::Kind::kFixed && reply.status >= 400) return Respond(stream, reply);
  awaiting_body_.insert(stream.id());
  return 0;
}

int ServerSession::OnDataChunk(int32_t stream_id, std::string_view data) {
  if (destroying_) return 0;
  Stream* stream = StreamOf(stream_id);
  if (stream == nullptr || stream->upload() == nullptr) return 0;
  // Past the cap: answered now, while the client may still be sending; the rest of its
  // body is dropped (and a RST_STREAM(NO_ERROR) follows our END_STREAM, see OnFrameSend).
  if (!stream->upload()->Add(data)) return FinishUpload(*stream);
  return 0;
}

int ServerSession::FinishUpload(Stream& stream) {
  http::Upload upload = std::move(*stream.upload());
  stream.clear_upload();
  http::PublishPlan plan = http::PlanPublish(stream.request(), upload, env_);
  if (plan.refusal) return Respond(stream, *plan.refusal);
  env_.Publish(std::move(plan.batch),
               [this, alive = std::weak_ptr<char>(alive_), id = stream.id(), format = upload.format,
                seq = plan.seq](PublishResult result) {
                 if (alive.expired()) return;
                 // The client may have reset the stream while the log worked.
                 if (Stream* waiting = StreamOf(id)) {
                   (void)Respond(*waiting, http::AnswerPublish(std::move(result), format, seq));
                   closed_.clear();
                 }
               });
  return 0;
}

int ServerSession::OnInvalidFrameRecv(const nghttp2_frame& frame) {
  if (destroying_) return 0;
  // nghttp2 reset (or refused) this stream, or is ending the session: frames the client
  // already sent on it must be ignored, not judged.
  if (frame.hd.stream_id != 0) closed_streams_.ResetByServer(frame.hd.stream_id);
  return 0;
}

int ServerSession::Respond(Stream& stream) {
  if (stream.responded()) return 0;
  return Respond(stream, http::RouteRequest(stream.request(), env_, http::RoutesOf(options_)));
}

int ServerSession::Respond(Stream& stream, const Reply& reply) {
  if (stream.responded()) return 0;
  const std::string status = std::to_string(reply.status);
  std::vector<nghttp2_nv> nv;
  nv.reserve(reply.headers.size() + 1);
  nv.push_back(MakeNv(":status", status));
  for (const Header& header : reply.headers) nv.push_back(MakeNv(header.name, header.value));

  if (reply.kind == Reply::Kind::kEventStream && !reply.head_only) {
    return RespondEventStream(stream, reply, nv);
  }
  BodySource* body = nullptr;
  if (!reply.head_only && !reply.body.empty()) {
    stream.SetFixedBody(reply.body);
    body = &stream;
  }
  const int rv = adapter::SubmitResponse(session_, stream.id(), nv, body);
  if (rv != 0) return nghttp2_is_fatal(rv) ? Fail(rv) : 0;
  stream.set_responded(reply.status);
  owner_.OnOutputPending();
  return 0;
}

int ServerSession::RespondEventStream(Stream& stream, const Reply& reply,
                                      std::span<const nghttp2_nv> nv) {
  // Counted as soon as it is an event stream, because Detach uncounts every event stream,
  // including one whose response could not be submitted.
  stream.BeginEventStream(options_, reply.lifetime_ms);
  ++open_event_streams_;
  const int rv = adapter::SubmitResponse(session_, stream.id(), nv, &stream);
  if (rv != 0) return nghttp2_is_fatal(rv) ? Fail(rv) : 0;
  stream.set_responded(reply.status);
  stream.StartEvents(reply.subscription, options_, shutting_down_);
  owner_.OnOutputPending();
  return 0;
}

int ServerSession::OnFrameSend(const nghttp2_frame& frame) {
  if (destroying_) return 0;
  const bool ends_response = (frame.hd.type == NGHTTP2_DATA || frame.hd.type == NGHTTP2_HEADERS) &&
                             (frame.hd.flags & NGHTTP2_FLAG_END_STREAM);
  if (!ends_response) return 0;
  // The response is complete but the request is still sending (a body we ignore):
  // RST_STREAM(NO_ERROR) tells the client to stop (RFC 9113 §8.1).
  if (nghttp2_session_get_stream_remote_close(session_, frame.hd.stream_id) == 0) {
    const int rv = nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, frame.hd.stream_id,
                                             NGHTTP2_NO_ERROR);
    if (rv != 0 && nghttp2_is_fatal(rv)) return Fail(rv);
  }
  return 0;
}

int ServerSession::OnStreamClose(int32_t stream_id) {
  if (destroying_) return 0;
  // Closed by us while the client could still send on it: what it sent is ignored.
  const bool client_done = nghttp2_session_get_stream_remote_close(session_, stream_id) == 1 ||
                           peer_reset_stream_ == stream_id;
  if (!client_done) closed_streams_.ResetByServer(stream_id);
  awaiting_body_.erase(stream_id);
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return 0;
  for (size_t i = woken_; i < waking_.size(); ++i) {
    if (waking_[i].first == it->second.get()) waking_[i].first = nullptr;
  }
  Detach(*it->second);
  closed_.push_back(std::move(it->second));
  streams_.erase(it);
  if (peer_goaway_ && streams_.empty()) FinishAfterPeerGoaway();
  return 0;
}

int ServerSession::OnSendData(const nghttp2_frame& frame, const uint8_t* frame_header,
                              size_t length, nghttp2_data_source* source) {
  // Only ProduceOutput's mem_send gets here. Never WOULDBLOCK: nghttp2 would hand the
  // same frame header, in the shared frame buffer, to a later call.
  if (out_ == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
  constexpr size_t kFrameHeaderBytes = 9;
  out_->append(reinterpret_cast<const char*>(frame_header), kFrameHeaderBytes);
  // No padding callback is set, so padlen is 0; honour it anyway as the API asks.
  const size_t padlen = frame.data.padlen;
  if (padlen > 0) out_->push_back(static_cast<char>(padlen - 1));
  adapter::BodySourceOf(source)->WritePayload(length, out_);
  if (padlen > 1) out_->append(padlen - 1, '\0');
  return out_->size() >= out_limit_ ? NGHTTP2_ERR_PAUSE : 0;
}

std::unique_ptr<HttpSession> NewServerSession(SessionEnvironment& env,
                                              const SessionOptions& options, OutputListener& owner,
                                              std::string_view protocol) {
  return std::make_unique<ServerSession>(env, options, owner, protocol);
}

}  // namespace ssegw::h2
