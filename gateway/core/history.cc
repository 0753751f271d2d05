#include "core/history.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>

namespace ssegw {
namespace {

// Enough slots for the default 10,000-event history from the start, without a huge
// up-front table when the configured count is very large (the table grows instead).
constexpr size_t kMaxInitialSlots = size_t{1} << 16;
constexpr size_t kMinSlots = 16;

uint64_t HashId(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}

// Smallest power of two holding `entries` at a load of at most 3/4.
size_t SlotsFor(size_t entries) {
  return std::max(kMinSlots, std::bit_ceil(entries + entries / 3 + 1));
}

}  // namespace

History::History(size_t max_events, size_t max_bytes)
    : max_events_(max_events),
      max_bytes_(max_bytes),
      slots_(SlotsFor(std::min(max_events, kMaxInitialSlots))) {}

bool History::Contains(std::string_view id) const {
  return Find(id) != nullptr;
}

size_t History::EntryBytes(const HistoryEntry& entry) {
  size_t bytes = entry.message.size() + entry.id.size();
  for (const std::string& topic : entry.topics) bytes += topic.size();
  return bytes;
}

const HistoryEntry* History::Find(std::string_view id) const {
  const uint64_t hash = HashId(id);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.seq == 0) return nullptr;
    // The full hash screens out almost every other id before touching its entry.
    if (slot.hash == hash) {
      const HistoryEntry& entry = At(slot.seq);
      if (entry.id == id) return &entry;
    }
  }
}

void History::IndexInsert(uint64_t seq, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].seq != 0) i = (i + 1) & mask;
  slots_[i] = Slot{seq, hash};
}

void History::IndexErase(const HistoryEntry& entry) {
  const size_t mask = slots_.size() - 1;
  size_t hole = HashId(entry.id) & mask;
  while (slots_[hole].seq != entry.seq) {
    assert(slots_[hole].seq != 0);
    hole = (hole + 1) & mask;
  }
  // Backward-shift deletion: pull later slots of the probe run into the hole when their
  // home lies at or before it, so lookups never need tombstones.
  for (size_t next = (hole + 1) & mask; slots_[next].seq != 0; next = (next + 1) & mask) {
    const size_t home = slots_[next].hash & mask;
    // Distances along the ring, so wrap-around needs no special case.
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = Slot{};
}

void History::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& slot : old) {
    if (slot.seq != 0) IndexInsert(slot.seq, slot.hash);
  }
}

const HistoryEntry& History::Append(std::string id, std::vector<std::string> topics,
                                    SharedBytes message) {
  assert(!Contains(id));
  assert(std::is_sorted(topics.begin(), topics.end()));
  assert(std::adjacent_find(topics.begin(), topics.end()) == topics.end());

  const uint64_t hash = HashId(id);
  const HistoryEntry& entry = entries_.emplace_back(
      HistoryEntry{next_seq_++, std::move(id), std::move(topics), std::move(message)});
  bytes_ += EntryBytes(entry);
  while (entries_.size() > 1 && (entries_.size() > max_events_ || bytes_ > max_bytes_)) {
    EvictOldest();
  }
  // Indexed after eviction so that the table only grows when the held count does.
  if ((entries_.size() + entries_.size() / 3 + 1) > slots_.size()) Grow();
  IndexInsert(entry.seq, hash);
  return entry;
}

void History::EvictOldest() {
  const HistoryEntry& oldest = entries_.front();
  IndexErase(oldest);
  bytes_ -= EntryBytes(oldest);
  entries_.pop_front();
  ++evicted_total_;
}

}  // namespace ssegw
