// Stream: one request and its response, for either codec — the request head while it
// arrives, then the response body as a BodySource that the codec pulls frames (HTTP/2
// DATA) or chunks (HTTP/1.1) from.
//
// A fixed response (404, /metrics, ...) queues its whole body and ends. An event stream
// is a fanout Subscriber: Deliver() queues a reference to the shared encoded event and
// tells the owner there is output (the owner restarts its data source, see TakeSource). Its queue
// is capped (OutboundQueue): the first refused event triggers the slow-consumer rule — nothing more
// is accepted and the stream ends cleanly once what is queued has been sent, so the
// client reconnects with Last-Event-ID and catches up from history. The stream leaves
// the router at once and the owner is told (OnSlowConsumer); a client that has not taken
// the queue within the grace loses the stream (Abandon).
//
// A resumed stream catches up before it goes live: the worker's fanout offers it
// retained events (outside the codec's callbacks) until its queue is full, and offers
// more once the queue has drained to half (so a replay larger than the queue is paced
// by the client, not refused); the fanout registers it for live events once it has
// reached the newest one. If the log drops events it has not sent yet, it ends like a
// slow consumer.
//
// Owned by the session (StreamOwner), which must Unsubscribe it from the fanout before
// destroying it and must never destroy it inside one of its own calls. Single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/counters.h"
#include "core/fanout.h"
#include "core/outbound_queue.h"
#include "core/shared_bytes.h"
#include "core/topic_router.h"
#include "http/body_source.h"
#include "http/publish_route.h"
#include "http/routes.h"

namespace ssegw::http {

class Stream;

// What a stream needs from its session.
class StreamOwner {
 public:
  // `stream` has new bytes queued or has just been told to end: its data source may need
  // restarting (TakeSource) and the connection has output pending.
  virtual void OnStreamData(Stream& stream) = 0;
  virtual GatewayCounters& counters() = 0;
  virtual Fanout& fanout() = 0;
  // The session's current time (the latest Start/AdvanceClock/OnTimer value).
  virtual uint64_t now_ms() const = 0;
  // The stream has a deadline at `at_ms` (token expiry, age limit, keep-alive, grace)
  // that the session's timer may not know of yet.
  virtual void WakeBy(uint64_t at_ms) = 0;
  // The environment (real time and the access log); "h2", "h2c", "http/1.1" or
  // "http/1.0" for the access log.
  virtual SessionEnvironment& environment() = 0;
  virtual std::string_view protocol() const = 0;
  // The slow-consumer rule ended `stream` (it has left the fanout already); possibly
  // called from inside a fanout delivery, so only take note.
  virtual void OnSlowConsumer(Stream& stream) = 0;

 protected:
  ~StreamOwner() = default;
};

class Stream final : public Subscriber, public BodySource {
 public:
  Stream(StreamOwner& owner, int32_t id, size_t buffer_limit_bytes);

  int32_t id() const { return id_; }
  RequestHead& request() { return request_; }
  // POST /publish: the body being read, between StartPublish and PlanPublish.
  Upload* upload() { return upload_.get(); }
  void set_upload(Upload upload) { upload_ = std::make_unique<Upload>(std::move(upload)); }
  void clear_upload() { upload_.reset(); }
  bool responded() const { return responded_; }
  void set_responded(int status) {
    responded_ = true;
    status_ = status;
  }

  // A fixed response: queues `body` (may exceed the buffer limit) and ends.
  void SetFixedBody(std::string_view body);
  // Makes this an event stream started now: counted in the streams gauge until Close(),
  // ended by the age limit (with jitter) when `options` sets one, and after
  // `lifetime_ms` (its token's, exactly) when not 0.
  void BeginEventStream(const SessionOptions& options, uint64_t lifetime_ms = 0);
  bool is_event_stream() const { return event_stream_; }
  // Once its headers are submitted, the first bytes, in order: the retry preamble, then
  // replay (or the gap notice), then live events. Started during shutdown, it ends at once.
  void StartEvents(const Subscription& subscription, const SessionOptions& options,
                   bool shutting_down);
  // The codec is done with it: it leaves the fanout and the gauge, and its access-log
  // line is written. Call once.
  void Close();

  // Queues bytes the stream sends on its own (retry preamble, keep-alive): not an event,
  // not counted. Refused once the stream is ending.
  void Enqueue(SharedBytes bytes);
  // Subscribes to `topics` from `last_event_id` (replay, gap or live from now on).
  void Subscribe(TopicSet topics, const std::optional<std::string>& last_event_id);
  // Subscriber: a live event or the gap notice; a replayed event; replay cut short.
  void Deliver(const SharedBytes& message) override;
  bool Offer(const SharedBytes& message) override;
  void OnReplayLost() override;
  // Accepts nothing more; the body ends once the queue is sent.
  void End();
  bool ending() const { return ending_; }

  // Keep-alive and age limit for an event stream; `keepalive` is queued when the stream
  // has sent nothing for `keepalive_ms` (0: off) and has nothing queued.
  void OnTimer(uint64_t now_ms, uint64_t keepalive_ms, const SharedBytes& keepalive);
  // When OnTimer or OverstaysSlowConsumerGrace has work next; 0: none.
  uint64_t NextDeadlineMs(uint64_t keepalive_ms, uint64_t grace_ms) const;

  // Called by the session's timer: true once the slow-consumer rule ended this stream at
  // least `grace_ms` ago (counted from the first timer after it acted) and the stream is
  // still here, i.e. its client has not taken what was queued. The owner then resets the
  // stream (or closes the connection) and calls Abandon().
  bool OverstaysSlowConsumerGrace(uint64_t now_ms, uint64_t grace_ms);
  // Frees the queue at once; nothing more is sent, not even the end of the body.
  void Abandon();

  // Where the codec's data source stands, as the HTTP/2 codec must know it to restart
  // the source when there is new output: scheduled (nghttp2 will ask NextChunk), deferred
  // (the last NextChunk had nothing: resume it) or drained (the last frame took the whole
  // queue and ended the source, not the stream: submit a new one).
  enum class Source { kScheduled, kDeferred, kDrained };
  // The state, which from now on counts as scheduled: the codec restarts the source only
  // when this is not kScheduled, so one restart serves every event of a turn.
  Source TakeSource() { return std::exchange(source_, Source::kScheduled); }

  // BodySource. NextChunk asks the fanout for more replay once the queue has drained.
  Chunk NextChunk(size_t max_length) override;
  void WritePayload(size_t length, std::string* out) override;

 private:
  // Counts the slow-consumer rule's action and tells the owner; the caller ends the body.
  void TripSlowConsumer();

  StreamOwner& owner_;
  const int32_t id_;
  RequestHead request_;
  std::unique_ptr<Upload> upload_;
  OutboundQueue queue_;
  bool responded_ = false;
  int status_ = 0;
  uint64_t start_us_;        // when the stream began, for the access log
  uint64_t bytes_sent_ = 0;  // body bytes handed to the codec
  uint64_t events_sent_ = 0;
  bool event_stream_ = false;
  bool ending_ = false;
  bool refused_offer_ = false;          // replay waits for the queue to drain (Fanout::Resume)
  Source source_ = Source::kScheduled;  // see TakeSource
  // Stamped when bytes are written rather than queued: the session's clock is fresh
  // then, and a keep-alive is due when the peer has seen nothing for a while.
  uint64_t last_sent_ms_ = 0;
  uint64_t end_at_ms_ = 0;
  bool slow_ = false;                      // ended by the slow-consumer rule
  std::optional<uint64_t> slow_since_ms_;  // the first timer after that
  bool abandoned_ = false;
};

}  // namespace ssegw::http
