// TakeDraft: one protobuf event of the gateway's own messages (IngestEvent,
// LogRecordEvent: the same fields, bytes for strings) as an EventDraft, its strings moved
// out (RefillDraft: into a draft that is reused). Header-only so both message types share
// it. Pure; any thread.
#pragma once

#include <string>
#include <utility>

#include "core/event.h"

namespace ssegw::wire {

// Refills `draft` from `event`: the topics are moved, the id, type and data swapped, so
// a caller that keeps both passes string buffers back and forth instead of allocating.
template <typename ProtoEvent>
void RefillDraft(ProtoEvent* event, EventDraft* draft) {
  draft->topics.clear();
  draft->topics.reserve(static_cast<size_t>(event->topics_size()));
  for (std::string& topic : *event->mutable_topics()) draft->topics.push_back(std::move(topic));
  draft->id.swap(*event->mutable_id());
  draft->type.swap(*event->mutable_type());
  draft->data.swap(*event->mutable_data());
  draft->retry_ms = event->retry_ms();
}

template <typename ProtoEvent>
EventDraft TakeDraft(ProtoEvent* event) {
  EventDraft draft;
  RefillDraft(event, &draft);
  return draft;
}

}  // namespace ssegw::wire
