// TopicRouter: which SSE streams receive a published event.
//
// The router does not own its subscribers. A Subscriber (an SSE stream in the h2 layer)
// must be unsubscribed before it is destroyed; its destructor asserts so. The router
// keeps its bookkeeping inside each Subscriber (intrusive), so Subscribe and Unsubscribe
// cost O(number of the subscriber's topics) and Publish costs O(matching subscribers)
// with no allocation: a topic lookup by string_view and one virtual call per delivery.
// If the router is destroyed first, it detaches every subscriber still registered.
//
// Not thread-safe: one router per event loop, used from that loop's thread only.
// Subscriber::Deliver is called from inside Publish and must only queue the message and
// may Unsubscribe (a stream ended by the slow-consumer rule leaves at once): such a
// subscriber gets nothing more and is removed when Publish returns. Subscribing from
// inside Deliver is not allowed (debug builds assert this).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/shared_bytes.h"

namespace ssegw {

class Subscriber;
class TopicRouter;
class Fanout;

namespace topic_router_internal {

// One subscriber's place in one topic's subscriber vector, and where in that
// subscriber's membership list the way back is kept, so a swap-remove can fix the
// element it moves in O(1).
struct Slot {
  Subscriber* subscriber;
  size_t membership;
};

struct TopicEntry {
  std::string_view key;  // views the map node's own key, which never moves
  std::vector<Slot> slots;
};

struct Membership {
  TopicEntry* entry;
  size_t slot;
};

}  // namespace topic_router_internal

// A receiver of events: an SSE stream in the HTTP layer. The router and the fanout keep
// their bookkeeping inside it (intrusive), so subscribing costs no allocation beyond the
// topic list and an event reaches a subscriber with one virtual call.
class Subscriber {
 public:
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // A live event (or the gap notice), once per matching event. `message` may be shared
  // by thousands of subscribers: keep a copy of the SharedBytes (a reference), never of
  // the bytes. Called while the router iterates: only queue, never (un)subscribe here.
  virtual void Deliver(const SharedBytes& message) = 0;
  // A retained event while catching up. true: queued. false: no room now; nothing more
  // is offered until the subscriber calls Fanout::Resume.
  virtual bool Offer(const SharedBytes& message) = 0;
  // Events it had not been sent left the log before it caught up, so it cannot go on
  // without a gap. The fanout has already let go of it; it should end its stream (the
  // client reconnects with its last id and is told of the gap).
  virtual void OnReplayLost() = 0;

  // Registered for live events.
  bool subscribed() const { return router_ != nullptr; }
  // Known to a fanout in any phase (locating its resume point, catching up, or live).
  bool attached() const { return fanout_ != nullptr; }

 protected:
  Subscriber() = default;
  // Asserts the subscriber was unsubscribed (or never subscribed).
  ~Subscriber();

 private:
  friend class TopicRouter;
  friend class Fanout;

  enum class Phase : uint8_t { kNone, kLocating, kCatchingUp, kLive };

  // Router bookkeeping.
  TopicRouter* router_ = nullptr;
  // Publish number of the last delivery; a subscriber reached through several of an
  // event's topics is skipped the second time.
  uint64_t delivered_epoch_ = 0;
  bool leaving_ = false;  // unsubscribed during a Publish: removed once it returns
  std::vector<topic_router_internal::Membership> memberships_;

  // Fanout bookkeeping.
  Fanout* fanout_ = nullptr;
  Phase phase_ = Phase::kNone;
  bool waiting_for_room_ = false;  // catching up, refused an offer, not resumed yet
  size_t ready_index_ = 0;         // position in the fanout's ready list, when in it
  bool ready_ = false;
  uint64_t cursor_ = 0;   // catching up: seq of the last event offered or skipped
  uint64_t request_ = 0;  // locating: the fanout's lookup number
  std::vector<std::string> topics_;
};

class TopicRouter {
 public:
  TopicRouter() = default;
  TopicRouter(const TopicRouter&) = delete;
  TopicRouter& operator=(const TopicRouter&) = delete;
  ~TopicRouter();

  // `topics`: sorted, unique, non-empty. `s` must not already be subscribed (to this or
  // any other router).
  void Subscribe(Subscriber* s, std::span<const std::string> topics);
  // No-op if `s` is not subscribed. From inside Deliver, `s` gets nothing more and is
  // removed when Publish returns.
  void Unsubscribe(Subscriber* s);

  // Delivers `message` once to every subscriber of any of `topics` (sorted, unique),
  // even when it subscribed to several of them. `seq` is the event's history sequence
  // and must strictly increase between calls (debug builds assert it); once-only
  // delivery uses the router's own publish counter, so it holds even for seq 0.
  // Returns the number of deliveries.
  size_t Publish(uint64_t seq, std::span<const std::string> topics, const SharedBytes& message);
  // Delivers `message` once to every subscriber, whatever its topics (a notice that
  // concerns them all). O(subscriptions). Returns the number of deliveries.
  size_t Broadcast(const SharedBytes& message);

  size_t subscriber_count() const { return subscriber_count_; }
  // Topics with at least one subscriber: a topic's entry is removed with its last one.
  size_t topic_count() const { return entries_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using EntryMap = std::unordered_map<std::string, topic_router_internal::TopicEntry, StringHash,
                                      std::equal_to<>>;

  struct PublishingScope;

  // Removes `s` now; not while publishing.
  void Remove(Subscriber* s);
  // Delivers to the entry's subscribers not yet served in this `epoch`.
  static size_t DeliverOnce(const topic_router_internal::TopicEntry& entry, uint64_t epoch,
                            const SharedBytes& message);

  EntryMap entries_;
  std::vector<Subscriber*> leaving_;  // unsubscribed during the current Publish
  size_t subscriber_count_ = 0;
  uint64_t epoch_ = 0;
  uint64_t last_seq_ = 0;
  bool any_published_ = false;
  bool publishing_ = false;
};

}  // namespace ssegw
