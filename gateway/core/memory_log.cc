#include "core/memory_log.h"

#include <memory>
#include <utility>

#include "core/ingest.h"

namespace ssegw {

MemoryLog::MemoryLog(const MemoryLogOptions& options, uint64_t boot_epoch, CommitSink& sink,
                     GatewayCounters& counters)
    : history_(options.history_events, options.history_bytes),
      ids_(boot_epoch),
      sink_(sink),
      counters_(counters) {}

void MemoryLog::Append(std::span<EventDraft> batch, AppendDone done) {
  // Taken out rather than used in place: `done` may append again.
  PublishResult result = std::exchange(spare_result_, {});
  result.status = PublishStatus::kOk;
  result.ids.clear();
  result.duplicates = 0;
  result.error.clear();
  result.ids.reserve(batch.size());
  for (EventDraft& draft : batch) {
    std::string id = std::move(draft.id);
    if (id.empty()) {
      // A publisher may have used an id of our own form; never reuse one that is held.
      do id = ids_.Next();
      while (history_.Contains(id));
    } else if (history_.Contains(id)) {
      ++result.duplicates;
      result.ids.push_back(std::move(id));
      continue;
    }
    auto event = std::make_shared<LogEvent>();
    event->seq = next_seq_++;
    event->message = EncodeDraft(draft, id);
    event->id = id;
    event->topics = std::move(draft.topics);
    result.ids.push_back(std::move(id));
    history_.Append(event);
    committed_.push_back(std::move(event));
  }
  counters_.events_published_total += committed_.size();
  counters_.duplicate_events_total += result.duplicates;
  counters_.history_events.Set(history_.size());
  counters_.history_bytes.Set(history_.bytes());
  if (!committed_.empty()) sink_.OnCommitted(committed_, history_.oldest_seq());
  committed_.clear();  // before `done`, which may append again
  done(std::move(result));
  spare_result_ = std::move(result);  // whatever storage `done` left in it
}

void MemoryLog::Locate(const std::string& id, LocateDone done) {
  const LogEvent* event = history_.Find(id);
  done(event ? std::optional<uint64_t>(event->seq) : std::nullopt);
}

void MemoryLog::ReadAfter(uint64_t, ReadDone done) {
  LogRead read;
  read.lost = true;
  done(std::move(read));
}

}  // namespace ssegw
