// Hub: the publish/subscribe engine of one event loop — the replay history, the topic
// router and the id generator behind one small interface, with no I/O.
//
// Publish() validates a whole request before anything happens (a request is accepted or
// rejected as a whole), then, event by event: an id already in history is counted as a
// duplicate and not sent again; an empty id gets a generated one; a new event is encoded
// once into a SharedBytes, appended to history and handed to every subscriber of any of
// its topics, once. When Publish returns, the events are in history and queued.
//
// Subscribe() replays from history (or delivers one `event: gap`) and registers the
// subscriber in the same call, so a resumed stream sees no gap and no duplicate.
//
// Not thread-safe: one Hub per event loop, used only on that loop's thread. Subscribers
// must Unsubscribe before they are destroyed.
#pragma once

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
  // reason (nothing published).
  v1::PublishReply Publish(const internal::IngestRequest& request);

  enum class Resume { kLive, kReplayed, kGap };
  // `topics` must be a normalized, validated set. With a last event id, the retained
  // events after it that match `topics` are delivered first (kReplayed), or, when the id
  // is not held, one gap event naming it (kGap); then live events follow.
  Resume Subscribe(Subscriber* subscriber, const TopicSet& topics,
                   const std::optional<std::string>& last_event_id);
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
