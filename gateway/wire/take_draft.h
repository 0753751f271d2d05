// TakeDraft: one protobuf event of the gateway's own messages (IngestEvent,
// LogRecordEvent: the same fields, bytes for strings) as an EventDraft, its strings moved
// out. Header-only so both message types share it. Pure; any thread.
#pragma once

#include <string>
#include <utility>

#include "core/event.h"

namespace ssegw::wire {

template <typename ProtoEvent>
EventDraft TakeDraft(ProtoEvent* event) {
  EventDraft draft;
  draft.topics.reserve(static_cast<size_t>(event->topics_size()));
  for (std::string& topic : *event->mutable_topics()) draft.topics.push_back(std::move(topic));
  draft.id = std::move(*event->mutable_id());
  draft.type = std::move(*event->mutable_type());
  draft.data = std::move(*event->mutable_data());
  draft.retry_ms = event->retry_ms();
  return draft;
}

}  // namespace ssegw::wire
