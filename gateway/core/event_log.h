// EventLog: the one ordered log of a gateway process (or of a cluster of gateways), and
// CommitSink, where the events it commits go.
//
// The seam between publishing and delivery. Edges (the publish socket, POST /publish)
// validate a request with Ingest and Append it; the log decides each event's id and
// position (seq), recognises duplicate ids, keeps the retained window, and hands every
// committed event, in log order, to its CommitSink, which fans it out to the workers.
// Append is asynchronous: `done` runs once the events are committed (or refused) — at
// once for the in-memory log, after the replicated log's acknowledgement for a cluster.
// Replay and live delivery meet at a seq, never at "whatever one synchronous call saw".
//
// A log may keep more than its in-memory window (a replicated log keeps its stream):
// ReadAfter reads from there, for a reader whose position is older than the window. A
// log may also lose events before committing them (its stream dropped them): it then
// tells the sink where (OnGap), so readers can say so instead of passing over it.
//
// Threading: a log is used on one thread, the log owner's. Every callback (done, and the
// sink's OnCommitted and OnGap) runs on that thread. For each Append, OnCommitted for its
// new events runs before its `done`. Callbacks may be called from inside Append, Locate
// or ReadAfter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"

namespace ssegw {

class CommitSink {
 public:
  // `events`: newly committed, in log order, lent for the call: the sink may move the
  // pointers out, and the log reuses the storage for its next batch. `oldest_retained_seq`:
  // events before this seq are no longer held by the log, so readers may drop them from
  // their tails.
  virtual void OnCommitted(std::span<LogEventPtr> events, uint64_t oldest_retained_seq) = 0;
  // Events that belonged next in the log are gone: the log never committed them.
  // `position` is a seq no event has, above every seq committed so far and below every
  // seq to come, so readers can tell which side of it they are on.
  virtual void OnGap(uint64_t position) = 0;

 protected:
  ~CommitSink() = default;
};

// What EventLog::ReadAfter found.
struct LogRead {
  // Committed events after the asked seq, in log order: a bounded slice that need not
  // reach the newest event.
  std::vector<LogEventPtr> events;
  // Events between the asked seq and events.front() are gone: the reader missed some.
  bool gap = false;
  // The log cannot read on from the asked seq at all (events is empty).
  bool lost = false;
};

class EventLog {
 public:
  // `done` may take the result's fields; the log may reuse what it leaves, so an edge that
  // swaps the id list with storage of its own costs the log no allocation for it.
  using AppendDone = std::function<void(PublishResult&&)>;
  // The seq of the event with the asked id, or nullopt when the log cannot resume from it.
  using LocateDone = std::function<void(std::optional<uint64_t>)>;
  using ReadDone = std::function<void(LogRead)>;

  virtual ~EventLog() = default;

  // Appends a batch that passed ValidateBatch, as a whole and in order. An event whose
  // id the log already holds is a duplicate: counted, its id reported, not committed
  // again. `done` runs exactly once. The log may move the drafts' fields out but does
  // not keep `batch` past the call, so an edge can reuse the drafts' storage.
  virtual void Append(std::span<EventDraft> batch, AppendDone done) = 0;

  // Finds the position of a Last-Event-ID. The answer is given after every event
  // committed before the call has been handed to the sink, so a reader that processes
  // the sink's events and this answer in the order they were produced finds the seq in
  // its tail (or finds it evicted).
  virtual void Locate(const std::string& id, LocateDone done) = 0;

  // Events committed after `seq`, for a reader whose position has left the in-memory
  // window. Like Locate, answered after every event it returns has been handed to the
  // sink. The in-memory log keeps nothing beyond its window: `lost`.
  virtual void ReadAfter(uint64_t seq, ReadDone done) = 0;

  // What the log holds in memory, for /metrics.
  virtual size_t held_events() const = 0;
  virtual size_t held_bytes() const = 0;
};

}  // namespace ssegw
