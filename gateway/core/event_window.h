// EventWindow: a run of consecutive log events, oldest first — the shape both the log
// owner's history and each worker's tail keep.
//
// Seqs strictly increase along the window. They are usually contiguous, but need not
// be: a replicated log may skip positions (deleted or lost entries), so positions are
// found by binary search on seq rather than by offset. The window remembers the highest
// seq it has dropped from its front, which is how a reader holding a cursor learns that
// events it has not seen are gone.
//
// Holds references (LogEventPtr) to shared immutable events; copying them out is
// cheap and keeps the event alive after the window drops it. Not thread-safe: one
// thread owns a window.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

#include "core/event.h"

namespace ssegw {

class EventWindow {
 public:
  // Precondition: event->seq > every seq pushed before.
  void PushBack(LogEventPtr event) {
    assert(event != nullptr);
    assert(events_.empty() || event->seq > events_.back()->seq);
    assert(event->seq > dropped_through_);
    events_.push_back(std::move(event));
  }
  // Precondition: !empty().
  void PopFront() {
    dropped_through_ = events_.front()->seq;
    events_.pop_front();
  }
  // Drops every event before `seq` and records that nothing before it is held, even
  // seqs the window never saw (a window that begins in the middle of a log).
  void DropBefore(uint64_t seq) {
    while (!events_.empty() && events_.front()->seq < seq) PopFront();
    if (seq > 0) dropped_through_ = std::max(dropped_through_, seq - 1);
  }

  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }
  const LogEvent& at(size_t index) const { return *events_[index]; }
  const LogEventPtr& ptr(size_t index) const { return events_[index]; }
  const LogEvent& front() const { return *events_.front(); }
  const LogEvent& back() const { return *events_.back(); }
  // The newest seq held, or else the newest ever dropped; 0 for a window never used.
  uint64_t newest_seq() const { return events_.empty() ? dropped_through_ : events_.back()->seq; }
  // The highest seq dropped from the front; 0 when nothing was.
  uint64_t dropped_through() const { return dropped_through_; }

  // The index of the first event whose seq is greater than `seq` (size() if none).
  size_t FirstAfter(uint64_t seq) const {
    // Contiguous seqs (the usual case) find it by offset, without the search.
    if (events_.empty() || seq < events_.front()->seq) return 0;
    const uint64_t offset = seq - events_.front()->seq + 1;
    if (offset < events_.size() && events_[offset]->seq == seq + 1 &&
        events_[offset - 1]->seq == seq) {
      return static_cast<size_t>(offset);
    }
    auto it = std::upper_bound(events_.begin(), events_.end(), seq,
                               [](uint64_t s, const LogEventPtr& e) { return s < e->seq; });
    return static_cast<size_t>(it - events_.begin());
  }

  // Whether events after `cursor` (a seq the reader has seen) have been dropped before
  // the reader got them.
  bool LostAfter(uint64_t cursor) const { return cursor < dropped_through_; }

 private:
  std::deque<LogEventPtr> events_;
  uint64_t dropped_through_ = 0;
};

}  // namespace ssegw
