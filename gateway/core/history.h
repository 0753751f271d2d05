// History: the gateway's ordered log of recent events, for Last-Event-ID replay and for
// recognising a publisher's retried (duplicate) ids.
//
// Every appended event gets the next sequence number (1, 2, ...). The log is capped by
// event count and by bytes; the oldest entries go first. An entry's bytes are
// message.size() + id.size() + the sum of its topic sizes: the payload a client would get
// plus the keys held for lookup and filtering, not allocator overhead. The entry just
// appended is never evicted, so one event larger than the byte cap is still held, alone.
// The id index is a flat hash table next to the log (16 bytes a slot, under 3/4 full), so
// an append or lookup costs a hash and usually one cache line, with no allocation in
// steady state beyond the entry itself.
//
// Ownership and lifetime: the history owns its entries. The message is a SharedBytes, so
// holding an entry's message (e.g. in a stream's queue) keeps those bytes alive after
// eviction. A `const HistoryEntry&` or pointer obtained from Append/newest/ForEachAfter
// stays valid until that entry is evicted, and only Append evicts: use it before the
// next Append, and copy what must outlive it (the SharedBytes is cheap to copy). A
// visitor passed to ForEachAfter must not call Append.
//
// Threading: not thread-safe; one thread owns a History.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/shared_bytes.h"
#include "core/topics.h"

namespace ssegw {

struct HistoryEntry {
  uint64_t seq;
  std::string id;
  std::vector<std::string> topics;  // sorted, unique
  SharedBytes message;              // the encoded SSE bytes sent to subscribers
};

class History {
 public:
  History(size_t max_events, size_t max_bytes);

  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // O(1). False for an id that was evicted, so an evicted id may be published again.
  bool Contains(std::string_view id) const;

  // Precondition: !Contains(id); `topics` sorted and unique. Appends with the next seq,
  // then evicts the oldest entries while over either cap, never the one just appended.
  // The returned reference is valid until the entry is evicted (see above).
  const HistoryEntry& Append(std::string id, std::vector<std::string> topics, SharedBytes message);

  enum class Replay { kFound, kGap };

  // kGap when `after_id` is not held (evicted or never seen): nothing is visited.
  // Otherwise calls `visit(const HistoryEntry&)`, in publish order, once for every entry
  // after `after_id` sharing at least one topic with `topics` (sorted, unique), and
  // returns kFound. The id lookup is O(1); the walk is O(entries after the id).
  template <typename Visit>
  Replay ForEachAfter(std::string_view after_id, std::span<const std::string> topics,
                      Visit&& visit) const {
    const HistoryEntry* after = Find(after_id);
    if (after == nullptr) return Replay::kGap;
    uint64_t cursor = after->seq;
    (void)VisitAfter(&cursor, topics, [&](const HistoryEntry& entry) {
      visit(entry);
      return true;
    });
    return Replay::kFound;
  }

  // The seq of a held id; 0 when it is not held.
  uint64_t SeqOf(std::string_view id) const {
    const HistoryEntry* entry = Find(id);
    return entry ? entry->seq : 0;
  }

  enum class Walk { kReachedNewest, kStopped, kEvicted };

  // Resumable replay for a reader that takes events only as fast as it can send them.
  // Visits, in order, the entries after seq `*cursor` that share a topic with `topics`;
  // `visit(const HistoryEntry&)` returns false to refuse one and stop (kStopped; the
  // refused entry is offered again next time). `*cursor` moves past every entry accepted
  // or skipped. kEvicted when entries after `*cursor` were evicted before being walked:
  // the reader can no longer be served without a gap. A visitor must not call Append.
  template <typename Visit>
  Walk VisitAfter(uint64_t* cursor, std::span<const std::string> topics, Visit&& visit) const {
    if (entries_.empty() || *cursor + 1 < entries_.front().seq) return Walk::kEvicted;
    // Entries are contiguous in seq, so the position follows from the seq.
    for (uint64_t seq = *cursor + 1; seq < next_seq_; ++seq) {
      const HistoryEntry& entry = At(seq);
      if (Intersects(entry.topics, topics) && !visit(entry)) return Walk::kStopped;
      *cursor = seq;
    }
    return Walk::kReachedNewest;
  }

  const HistoryEntry* newest() const { return entries_.empty() ? nullptr : &entries_.back(); }
  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }
  uint64_t evicted_total() const { return evicted_total_; }

 private:
  // One slot of the id index: open addressing with linear probing. Slots name entries by
  // seq rather than holding the id or a view of it, so a slot can never outlive the
  // string it describes, and an eviction finds its slot by seq without comparing ids.
  struct Slot {
    uint64_t seq = 0;  // 0: empty (seqs start at 1)
    uint64_t hash = 0;
  };

  static size_t EntryBytes(const HistoryEntry& entry);
  const HistoryEntry& At(uint64_t seq) const {
    return entries_[static_cast<size_t>(seq - entries_.front().seq)];
  }
  const HistoryEntry* Find(std::string_view id) const;
  void IndexInsert(uint64_t seq, uint64_t hash);
  void IndexErase(const HistoryEntry& entry);
  void Grow();
  void EvictOldest();

  size_t max_events_;
  size_t max_bytes_;
  std::deque<HistoryEntry> entries_;  // oldest first; seqs contiguous
  std::vector<Slot> slots_;           // size a power of two, at most 3/4 full
  uint64_t next_seq_ = 1;
  size_t bytes_ = 0;
  uint64_t evicted_total_ = 0;
};

}  // namespace ssegw
