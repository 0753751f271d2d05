// Ingest: the rules a publish request must pass before the log sees it, and the one
// encoding of an event into the bytes every subscriber receives.
//
// A request is accepted or rejected as a whole, so ValidateBatch checks every event
// before anything is published. It also normalizes each event's topics (sorted,
// unique), which is the form the log, the router and replay filtering use. The limits
// are the subscription's: an event names at most kMaxTopicsPerEvent distinct topics.
//
// Pure functions of their arguments; safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/shared_bytes.h"
#include "core/status.h"

namespace ssegw {

inline constexpr size_t kMaxTopicsPerEvent = kMaxTopicsPerSubscription;

struct IngestError {
  int event = -1;  // index of the offending event; -1 for the request as a whole
  Error reason;
};

// Normalizes every event's topics, then checks: at least one event; per event at least
// one and at most kMaxTopicsPerEvent distinct topics, each valid; id and type without
// CR, LF or NUL and, like data, valid UTF-8. Returns the first violation.
std::optional<IngestError> ValidateBatch(std::vector<EventDraft>* batch);

// "event 3: event data is not valid UTF-8" — the text a rejected publisher is sent.
std::string Describe(const IngestError& error);

// The text/event-stream bytes of `draft` published under `id`. Precondition: the
// draft passed ValidateBatch and `id` holds no CR, LF or NUL.
SharedBytes EncodeDraft(const EventDraft& draft, std::string_view id);

}  // namespace ssegw
