#include "http/stream.h"

#include <algorithm>
#include <utility>

#include "core/sse_encoder.h"
#include "http/stream_lifetime.h"

namespace ssegw::http {

Stream::Stream(StreamOwner& owner, int32_t id, size_t buffer_limit_bytes)
    : owner_(owner), id_(id), queue_(buffer_limit_bytes), start_us_(owner.environment().NowUs()) {}

void Stream::SetFixedBody(std::string_view body) {
  // An empty queue takes any size, so a large metrics page is never refused.
  (void)queue_.Push(SharedBytes(body));
  ending_ = true;
}

void Stream::BeginEventStream(const SessionOptions& options, uint64_t lifetime_ms) {
  event_stream_ = true;
  const uint64_t now = owner_.now_ms();
  last_sent_ms_ = now;
  end_at_ms_ = StreamEndOfLife(now, options.max_stream_age_ms, static_cast<uint64_t>(id_));
  if (lifetime_ms != 0) {
    const uint64_t token_end = now + lifetime_ms;
    end_at_ms_ = end_at_ms_ == 0 ? token_end : std::min(end_at_ms_, token_end);
  }
  ++owner_.counters().streams;
  const uint64_t next = NextDeadlineMs(options.keepalive_ms, options.slow_consumer_grace_ms);
  if (next != 0) owner_.WakeBy(next);
}

void Stream::StartEvents(const Subscription& subscription, const SessionOptions& options,
                         bool shutting_down) {
  if (options.retry_ms > 0) Enqueue(EncodeRetryPreamble(options.retry_ms));
  if (shutting_down) {
    End();
    return;
  }
  Subscribe(subscription.topics, subscription.last_event_id);
}

void Stream::Close() {
  if (attached()) owner_.fanout().Unsubscribe(this);
  if (event_stream_) --owner_.counters().streams;
  // A stream reset before its request was complete was no request.
  if (request_.method.empty()) return;
  SessionEnvironment& env = owner_.environment();
  env.OnRequestFinished(AccessRecord{
      .method = request_.method,
      .path = request_.path,
      .status = status_,
      .protocol = owner_.protocol(),
      .duration_ms = static_cast<double>(env.NowUs() - start_us_) / 1000.0,
      .bytes = bytes_sent_,
      .events = events_sent_,
  });
}

void Stream::Enqueue(SharedBytes bytes) {
  if (ending_) return;
  // Preamble and keep-alives are only queued to an empty or nearly empty queue; one that
  // does not fit is the slow-consumer case all the same.
  if (!queue_.Push(std::move(bytes))) {
    TripSlowConsumer();
    End();
    return;
  }
  owner_.OnStreamData(*this);
}

void Stream::Subscribe(TopicSet topics, const std::optional<std::string>& last_event_id) {
  owner_.fanout().Subscribe(this, std::move(topics), last_event_id);
}

bool Stream::Offer(const SharedBytes& message) {
  // An ending stream takes nothing more and is never resumed: the fanout leaves it be
  // until the session unsubscribes it.
  if (ending_ || !queue_.Push(message)) {
    refused_offer_ = !ending_;
    return false;
  }
  ++owner_.counters().events_delivered_total;
  ++events_sent_;
  owner_.OnStreamData(*this);
  return true;
}

void Stream::OnReplayLost() {
  // The log moved past events this client has not been sent: it reconnects with its
  // last id and gets a gap event, the same as a slow consumer.
  TripSlowConsumer();
  End();
}

void Stream::Deliver(const SharedBytes& message) {
  // Called while the router iterates: only queue, never unsubscribe here.
  if (ending_) return;
  if (!queue_.Push(message)) {
    TripSlowConsumer();
    End();
    return;
  }
  ++owner_.counters().events_delivered_total;
  ++events_sent_;
  owner_.OnStreamData(*this);
}

void Stream::End() {
  if (ending_) return;
  ending_ = true;
  owner_.OnStreamData(*this);
}

void Stream::OnTimer(uint64_t now_ms, uint64_t keepalive_ms, const SharedBytes& keepalive) {
  if (!event_stream_ || ending_) return;
  if (end_at_ms_ != 0 && now_ms >= end_at_ms_) {
    End();
    return;
  }
  if (keepalive_ms != 0 && queue_.empty() && now_ms - last_sent_ms_ >= keepalive_ms) {
    Enqueue(keepalive);
  }
}

uint64_t Stream::NextDeadlineMs(uint64_t keepalive_ms, uint64_t grace_ms) const {
  if (slow_ && !abandoned_) {
    // Not stamped yet: the next timer stamps it (see OverstaysSlowConsumerGrace).
    return slow_since_ms_ ? *slow_since_ms_ + grace_ms : owner_.now_ms();
  }
  if (!event_stream_ || ending_) return 0;
  uint64_t next = end_at_ms_;
  if (keepalive_ms != 0) {
    const uint64_t keepalive_at = last_sent_ms_ + keepalive_ms;
    next = next == 0 ? keepalive_at : std::min(next, keepalive_at);
  }
  return next;
}

void Stream::TripSlowConsumer() {
  ++owner_.counters().slow_consumer_closes_total;
  slow_ = true;
  // Leaves the router at once (inside a delivery, once that delivery is over), so no
  // event is even looked at for it again.
  owner_.fanout().Unsubscribe(this);
  owner_.OnSlowConsumer(*this);
}

bool Stream::OverstaysSlowConsumerGrace(uint64_t now_ms, uint64_t grace_ms) {
  if (!slow_ || abandoned_) return false;
  // Stamped by a timer rather than when the rule acted, because the rule acts inside
  // deliveries, where the session's clock may be behind: the grace is then never cut
  // short.
  if (!slow_since_ms_) slow_since_ms_ = now_ms;
  return now_ms - *slow_since_ms_ >= grace_ms;
}

void Stream::Abandon() {
  abandoned_ = true;
  ending_ = true;
  refused_offer_ = false;
  queue_ = OutboundQueue(queue_.limit());
}

BodySource::Chunk Stream::NextChunk(size_t max_length) {
  if (abandoned_) {
    source_ = Source::kDeferred;
    return {};
  }
  const size_t pending = queue_.pending_bytes();
  if (pending == 0 && !ending_) {
    source_ = Source::kDeferred;
    return {};
  }
  Chunk chunk;
  chunk.kind = Chunk::Kind::kData;
  chunk.length = std::min(pending, max_length);
  chunk.end_stream = ending_ && chunk.length == pending;
  chunk.drains = !ending_ && chunk.length == pending;
  if (chunk.drains) source_ = Source::kDrained;
  // Replay waiting for room is offered more once this frame leaves the queue at half or
  // less; the fanout refills it later in the turn, outside this callback.
  if (refused_offer_ && !ending_ && pending - chunk.length <= queue_.limit() / 2) {
    refused_offer_ = false;
    owner_.fanout().Resume(this);
  }
  return chunk;
}

void Stream::WritePayload(size_t length, std::string* out) {
  bytes_sent_ += length;
  last_sent_ms_ = owner_.now_ms();
  queue_.Drain(length, [out](std::string_view piece) { out->append(piece); });
}

}  // namespace ssegw::http
