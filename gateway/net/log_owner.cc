#include "net/log_owner.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace ssegw::net {

LogOwner::LogOwner(EventLoop& loop, const LogOwnerOptions& options)
    : loop_(loop), options_(options) {
  recheck_timer_.reset(evtimer_new(loop_.base(), &LogOwner::OnRecheck, this));
}

void LogOwner::OnCommitted(std::vector<LogEventPtr> events, uint64_t oldest_retained_seq) {
  auto batch = std::make_shared<CommittedBatch>();
  for (const LogEventPtr& event : events) batch->bytes += event->message.size();
  batch->events = std::move(events);
  batch->oldest_retained_seq = oldest_retained_seq;
  committed_events_ += batch->events.size();
  committed_bytes_ += batch->bytes;
  std::shared_ptr<const CommittedBatch> shared = std::move(batch);
  for (Worker* worker : workers_) worker->PostCommitted(shared);
}

void LogOwner::OnGap(uint64_t position) {
  auto batch = std::make_shared<CommittedBatch>();
  batch->gap_at = position;
  std::shared_ptr<const CommittedBatch> shared = std::move(batch);
  for (Worker* worker : workers_) worker->PostCommitted(shared);
}

void LogOwner::PostLocate(Worker& worker, uint64_t request, std::string id) {
  loop_.Post([this, &worker, request, id = std::move(id)] {
    // Answered behind every batch already posted to this worker (the log commits on
    // this thread and posts before answering), so the seq is in its tail or evicted.
    log_->Locate(
        id, [&worker, request](std::optional<uint64_t> seq) { worker.PostLocated(request, seq); });
  });
}

void LogOwner::PostReadAfter(Worker& worker, uint64_t request, uint64_t seq) {
  loop_.Post([this, &worker, request, seq] {
    // Like Locate: the answer follows the batches holding what it returns.
    log_->ReadAfter(
        seq, [&worker, request](LogRead read) { worker.PostRead(request, std::move(read)); });
  });
}

bool LogOwner::open() {
  for (const Worker* worker : workers_) {
    if (committed_events_ - worker->processed_events() > options_.max_lag_events ||
        committed_bytes_ - worker->processed_bytes() > options_.max_lag_bytes) {
      if (!recheck_armed_) {
        // The workers do not call back when they catch up; polling while closed is
        // cheap, and closed only under overload.
        const timeval one_ms = {0, 1000};
        event_add(recheck_timer_.get(), &one_ms);
        recheck_armed_ = true;
      }
      return false;
    }
  }
  return true;
}

void LogOwner::OnRecheck(evutil_socket_t, short, void* self) {
  auto* owner = static_cast<LogOwner*>(self);
  owner->recheck_armed_ = false;
  if (owner->open() && owner->on_open_) owner->on_open_();
}

}  // namespace ssegw::net
