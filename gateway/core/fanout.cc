#include "core/fanout.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
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
  tail_.DropBefore(oldest_retained_seq);
  // A cursor at or before dropped_through is fed from the log, which reports its own holes.
  while (!holes_.empty() && holes_.front().position <= tail_.dropped_through()) {
    holes_.pop_front();
  }
  return deliveries;
}

size_t Fanout::OnGap(uint64_t position) {
  assert(position > tail_.newest_seq());
  // The notice names the last event before the hole: what a client may have seen last.
  const std::string_view before = tail_.empty() ? std::string_view() : tail_.back().id;
  Hole hole{position, EncodeGap(before, "")};
  const size_t deliveries = router_.Broadcast(hole.notice);
  holes_.push_back(std::move(hole));
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
  // A tail that began in the middle of the log (after a gateway's start) has nothing
  // before its dropped_through to offer, and nothing is owed from there.
  StartCatchUp(s, std::max(lookup.start_seq, tail_.dropped_through()));
}

void Fanout::OnRead(uint64_t request, LogRead read) {
  auto it = lookups_.find(request);
  if (it == lookups_.end()) return;  // unsubscribed meanwhile
  Subscriber* s = it->second.subscriber;
  lookups_.erase(it);
  if (read.lost) {
    Detach(s);
    s->OnReplayLost();
    return;
  }
  if (read.gap) s->Deliver(EncodeGap("", ""));
  if (read.events.empty()) {
    // Nothing after the cursor but a hole: go on from the tail.
    s->cursor_ = std::max(s->cursor_, tail_.dropped_through());
  } else {
    slices_[s] = LogSlice{std::move(read.events)};
  }
  StartCatchUp(s, s->cursor_);
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
    looked += tail_.LostAfter(s->cursor_) ? FeedFromLog(s, budget - looked)
                                          : FeedFromTail(s, budget - looked);
  }
  return looked;
}

size_t Fanout::FeedFromTail(Subscriber* s, size_t budget) {
  size_t looked = 0;
  size_t i = tail_.FirstAfter(s->cursor_);
  while (true) {
    if (!holes_.empty()) {
      const uint64_t next = i < tail_.size() ? tail_.at(i).seq : UINT64_MAX;
      if (const Hole* hole = HoleBetween(s->cursor_, next)) {
        if (!s->Offer(hole->notice)) {
          WaitForRoom(s);
          return looked;
        }
        s->cursor_ = hole->position;
        continue;
      }
    }
    if (i == tail_.size()) {
      RemoveReady(s);
      GoLive(s);
      return looked;
    }
    if (looked >= budget) return looked;
    if (!Replay(s, tail_.at(i))) return looked;
    ++i;
    ++looked;
  }
}

size_t Fanout::FeedFromLog(Subscriber* s, size_t budget) {
  auto it = slices_.find(s);
  if (it == slices_.end()) {
    RequestRead(s);
    return 0;
  }
  LogSlice& slice = it->second;
  size_t looked = 0;
  for (; slice.next < slice.events.size() && looked < budget; ++slice.next, ++looked) {
    const LogEvent& event = *slice.events[slice.next];
    if (event.seq > s->cursor_ && !Replay(s, event)) return looked;
  }
  if (slice.next < slice.events.size()) return looked;  // out of budget
  // Used up: on from the tail, or from the next slice of the log.
  slices_.erase(it);
  if (tail_.LostAfter(s->cursor_)) {
    RequestRead(s);
    return looked;
  }
  return looked + FeedFromTail(s, budget - looked);
}

bool Fanout::Replay(Subscriber* s, const LogEvent& event) {
  if (Intersects(event.topics, s->topics_)) {
    if (!s->Offer(event.message)) {
      WaitForRoom(s);
      return false;
    }
    ++counters_.replayed_events_total;
  }
  s->cursor_ = event.seq;
  return true;
}

void Fanout::RequestRead(Subscriber* s) {
  RemoveReady(s);
  const uint64_t request = next_request_++;
  s->phase_ = Subscriber::Phase::kLocating;  // waiting for the log, as for a Locate
  s->request_ = request;
  lookups_.emplace(request, Lookup{s, std::string(), s->cursor_});
  host_.ReadAfter(request, s->cursor_);
}

const Fanout::Hole* Fanout::HoleBetween(uint64_t after, uint64_t before) const {
  for (const Hole& hole : holes_) {
    if (hole.position >= before) break;
    if (hole.position > after) return &hole;
  }
  return nullptr;
}

void Fanout::WaitForRoom(Subscriber* s) {
  RemoveReady(s);
  s->waiting_for_room_ = true;
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
  slices_.erase(s);
  s->phase_ = Subscriber::Phase::kNone;
  s->waiting_for_room_ = false;
  s->fanout_ = nullptr;
  --attached_;
}

}  // namespace ssegw
