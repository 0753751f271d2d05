#include "core/hub.h"

#include <string_view>
#include <utility>

#include "core/sse_encoder.h"

namespace ssegw {
namespace {

std::string_view View(const std::string& bytes) {
  return bytes;
}

EventFields FieldsOf(const internal::IngestEvent& event, std::string_view id) {
  return EventFields{id, View(event.type()), View(event.data()), event.retry_ms()};
}

Status ValidateEvent(const internal::IngestEvent& event) {
  if (event.topics().empty()) return Error::kNoTopic;
  for (const std::string& topic : event.topics()) {
    if (Status s = ValidateTopic(topic); !s.ok()) return s;
  }
  return ValidateEventFields(FieldsOf(event, event.id()));
}

}  // namespace

Hub::Hub(const HubOptions& options, uint64_t boot_epoch, GatewayCounters& counters)
    : history_(options.history_events, options.history_bytes),
      ids_(boot_epoch),
      counters_(counters) {}

Status Hub::Validate(const internal::IngestRequest& request, int* bad_event) const {
  if (request.events().empty()) return Error::kNoEvents;
  for (int i = 0; i < request.events_size(); ++i) {
    if (Status s = ValidateEvent(request.events(i)); !s.ok()) {
      *bad_event = i;
      return s;
    }
  }
  return Status::Ok();
}

v1::PublishReply Hub::Publish(const internal::IngestRequest& request, size_t* deliveries) {
  v1::PublishReply reply;
  reply.set_seq(request.seq());
  if (deliveries != nullptr) *deliveries = 0;
  size_t fanout = 0;

  int bad_event = -1;
  if (Status s = Validate(request, &bad_event); !s.ok()) {
    reply.set_status(v1::STATUS_INVALID_ARGUMENT);
    std::string error = bad_event >= 0 ? "event " + std::to_string(bad_event) + ": " : "";
    error += Describe(s.error());
    reply.set_error(std::move(error));
    return reply;
  }

  uint32_t duplicates = 0;
  for (const internal::IngestEvent& event : request.events()) {
    std::string id = event.id();
    if (id.empty()) {
      // A publisher may have used an id of our own form; never reuse one that is held.
      do id = ids_.Next();
      while (history_.Contains(id));
    } else if (history_.Contains(id)) {
      ++duplicates;
      reply.add_ids(std::move(id));
      continue;
    }

    TopicSet topics(event.topics().begin(), event.topics().end());
    Normalize(&topics);
    SharedBytes message = EncodeEvent(FieldsOf(event, id));
    reply.add_ids(id);
    const HistoryEntry& entry = history_.Append(std::move(id), std::move(topics), message);
    ++counters_.events_published_total;
    fanout += router_.Publish(entry.seq, entry.topics, entry.message);
  }
  if (deliveries != nullptr) *deliveries = fanout;
  counters_.duplicate_events_total += duplicates;
  reply.set_duplicates(duplicates);
  return reply;
}

Hub::Resume Hub::Subscribe(Subscriber* subscriber, const TopicSet& topics,
                           const std::optional<std::string>& last_event_id, uint64_t* cursor) {
  if (last_event_id.has_value()) {
    if (const uint64_t seq = history_.SeqOf(*last_event_id); seq != 0) {
      *cursor = seq;
      return Resume::kCatchingUp;
    }
    // Resume from the newest retained event, so the browser stops sending the stale id.
    const HistoryEntry* newest = history_.newest();
    subscriber->Deliver(EncodeGap(*last_event_id, newest ? std::string_view(newest->id) : ""));
    router_.Subscribe(subscriber, topics);
    return Resume::kGap;
  }
  router_.Subscribe(subscriber, topics);
  return Resume::kLive;
}

void Hub::Unsubscribe(Subscriber* subscriber) {
  router_.Unsubscribe(subscriber);
}

}  // namespace ssegw
