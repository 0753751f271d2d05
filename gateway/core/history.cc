#include "core/history.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>
#include <string>

namespace ssegw {
namespace {

// Enough slots for the default 10,000-event history from the start, without a huge
// up-front table when the configured count is very large (the table grows instead).
constexpr size_t kMaxInitialSlots = size_t{1} << 16;
constexpr size_t kMinSlots = 16;

uint64_t HashId(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}

// Smallest power of two holding `events` at a load of at most 3/4.
size_t SlotsFor(size_t events) {
  return std::max(kMinSlots, std::bit_ceil(events + events / 3 + 1));
}

}  // namespace

History::History(size_t max_events, size_t max_bytes)
    : max_events_(max_events),
      max_bytes_(max_bytes),
      slots_(SlotsFor(std::min(max_events, kMaxInitialSlots))) {}

size_t History::EventBytes(const LogEvent& event) {
  size_t bytes = event.message.size() + event.id.size();
  for (const std::string& topic : event.topics) bytes += topic.size();
  return bytes;
}

const LogEvent* History::Find(std::string_view id) const {
  const uint64_t hash = HashId(id);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.ordinal == 0) return nullptr;
    // The full hash screens out almost every other id before touching its event.
    if (slot.hash == hash) {
      const LogEvent& event = ByOrdinal(slot.ordinal);
      if (event.id == id) return &event;
    }
  }
}

void History::IndexInsert(uint64_t ordinal, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].ordinal != 0) i = (i + 1) & mask;
  slots_[i] = Slot{ordinal, hash};
}

void History::IndexErase(const LogEvent& event, uint64_t ordinal) {
  const size_t mask = slots_.size() - 1;
  size_t hole = HashId(event.id) & mask;
  while (slots_[hole].ordinal != ordinal) {
    assert(slots_[hole].ordinal != 0);
    hole = (hole + 1) & mask;
  }
  // Backward-shift deletion: pull later slots of the probe run into the hole when their
  // home lies at or before it, so lookups never need tombstones.
  for (size_t next = (hole + 1) & mask; slots_[next].ordinal != 0; next = (next + 1) & mask) {
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
    if (slot.ordinal != 0) IndexInsert(slot.ordinal, slot.hash);
  }
}

void History::Append(LogEventPtr event) {
  assert(!Contains(event->id));
  assert(std::is_sorted(event->topics.begin(), event->topics.end()));
  assert(std::adjacent_find(event->topics.begin(), event->topics.end()) == event->topics.end());

  const uint64_t hash = HashId(event->id);
  bytes_ += EventBytes(*event);
  window_.PushBack(std::move(event));
  const uint64_t ordinal = ++appended_total_;
  while (window_.size() > 1 && (window_.size() > max_events_ || bytes_ > max_bytes_)) {
    EvictOldest();
  }
  // Indexed after eviction so that the table only grows when the held count does.
  if ((window_.size() + window_.size() / 3 + 1) > slots_.size()) Grow();
  IndexInsert(ordinal, hash);
}

void History::EvictOldest() {
  const LogEvent& oldest = window_.front();
  IndexErase(oldest, evicted_total_ + 1);
  bytes_ -= EventBytes(oldest);
  window_.PopFront();
  ++evicted_total_;
}

}  // namespace ssegw
