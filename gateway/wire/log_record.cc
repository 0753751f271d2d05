#include "wire/log_record.h"

#include <utility>

#include "ssegw/internal/log_record.pb.h"
#include "wire/take_draft.h"

namespace ssegw::wire {

std::string EncodeLogRecord(std::span<const EventDraft> events) {
  internal::LogRecord record;
  record.mutable_events()->Reserve(static_cast<int>(events.size()));
  for (const EventDraft& draft : events) {
    internal::LogRecordEvent* event = record.add_events();
    for (const std::string& topic : draft.topics) event->add_topics(topic);
    event->set_id(draft.id);
    event->set_type(draft.type);
    event->set_data(draft.data);
    event->set_retry_ms(draft.retry_ms);
  }
  return record.SerializeAsString();
}

std::optional<std::vector<EventDraft>> DecodeLogRecord(std::string_view bytes) {
  internal::LogRecord record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return std::nullopt;
  std::vector<EventDraft> drafts;
  drafts.reserve(static_cast<size_t>(record.events_size()));
  for (internal::LogRecordEvent& event : *record.mutable_events()) {
    drafts.push_back(TakeDraft(&event));
  }
  return drafts;
}

}  // namespace ssegw::wire
