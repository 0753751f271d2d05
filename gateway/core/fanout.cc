#include "core/fanout.h"

#include <cassert>
#include <utility>

#include "core/sse_encoder.h"

namespace ssegw {

Fanout::Fanout(FanoutHost& host, GatewayCounters& counters) : host_(host), counters_(counters) {}

Fanout::~Fanout() {
  // Owners unsubscribe everyone first (a worker closes its connections before its
  // fanout goes); the router's destructor only tidies up after a failed start.
  assert(attached_ == router_.subscriber_count());
}

size_t Fanout::Publish(std::span<const LogEventPtr> events, uint64_t oldest_retained_seq) {
  size_t deliveries = 0;
  for (const LogEventPtr& event : events) {
    tail_.PushBack(event);
    deliveries += router_.Publish(event->seq, event->topics, event->message);
  }
  while (!tail_.empty() && tail_.front().seq < oldest_retained_seq) tail_.PopFront();
  return deliveries;
}

void Fanout::Subscribe(Subscriber* s, TopicSet topics,
                       const std::optional<std::string>& last_event_id) {
  assert(s->fanout_ == nullptr);
  s->fanout_ = this;
  ++attached_;
  s->topics_ = std::move(topics);
  if (!last_event_id) {
    GoLive(s);
    return;
  }
  const uint64_t request = next_request_++;
  s->phase_ = Subscriber::Phase::kLocating;
  s->request_ = request;
  lookups_.emplace(request, Lookup{s, *last_event_id, tail_.newest_seq()});
  host_.Locate(request, *last_event_id);
}

void Fanout::OnLocated(uint64_t request, std::optional<uint64_t> seq) {
  auto it = lookups_.find(request);
  if (it == lookups_.end()) return;  // unsubscribed meanwhile
  Lookup lookup = std::move(it->second);
  lookups_.erase(it);
  Subscriber* s = lookup.subscriber;
  if (seq) {
    StartCatchUp(s, *seq);
    return;
  }
  // Not held: say so, naming the event live delivery starts after, so the browser's
  // next reconnect resumes from there rather than from the stale id again.
  std::string_view resume_id;
  if (lookup.start_seq > 0) {
    const size_t i = tail_.FirstAfter(lookup.start_seq - 1);
    if (i < tail_.size() && tail_.at(i).seq == lookup.start_seq) resume_id = tail_.at(i).id;
  }
  s->Deliver(EncodeGap(lookup.id, resume_id));
  StartCatchUp(s, lookup.start_seq);
}

void Fanout::StartCatchUp(Subscriber* s, uint64_t cursor) {
  s->phase_ = Subscriber::Phase::kCatchingUp;
  s->cursor_ = cursor;
  s->waiting_for_room_ = false;
  AddReady(s);
}

void Fanout::GoLive(Subscriber* s) {
  s->phase_ = Subscriber::Phase::kLive;
  router_.Subscribe(s, s->topics_);
}

void Fanout::Resume(Subscriber* s) {
  if (s->fanout_ != this || s->phase_ != Subscriber::Phase::kCatchingUp) return;
  if (!s->waiting_for_room_) return;
  s->waiting_for_room_ = false;
  AddReady(s);
}

void Fanout::AddReady(Subscriber* s) {
  if (s->ready_) return;
  s->ready_ = true;
  s->ready_index_ = ready_.size();
  ready_.push_back(s);
  if (ready_.size() == 1) host_.OnPumpNeeded();
}

void Fanout::RemoveReady(Subscriber* s) {
  if (!s->ready_) return;
  Subscriber* last = ready_.back();
  ready_[s->ready_index_] = last;
  last->ready_index_ = s->ready_index_;
  ready_.pop_back();
  s->ready_ = false;
}

size_t Fanout::Pump(size_t budget) {
  size_t looked = 0;
  // From the back, so that removing the current subscriber (swap with the last) never
  // skips one, and new arrivals wait for the next call.
  for (size_t k = ready_.size(); k > 0 && looked < budget;) {
    --k;
    if (k >= ready_.size()) continue;  // the list shrank below us
    Subscriber* s = ready_[k];
    if (tail_.LostAfter(s->cursor_)) {
      Detach(s);
      s->OnReplayLost();
      continue;
    }
    size_t i = tail_.FirstAfter(s->cursor_);
    bool refused = false;
    for (; i < tail_.size() && looked < budget; ++i, ++looked) {
      const LogEvent& event = tail_.at(i);
      if (Intersects(event.topics, s->topics_)) {
        if (!s->Offer(event.message)) {
          refused = true;
          break;
        }
        ++counters_.replayed_events_total;
      }
      s->cursor_ = event.seq;
    }
    if (refused) {
      RemoveReady(s);
      s->waiting_for_room_ = true;
    } else if (i == tail_.size()) {
      RemoveReady(s);
      GoLive(s);
    }
  }
  return looked;
}

void Fanout::Unsubscribe(Subscriber* s) {
  if (s->fanout_ != this) return;
  Detach(s);
}

void Fanout::Detach(Subscriber* s) {
  switch (s->phase_) {
    case Subscriber::Phase::kLocating:
      lookups_.erase(s->request_);
      break;
    case Subscriber::Phase::kCatchingUp:
      RemoveReady(s);
      break;
    case Subscriber::Phase::kLive:
      router_.Unsubscribe(s);
      break;
    case Subscriber::Phase::kNone:
      break;
  }
  s->phase_ = Subscriber::Phase::kNone;
  s->waiting_for_room_ = false;
  s->fanout_ = nullptr;
  --attached_;
}

}  // namespace ssegw
