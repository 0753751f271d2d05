#include "core/topic_router.h"

#include <algorithm>
#include <cassert>

namespace ssegw {

using topic_router_internal::Membership;
using topic_router_internal::Slot;
using topic_router_internal::TopicEntry;

Subscriber::~Subscriber() {
  // A subscriber destroyed while registered would leave dangling pointers behind.
  assert(router_ == nullptr);
  assert(fanout_ == nullptr);
}

TopicRouter::~TopicRouter() {
  // Streams may outlive the router during shutdown; leave them consistently unsubscribed.
  for (auto& [topic, entry] : entries_) {
    for (const Slot& slot : entry.slots) {
      slot.subscriber->memberships_.clear();
      slot.subscriber->router_ = nullptr;
    }
  }
}

void TopicRouter::Subscribe(Subscriber* s, std::span<const std::string> topics) {
  assert(!publishing_);
  assert(s->router_ == nullptr);
  assert(!topics.empty());
  assert(std::adjacent_find(topics.begin(), topics.end(), std::greater_equal<>()) == topics.end());
  s->router_ = this;
  s->memberships_.reserve(topics.size());
  for (const std::string& topic : topics) {
    auto [it, inserted] = entries_.try_emplace(topic);
    TopicEntry& entry = it->second;
    if (inserted) entry.key = it->first;
    entry.slots.push_back(Slot{s, s->memberships_.size()});
    s->memberships_.push_back(Membership{&entry, entry.slots.size() - 1});
  }
  ++subscriber_count_;
}

void TopicRouter::Unsubscribe(Subscriber* s) {
  if (s->router_ == nullptr) return;
  assert(s->router_ == this);
  if (publishing_) {
    // Removing it now would reorder the slot vector being walked.
    if (!s->leaving_) {
      s->leaving_ = true;
      leaving_.push_back(s);
    }
    return;
  }
  Remove(s);
}

void TopicRouter::Remove(Subscriber* s) {
  s->leaving_ = false;
  for (const Membership& m : s->memberships_) {
    std::vector<Slot>& slots = m.entry->slots;
    // Swap-remove: the last slot takes this one's place, and its subscriber learns the
    // new index. When this slot is the last one, that is a harmless self-update.
    const Slot moved = slots.back();
    slots[m.slot] = moved;
    moved.subscriber->memberships_[moved.membership].slot = m.slot;
    slots.pop_back();
    if (slots.empty()) entries_.erase(entries_.find(m.entry->key));
  }
  s->memberships_.clear();
  s->router_ = nullptr;
  --subscriber_count_;
}

// Marks the router as publishing for the scope, so that Unsubscribe from inside Deliver
// only marks the subscriber; it is removed when the scope ends — on every exit,
// including a throwing Deliver, so later calls are not refused.
struct TopicRouter::PublishingScope {
  TopicRouter& router;
  explicit PublishingScope(TopicRouter& r) : router(r) { router.publishing_ = true; }
  ~PublishingScope() {
    router.publishing_ = false;
    for (Subscriber* s : router.leaving_) router.Remove(s);
    router.leaving_.clear();
  }
};

size_t TopicRouter::Publish(uint64_t seq, std::span<const std::string> topics,
                            const SharedBytes& message) {
  assert(!any_published_ || seq > last_seq_);
  any_published_ = true;
  last_seq_ = seq;
  // Once-only delivery is keyed on the router's own counter rather than `seq`, so a
  // fresh subscriber (epoch 0) can never be mistaken for one already served.
  const uint64_t epoch = ++epoch_;
  PublishingScope scope(*this);
  size_t deliveries = 0;
  for (const std::string& topic : topics) {
    auto it = entries_.find(std::string_view(topic));
    if (it == entries_.end()) continue;
    deliveries += DeliverOnce(it->second, epoch, message);
  }
  return deliveries;
}

size_t TopicRouter::Broadcast(const SharedBytes& message) {
  const uint64_t epoch = ++epoch_;
  PublishingScope scope(*this);
  size_t deliveries = 0;
  for (auto& [topic, entry] : entries_) deliveries += DeliverOnce(entry, epoch, message);
  return deliveries;
}

size_t TopicRouter::DeliverOnce(const TopicEntry& entry, uint64_t epoch,
                                const SharedBytes& message) {
  size_t deliveries = 0;
  for (const Slot& slot : entry.slots) {
    Subscriber* s = slot.subscriber;
    if (s->delivered_epoch_ == epoch || s->leaving_) continue;
    s->delivered_epoch_ = epoch;
    s->Deliver(message);
    ++deliveries;
  }
  return deliveries;
}

}  // namespace ssegw
