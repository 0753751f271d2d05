#include "wire/publish_wire.h"

#include <utility>

#include "wire/take_draft.h"

namespace ssegw::wire {

std::vector<EventDraft> DraftsFrom(internal::IngestRequest* request) {
  std::vector<EventDraft> drafts;
  drafts.reserve(static_cast<size_t>(request->events_size()));
  for (internal::IngestEvent& event : *request->mutable_events()) {
    drafts.push_back(TakeDraft(&event));
  }
  return drafts;
}

void DraftsFrom(internal::IngestRequest* request, std::vector<EventDraft>* drafts) {
  drafts->resize(static_cast<size_t>(request->events_size()));
  for (int i = 0; i < request->events_size(); ++i) {
    RefillDraft(request->mutable_events(i), &(*drafts)[static_cast<size_t>(i)]);
  }
}

v1::Status StatusFor(PublishStatus status) {
  switch (status) {
    case PublishStatus::kOk:
      return v1::STATUS_OK;
    case PublishStatus::kInvalidArgument:
      return v1::STATUS_INVALID_ARGUMENT;
    case PublishStatus::kTooLarge:
      return v1::STATUS_TOO_LARGE;
    case PublishStatus::kOverloaded:
      return v1::STATUS_OVERLOADED;
    case PublishStatus::kUnavailable:
      return v1::STATUS_UNAVAILABLE;
  }
  return v1::STATUS_UNAVAILABLE;
}

v1::PublishReply ReplyFor(uint64_t seq, PublishResult result) {
  v1::PublishReply reply;
  FillReply(seq, &result, &reply);
  return reply;
}

void FillReply(uint64_t seq, PublishResult* result, v1::PublishReply* reply) {
  reply->Clear();
  reply->set_seq(seq);
  reply->set_status(StatusFor(result->status));
  if (result->status == PublishStatus::kOk) {
    for (std::string& id : result->ids) reply->add_ids(std::move(id));
    reply->set_duplicates(result->duplicates);
  } else {
    reply->set_error(std::move(result->error));
  }
}

}  // namespace ssegw::wire
