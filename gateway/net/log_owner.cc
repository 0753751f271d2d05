#include "net/log_owner.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>

namespace ssegw::net {

LogOwner::LogOwner(EventLoop& loop, const LogOwnerOptions& options)
    : loop_(loop), options_(options) {
  recheck_timer_.reset(evtimer_new(loop_.base(), &LogOwner::OnRecheck, this));
  loop_.AddTurnEndHook(this);
}

LogOwner::~LogOwner() {
  loop_.RemoveTurnEndHook(this);
}

void LogOwner::OnCommitted(std::span<LogEventPtr> events, uint64_t oldest_retained_seq) {
  // Held until the end of the turn: a publisher that pipelines one event per request
  // would otherwise cost each worker a message, a wake-up and a reply round trip per
  // event (measured: 5.5 us of CPU per event instead of 1.1 us).
  for (const LogEventPtr& event : events) committed_bytes_ += event->message.size();
  committed_events_ += events.size();
  pending_.insert(pending_.end(), std::make_move_iterator(events.begin()),
                  std::make_move_iterator(events.end()));
  pending_oldest_retained_seq_ = oldest_retained_seq;
  loop_.RequestTurnEnd();
}

void LogOwner::PostPending() {
  if (pending_.empty()) return;
  auto batch = std::make_shared<CommittedBatch>();
  batch->bytes = committed_bytes_ - posted_bytes_;  // counted once, in OnCommitted
  posted_bytes_ = committed_bytes_;
  // A copy of the pointers at their exact count: pending_ keeps its capacity for the
  // next turn, so a turn costs this one allocation however many requests it took.
  batch->events.reserve(pending_.size());
  std::move(pending_.begin(), pending_.end(), std::back_inserter(batch->events));
  pending_.clear();
  batch->oldest_retained_seq = pending_oldest_retained_seq_;
  std::shared_ptr<const CommittedBatch> shared = std::move(batch);
  for (Worker* worker : workers_) worker->PostCommitted(shared);
}

void LogOwner::OnGap(uint64_t position) {
  PostPending();  // a gap is seen after the events committed before it
  auto batch = std::make_shared<CommittedBatch>();
  batch->gap_at = position;
  std::shared_ptr<const CommittedBatch> shared = std::move(batch);
  for (Worker* worker : workers_) worker->PostCommitted(shared);
}

void LogOwner::PostLocate(Worker& worker, uint64_t request, std::string id) {
  loop_.Post([this, &worker, request, id = std::move(id)] {
    // Answered behind every batch committed so far (posted first: the log commits on
    // this thread), so the seq is in the worker's tail or evicted.
    log_->Locate(id, [this, &worker, request](std::optional<uint64_t> seq) {
      PostPending();
      worker.PostLocated(request, seq);
    });
  });
}

void LogOwner::PostReadAfter(Worker& worker, uint64_t request, uint64_t seq) {
  loop_.Post([this, &worker, request, seq] {
    // Like Locate: the answer follows the batches holding what it returns.
    log_->ReadAfter(seq, [this, &worker, request](LogRead read) {
      PostPending();
      worker.PostRead(request, std::move(read));
    });
  });
}

void LogOwner::PostAppend(Worker& worker, std::vector<EventDraft> batch,
                          std::function<void(PublishResult)> done) {
  loop_.Post([this, &worker, batch = std::move(batch), done = std::move(done)]() mutable {
    auto answer = [&worker, done = std::move(done)](PublishResult result) mutable {
      worker.PostTask([done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
    };
    // The same backpressure as the socket's, said rather than waited out: HTTP has a
    // status for it.
    if (!open()) {
      PublishResult overloaded;
      overloaded.status = PublishStatus::kOverloaded;
      overloaded.error = "the gateway is behind delivering; retry later with the same ids";
      answer(std::move(overloaded));
      return;
    }
    log_->Append(batch, [this, answer = std::move(answer)](PublishResult result) mutable {
      AfterDelivery([answer = std::move(answer), result = std::move(result)]() mutable {
        answer(std::move(result));
      });
    });
  });
}

uint64_t LogOwner::DeliveredEverywhere() const {
  uint64_t delivered = committed_events_;
  for (const Worker* worker : workers_) delivered = std::min(delivered, worker->processed_events());
  return delivered;
}

void LogOwner::AfterDelivery(std::function<void()> fn) {
  if (waiters_.empty() && DeliveredEverywhere() >= committed_events_) {
    fn();
    return;
  }
  waiters_.emplace_back(committed_events_, std::move(fn));
  // Set before looking again, so a worker that finishes in between either sees the flag
  // and reports, or is seen here.
  waiting_.store(true);
  RunDelivered();
}

void LogOwner::PostProgress() {
  loop_.Post([this] { RunDelivered(); });
}

void LogOwner::RunDelivered() {
  const uint64_t delivered = DeliveredEverywhere();
  while (!waiters_.empty() && waiters_.front().first <= delivered) {
    std::function<void()> fn = std::move(waiters_.front().second);
    waiters_.pop_front();
    fn();
  }
  if (waiters_.empty()) waiting_.store(false);
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
