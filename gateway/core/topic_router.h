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
// Subscriber::Deliver is called from inside Publish and must only queue the message:
// it must not Subscribe or Unsubscribe anyone (debug builds assert this).
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

class Subscriber {
 public:
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Called once per matching event. `message` may be shared by thousands of
  // subscribers: keep a copy of the SharedBytes (a reference), never of the bytes.
  virtual void Deliver(const SharedBytes& message) = 0;

  bool subscribed() const { return router_ != nullptr; }

 protected:
  Subscriber() = default;
  // Asserts the subscriber was unsubscribed (or never subscribed).
  ~Subscriber();

 private:
  friend class TopicRouter;

  TopicRouter* router_ = nullptr;
  // Publish number of the last delivery; a subscriber reached through several of an
  // event's topics is skipped the second time.
  uint64_t delivered_epoch_ = 0;
  std::vector<topic_router_internal::Membership> memberships_;
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
  // No-op if `s` is not subscribed.
  void Unsubscribe(Subscriber* s);

  // Delivers `message` once to every subscriber of any of `topics` (sorted, unique),
  // even when it subscribed to several of them. `seq` is the event's history sequence
  // and must strictly increase between calls (debug builds assert it); once-only
  // delivery uses the router's own publish counter, so it holds even for seq 0.
  // Returns the number of deliveries.
  size_t Publish(uint64_t seq, std::span<const std::string> topics, const SharedBytes& message);

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

  EntryMap entries_;
  size_t subscriber_count_ = 0;
  uint64_t epoch_ = 0;
  uint64_t last_seq_ = 0;
  bool any_published_ = false;
  bool publishing_ = false;
};

}  // namespace ssegw
