// Hub: the publish/subscribe engine of one event loop — the replay history, the topic
// router and the id generator behind one small interface, with no I/O.
//
// Publish() validates a whole request before anything happens (a request is accepted or
// rejected as a whole), then, event by event: an id already in history is counted as a
// duplicate and not sent again; an empty id gets a generated one; a new event is encoded
// once into a SharedBytes, appended to history and handed to every subscriber of any of
// its topics, once. When Publish returns, the events are in history and queued.
//
// A resumed subscriber first catches up from history at its own pace: CatchUp() offers
// it retained events while it can take them (a stream takes them as its queue drains, so
// a long replay never trips the slow-consumer rule), and registers it for live events in
// the same call that reaches the newest event, so it sees no gap and no duplicate.
//
// Not thread-safe: one Hub per event loop, used only on that loop's thread. Subscribers
// must Unsubscribe before they are destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/counters.h"
#include "core/history.h"
#include "core/id_generator.h"
#include "core/topic_router.h"
#include "core/topics.h"
#include "ssegw/internal/ingest.pb.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw {

struct HubOptions {
  size_t history_events = 10000;
  size_t history_bytes = 64 * 1024 * 1024;
};

class Hub {
 public:
  // `boot_epoch` makes generated ids unique across restarts (main passes the boot time).
  Hub(const HubOptions& options, uint64_t boot_epoch, GatewayCounters& counters);

  // Returns the reply to send: seq echoed; STATUS_OK with one id per event and the
  // duplicate count, or STATUS_INVALID_ARGUMENT with an error naming the event and the
  // reason (nothing published). `*deliveries`, when given, is set to the number of
  // deliveries the request queued (its fan-out work).
  v1::PublishReply Publish(const internal::IngestRequest& request, size_t* deliveries = nullptr);

  enum class Resume {
    kLive,        // no last event id: registered for live events
    kGap,         // the id is not held: one gap event delivered, registered for live events
    kCatchingUp,  // the id is held: call CatchUp until it returns kCaughtUp
  };
  // `topics` must be a normalized, validated set. On kCatchingUp, `*cursor` is set to
  // the seq of the last event the subscriber has seen.
  Resume Subscribe(Subscriber* subscriber, const TopicSet& topics,
                   const std::optional<std::string>& last_event_id, uint64_t* cursor);

  enum class CatchUpResult {
    kCaughtUp,  // every retained event was offered; now registered for live events
    kPaused,    // `offer` refused one: call again when the subscriber can take more
    kLost,      // events it had not seen were evicted meanwhile: end the subscription
  };
  // Offers the retained events after `*cursor` that match `topics` to
  // `offer(const SharedBytes&) -> bool`, in order, until it refuses one.
  template <typename Offer>
  CatchUpResult CatchUp(Subscriber* subscriber, const TopicSet& topics, uint64_t* cursor,
                        Offer&& offer) {
    const History::Walk walk = history_.VisitAfter(cursor, topics, [&](const HistoryEntry& entry) {
      if (!offer(entry.message)) return false;
      ++counters_.replayed_events_total;
      return true;
    });
    switch (walk) {
      case History::Walk::kReachedNewest:
        router_.Subscribe(subscriber, topics);
        return CatchUpResult::kCaughtUp;
      case History::Walk::kStopped:
        return CatchUpResult::kPaused;
      case History::Walk::kEvicted:
        break;
    }
    return CatchUpResult::kLost;
  }

  void Unsubscribe(Subscriber* subscriber);

  const History& history() const { return history_; }
  size_t subscriber_count() const { return router_.subscriber_count(); }

 private:
  Status Validate(const internal::IngestRequest& request, int* bad_event) const;

  History history_;
  TopicRouter router_;
  IdGenerator ids_;
  GatewayCounters& counters_;
};

}  // namespace ssegw
