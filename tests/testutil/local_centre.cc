#include "testutil/local_centre.h"

#include <stdexcept>

#include "core/ingest.h"

namespace ssegw::testing {

LocalCentre::LocalCentre(const MemoryLogOptions& options)
    : log_(options, /*boot_epoch=*/1, *this, counters_), fanout_(*this, counters_) {}

std::string LocalCentre::Publish(const std::vector<std::string>& topics, std::string_view data,
                                 std::string_view id, std::string_view type) {
  std::vector<EventDraft> batch(1);
  batch[0].topics = topics;
  batch[0].id = id;
  batch[0].type = type;
  batch[0].data = data;
  if (std::optional<IngestError> invalid = ValidateBatch(&batch)) {
    throw std::runtime_error("publish failed: " + Describe(*invalid));
  }
  std::string assigned;
  log_.Append(batch, [&](PublishResult result) { assigned = result.ids.at(0); });
  return assigned;
}

void LocalCentre::OnCommitted(std::span<LogEventPtr> events, uint64_t oldest_retained_seq) {
  fanout_.Publish(events, oldest_retained_seq);
}

void LocalCentre::Locate(uint64_t request, const std::string& id) {
  lookups_.emplace_back(request, id);
}

bool LocalCentre::Settle() {
  bool did = false;
  while (!lookups_.empty() || !reads_.empty() || pump_needed_) {
    did = true;
    AnswerLookups();
    if (pump_needed_) {
      pump_needed_ = false;
      fanout_.Pump(SIZE_MAX);
    }
  }
  return did;
}

void LocalCentre::AnswerLookups() {
  std::vector<std::pair<uint64_t, std::string>> lookups;
  lookups.swap(lookups_);
  for (auto& [request, id] : lookups) {
    log_.Locate(id, [&, request = request](std::optional<uint64_t> seq) {
      fanout_.OnLocated(request, seq);
    });
  }
  std::vector<std::pair<uint64_t, uint64_t>> reads;
  reads.swap(reads_);
  for (auto& [request, seq] : reads) {
    log_.ReadAfter(
        seq, [&, request = request](LogRead read) { fanout_.OnRead(request, std::move(read)); });
  }
}

}  // namespace ssegw::testing
