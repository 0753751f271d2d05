// History: the log owner's window of recent events, for Last-Event-ID lookups and for
// recognising a publisher's retried (duplicate) ids.
//
// Events arrive with their seq already assigned (strictly increasing, see EventWindow).
// The window is capped by event count and by bytes; the oldest events go first. An
// event's bytes are message.size() + id.size() + the sum of its topic sizes: the
// payload a client would get plus the keys held for lookup and filtering, not allocator
// overhead. The event just appended is never evicted, so one event larger than the byte
// cap is still held, alone.
//
// The id index is a flat hash table next to the window (16 bytes a slot, under 3/4
// full), so an append or lookup costs a hash and usually one cache line, with no
// allocation in steady state beyond the event itself.
//
// Ownership: the history holds references to shared immutable events; a LogEvent
// pointer or reference obtained from it stays valid until that event is evicted, and
// only Append evicts. Not thread-safe: one thread (the log owner) owns a History.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/event_window.h"

namespace ssegw {

class History {
 public:
  History(size_t max_events, size_t max_bytes);

  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // O(1). False for an id that was evicted, so an evicted id may be published again.
  bool Contains(std::string_view id) const { return Find(id) != nullptr; }
  // The held event with this id, or nullptr.
  const LogEvent* Find(std::string_view id) const;

  // Precondition: !Contains(event->id); event->seq greater than any appended before;
  // topics sorted and unique. Appends, then evicts the oldest events while over either
  // cap, never the one just appended.
  void Append(LogEventPtr event);

  const EventWindow& window() const { return window_; }
  size_t size() const { return window_.size(); }
  size_t bytes() const { return bytes_; }
  uint64_t evicted_total() const { return evicted_total_; }
  // The oldest seq still held; the next seq to come when empty.
  uint64_t oldest_seq() const {
    return window_.empty() ? window_.newest_seq() + 1 : window_.front().seq;
  }

 private:
  // One slot of the id index: open addressing with linear probing. Slots name events
  // by ordinal (1 + the number appended before it) rather than holding the id or a view
  // of it, so a slot never outlives the string it describes, and an eviction finds its
  // slot without comparing ids.
  struct Slot {
    uint64_t ordinal = 0;  // 0: empty
    uint64_t hash = 0;
  };

  static size_t EventBytes(const LogEvent& event);
  const LogEvent& ByOrdinal(uint64_t ordinal) const {
    return window_.at(static_cast<size_t>(ordinal - 1 - evicted_total_));
  }
  void IndexInsert(uint64_t ordinal, uint64_t hash);
  void IndexErase(const LogEvent& event, uint64_t ordinal);
  void Grow();
  void EvictOldest();

  size_t max_events_;
  size_t max_bytes_;
  EventWindow window_;
  std::vector<Slot> slots_;  // size a power of two, at most 3/4 full
  uint64_t appended_total_ = 0;
  size_t bytes_ = 0;
  uint64_t evicted_total_ = 0;
};

}  // namespace ssegw
