// Fanout: one worker's side of delivery — its tail of the log, its topic router, and
// the subscribers that are catching up from a Last-Event-ID.
//
// The log owner hands every committed batch to every worker in log order; Publish()
// appends it to the tail (dropping what the log no longer holds) and delivers each
// event once to every live subscriber of its topics. A resuming subscriber is caught up
// by sequence number: its Last-Event-ID is located in the log (asynchronously, through
// the host), it gets a cursor (the seq it has seen), and Pump() feeds it the tail's
// events after the cursor at the pace it can take them — outside any protocol
// callback — until the cursor reaches the newest event, when it joins the router. Since
// replay and live delivery run on this one thread and meet at a seq, no event is missed
// or sent twice. An id the log does not hold gets the gap notice, then everything
// published since the subscription began.
//
// A cursor older than the tail (a resume from further back than the tail reaches, or a
// reader the tail moved past) is fed from the log itself: slices read through the host
// (ReadAfter), until the cursor is back inside the tail; a log that keeps nothing beyond
// it answers `lost` and the subscriber is let go (OnReplayLost). When the log loses
// events (OnGap, or a slice read across a hole), every subscriber that may have missed
// some is told with a gap notice: live ones at once, catching-up ones when their replay
// reaches the hole.
//
// Not thread-safe: one fanout per worker, used on its thread only. Subscribers must be
// unsubscribed before they are destroyed; destroying the fanout detaches those left.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/counters.h"
#include "core/event.h"
#include "core/event_log.h"
#include "core/event_window.h"
#include "core/topic_router.h"
#include "core/topics.h"

namespace ssegw {

class FanoutHost {
 public:
  // Asks the log for the seq of `id`. The answer must come back as OnLocated(request,
  // ...) on the fanout's thread, after every event the log committed before answering
  // has been given to Publish.
  virtual void Locate(uint64_t request, const std::string& id) = 0;
  // Asks the log for the events after `seq` (EventLog::ReadAfter). The answer must come
  // back as OnRead(request, ...) on the fanout's thread, after every event the log
  // committed before answering has been given to Publish.
  virtual void ReadAfter(uint64_t request, uint64_t seq) = 0;
  // Catching-up subscribers are ready: call Pump soon (before the turn's output flush).
  virtual void OnPumpNeeded() = 0;

 protected:
  ~FanoutHost() = default;
};

class Fanout {
 public:
  // `counters`: replayed_events_total is counted here.
  Fanout(FanoutHost& host, GatewayCounters& counters);
  ~Fanout();
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  // Newly committed events, in log order; the log no longer holds seqs below
  // `oldest_retained_seq`. Returns the number of live deliveries made.
  size_t Publish(std::span<const LogEventPtr> events, uint64_t oldest_retained_seq);
  // The log lost events at `position` (CommitSink::OnGap): a gap notice to every live
  // subscriber now, and to every catching-up one when its replay reaches `position`.
  // Returns the number of live deliveries made.
  size_t OnGap(uint64_t position);

  // `topics`: a normalized, validated set. Without a last event id the subscriber is
  // live at once; with one it first locates it and catches up.
  void Subscribe(Subscriber* subscriber, TopicSet topics,
                 const std::optional<std::string>& last_event_id);
  // Leaves whatever phase it is in. No-op for a subscriber not attached. Not from
  // inside Deliver.
  void Unsubscribe(Subscriber* subscriber);

  // The host's answers to Locate and ReadAfter.
  void OnLocated(uint64_t request, std::optional<uint64_t> seq);
  void OnRead(uint64_t request, LogRead read);
  // A catching-up subscriber that refused an offer has room again.
  void Resume(Subscriber* subscriber);
  // Feeds ready catching-up subscribers, looking at no more than about `budget` tail
  // events in all. Returns the events looked at; has_ready() tells whether work is left.
  size_t Pump(size_t budget);
  bool has_ready() const { return !ready_.empty(); }

  const EventWindow& tail() const { return tail_; }
  size_t live_count() const { return router_.subscriber_count(); }
  // Subscribers in any phase.
  size_t attached_count() const { return attached_; }

 private:
  struct Lookup {
    Subscriber* subscriber;
    std::string id;      // the Last-Event-ID asked for, for the gap notice
    uint64_t start_seq;  // the tail's newest seq when the subscription began
  };
  // Events read from the log for a subscriber whose cursor is older than the tail.
  struct LogSlice {
    std::vector<LogEventPtr> events;
    size_t next = 0;
  };
  // Where the log lost events, and the notice subscribers crossing it get.
  struct Hole {
    uint64_t position;
    SharedBytes notice;
  };

  void StartCatchUp(Subscriber* s, uint64_t cursor);
  // One subscriber's share of Pump: from the tail, or from a slice of the log.
  size_t FeedFromTail(Subscriber* s, size_t budget);
  size_t FeedFromLog(Subscriber* s, size_t budget);
  // Offers `event` when it matches and moves the cursor past it; false: no room (the
  // subscriber now waits for Resume, its cursor still before the event).
  bool Replay(Subscriber* s, const LogEvent& event);
  void RequestRead(Subscriber* s);
  // The first hole after `after` and before `before`, or nullptr.
  const Hole* HoleBetween(uint64_t after, uint64_t before) const;
  // The subscriber refused an offer: it waits for Resume.
  void WaitForRoom(Subscriber* s);
  void GoLive(Subscriber* s);
  void AddReady(Subscriber* s);
  void RemoveReady(Subscriber* s);
  void Detach(Subscriber* s);

  FanoutHost& host_;
  GatewayCounters& counters_;
  EventWindow tail_;
  TopicRouter router_;
  std::unordered_map<uint64_t, Lookup> lookups_;  // Locate and ReadAfter requests
  std::unordered_map<Subscriber*, LogSlice> slices_;
  std::deque<Hole> holes_;  // by position; none at or before the tail's dropped_through
  std::vector<Subscriber*> ready_;
  uint64_t next_request_ = 1;
  size_t attached_ = 0;
};

}  // namespace ssegw
