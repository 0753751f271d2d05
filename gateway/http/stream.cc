#include "http/stream.h"

#include <algorithm>
#include <utility>

#include "core/sse_encoder.h"
#include "http/stream_lifetime.h"

namespace ssegw::http {

Stream::Stream(StreamOwner& owner, int32_t id, size_t buffer_limit_bytes)
    : owner_(owner), id_(id), queue_(buffer_limit_bytes) {}

void Stream::SetFixedBody(std::string_view body) {
  // An empty queue takes any size, so a large metrics page is never refused.
  (void)queue_.Push(SharedBytes(body));
  ending_ = true;
}

void Stream::BeginEventStream(const SessionOptions& options, uint64_t lifetime_ms) {
  event_stream_ = true;
  const uint64_t now = owner_.now_ms();
  last_queued_ms_ = now;
  end_at_ms_ = StreamEndOfLife(now, options.max_stream_age_ms, static_cast<uint64_t>(id_));
  if (lifetime_ms != 0) {
    const uint64_t token_end = now + lifetime_ms;
    end_at_ms_ = end_at_ms_ == 0 ? token_end : std::min(end_at_ms_, token_end);
  }
  ++owner_.counters().streams;
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
  last_queued_ms_ = owner_.now_ms();
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
  last_queued_ms_ = owner_.now_ms();
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
  last_queued_ms_ = owner_.now_ms();
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
  if (keepalive_ms != 0 && queue_.empty() && now_ms - last_queued_ms_ >= keepalive_ms) {
    Enqueue(keepalive);
  }
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
  // Stamped at a tick rather than when the rule acted, because the session's clock only
  // moves at ticks: the grace is then never cut short by up to a tick.
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
    deferred_ = true;
    return {};
  }
  // The fanout refills it later in the turn, outside this callback.
  if (refused_offer_ && !ending_ && queue_.pending_bytes() <= queue_.limit() / 2) {
    refused_offer_ = false;
    owner_.fanout().Resume(this);
  }
  const size_t pending = queue_.pending_bytes();
  if (pending == 0 && !ending_) {
    deferred_ = true;
    return {};
  }
  Chunk chunk;
  chunk.kind = Chunk::Kind::kData;
  chunk.length = std::min(pending, max_length);
  chunk.end_stream = ending_ && chunk.length == pending;
  return chunk;
}

void Stream::WritePayload(size_t length, std::string* out) {
  queue_.Drain(length, [out](std::string_view piece) { out->append(piece); });
}

}  // namespace ssegw::http
