// LogOwner: the thread side of the event log. It lives on the log owner's loop (the
// main thread, which also serves the publish socket and signals) next to the EventLog,
// and connects that log to the workers:
//
// - CommitSink: every committed batch becomes one shared, immutable CommittedBatch,
//   posted to every worker's queue (one allocation per batch, not per worker; one
//   wake-up per worker only when its queue was empty).
// - LogDirectory: a worker's Locate or ReadAfter arrives as a posted task, is answered by
//   the log, and the answer is posted back behind the batches committed before it.
// - A gap the log reports goes to every worker as a batch of its own, in log order.
// - PublishGate: closed while some worker is more than `max_lag_events` events or
//   `max_lag_bytes` bytes behind the log, so publishers are not read faster than the
//   workers deliver; it is re-checked every millisecond while closed and the callback
//   given to set_on_open runs when it opens. AfterDelivery holds a publisher's reply
//   until every worker has fanned out what was committed before it; while replies wait,
//   workers report their progress once per loop turn.
//
// Threading: Set*, Add* before the workers start; OnCommitted, OnGap and open() on the
// log owner's thread; PostLocate and PostReadAfter from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/event_log.h"
#include "net/event_loop.h"
#include "net/publisher_connection.h"
#include "net/worker.h"

namespace ssegw::net {

struct LogOwnerOptions {
  uint64_t max_lag_events = 64 * 1024;
  uint64_t max_lag_bytes = 64 * 1024 * 1024;
};

class LogOwner final : public CommitSink,
                       public LogDirectory,
                       public PublishGate,
                       private EventLoop::TurnEndHook {
 public:
  LogOwner(EventLoop& loop, const LogOwnerOptions& options);
  ~LogOwner();
  LogOwner(const LogOwner&) = delete;
  LogOwner& operator=(const LogOwner&) = delete;

  void SetLog(EventLog* log) { log_ = log; }
  void AddWorker(Worker* worker) { workers_.push_back(worker); }
  void set_on_open(std::function<void()> on_open) { on_open_ = std::move(on_open); }

  // CommitSink.
  void OnCommitted(std::span<LogEventPtr> events, uint64_t oldest_retained_seq) override;
  void OnGap(uint64_t position) override;
  // LogDirectory.
  void PostLocate(Worker& worker, uint64_t request, std::string id) override;
  void PostReadAfter(Worker& worker, uint64_t request, uint64_t seq) override;
  void PostAppend(Worker& worker, std::vector<EventDraft> batch,
                  std::function<void(PublishResult)> done) override;
  bool waiting_for_progress() const override { return waiting_.load(); }
  void PostProgress() override;
  void OnProgress() override { RunDelivered(); }
  // PublishGate.
  bool open() override;
  uint64_t committed_mark() override { return committed_events_; }
  uint64_t delivered_mark() override { return DeliveredEverywhere(); }
  void AfterDelivery(std::function<void()> fn) override;

 private:
  static void OnRecheck(evutil_socket_t, short, void* self);
  // Posts what was committed since the last post to every worker as one batch: one
  // message per worker per loop turn, however many requests the turn appended.
  void OnTurnEnd() override { PostPending(); }
  void PostPending();
  uint64_t DeliveredEverywhere() const;
  // Runs the waiters whose events every worker has fanned out.
  void RunDelivered();

  EventLoop& loop_;
  const LogOwnerOptions options_;
  EventLog* log_ = nullptr;
  std::vector<Worker*> workers_;
  std::function<void()> on_open_;
  EventPtr recheck_timer_;
  bool recheck_armed_ = false;
  std::vector<LogEventPtr> pending_;  // committed, not yet posted to the workers
  uint64_t pending_oldest_retained_seq_ = 0;
  uint64_t committed_events_ = 0;
  uint64_t committed_bytes_ = 0;
  uint64_t posted_bytes_ = 0;  // committed_bytes_ when pending_ was last posted
  // Replies waiting for delivery, by the committed-event count they wait for (in order).
  std::deque<std::pair<uint64_t, std::function<void()>>> waiters_;
  std::atomic<bool> waiting_{false};  // read by the workers
};

}  // namespace ssegw::net
