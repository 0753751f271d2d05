// The event log's domain types: what a publisher asks for, what the log commits, and
// what a publisher is told. No protobuf and no I/O here: the publish socket and the
// HTTP publish route map their wire formats onto these types at the edge.
//
// A LogEvent is immutable once committed and is shared, by reference, between the log
// owner's history and the tail of every worker: its encoded SSE bytes are made once and
// never copied again (LogEventPtr is safe to copy and destroy on any thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/shared_bytes.h"
#include "core/topics.h"

namespace ssegw {

// One event as a publisher sent it. Ingest (core/ingest.h) validates and normalizes a
// batch of them before the log sees it.
struct EventDraft {
  TopicSet topics;        // after Normalize: valid, sorted, unique, 1..kMaxTopicsPerEvent
  std::string id;         // empty: the log assigns one
  std::string type;       // empty: no "event:" line
  std::string data;       // UTF-8, may hold line breaks
  uint32_t retry_ms = 0;  // 0: no "retry:" line
};

// One event in the log.
struct LogEvent {
  uint64_t seq = 0;     // position in the log: strictly increasing, >= 1, not always contiguous
  std::string id;       // what subscribers see in "id:" and send back as Last-Event-ID
  TopicSet topics;      // sorted, unique
  SharedBytes message;  // the encoded text/event-stream message, "id:" line included
};
using LogEventPtr = std::shared_ptr<const LogEvent>;

// The outcome of a publish request, whichever edge it came through.
enum class PublishStatus {
  kOk,               // every event is in the log (or was already: a duplicate)
  kInvalidArgument,  // a field breaks a rule; nothing was published
  kTooLarge,         // the request is larger than --max-frame
  kOverloaded,       // the gateway cannot take more work now; retry with the same ids
  kUnavailable,      // the log cannot be reached; nothing was published
};

struct PublishResult {
  PublishStatus status = PublishStatus::kOk;
  std::vector<std::string> ids;  // kOk: one per event, as subscribers see it
  uint32_t duplicates = 0;       // kOk: events whose id the log already held
  std::string error;             // otherwise: a human-readable reason
};

}  // namespace ssegw
