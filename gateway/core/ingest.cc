#include "core/ingest.h"

#include "core/sse_encoder.h"

namespace ssegw {
namespace {

EventFields FieldsOf(const EventDraft& draft, std::string_view id) {
  return EventFields{id, draft.type, draft.data, draft.retry_ms};
}

Status ValidateDraft(const EventDraft& draft) {
  if (draft.topics.empty()) return Error::kNoTopic;
  if (draft.topics.size() > kMaxTopicsPerEvent) return Error::kTooManyTopicsInEvent;
  for (const std::string& topic : draft.topics) {
    if (Status s = ValidateTopic(topic); !s.ok()) return s;
  }
  return ValidateEventFields(FieldsOf(draft, draft.id));
}

}  // namespace

std::optional<IngestError> ValidateBatch(std::vector<EventDraft>* batch) {
  if (batch->empty()) return IngestError{-1, Error::kNoEvents};
  for (size_t i = 0; i < batch->size(); ++i) {
    EventDraft& draft = (*batch)[i];
    // Normalized first: the cap counts distinct topics, as a subscription's does.
    Normalize(&draft.topics);
    if (Status s = ValidateDraft(draft); !s.ok()) {
      return IngestError{static_cast<int>(i), s.error()};
    }
  }
  return std::nullopt;
}

std::string Describe(const IngestError& error) {
  std::string text;
  if (error.event >= 0) text = "event " + std::to_string(error.event) + ": ";
  text += Describe(error.reason);
  return text;
}

SharedBytes EncodeDraft(const EventDraft& draft, std::string_view id) {
  return EncodeEvent(FieldsOf(draft, id));
}

}  // namespace ssegw
