// Worker: one event-loop thread of delivery — its loop, its client connections (every
// listener has a socket here), its fanout (tail of the log, topic router, catch-up) and
// its counters.
//
// The log owner posts every committed batch to every worker (PostCommitted), in log
// order; the worker fans it out to its own streams, a bounded amount of work per loop
// turn so that each turn's output is flushed before more is queued. Locating a
// Last-Event-ID is a round trip to the log owner whose answer comes back through the
// same queue, behind the batches committed before it, which is what lets a resuming
// stream join live delivery at an exact seq. Catch-up runs from a zero-delay timer, a
// bounded share per loop iteration, so resuming streams share the loop fairly with live
// delivery and new connections; its output goes out with that turn's flush.
//
// Threading: the constructor, AddListener and Start run on the thread that owns the
// worker, before Start; after Start everything but the Post* functions, counters() and
// processed_*() belongs to the worker's thread. Join() after Stop, then destroy.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/counters.h"
#include "core/event.h"
#include "core/fanout.h"
#include "h2/server_session.h"
#include "net/connection_quota.h"
#include "net/event_loop.h"
#include "net/gateway_server.h"
#include "net/listener.h"
#include "net/tls_context.h"

namespace ssegw::net {

// What a batch posted to every worker holds: shared, immutable.
struct CommittedBatch {
  std::vector<LogEventPtr> events;
  uint64_t oldest_retained_seq = 0;
  uint64_t bytes = 0;   // the events' encoded bytes, for the log owner's backpressure
  uint64_t gap_at = 0;  // not 0: the log lost events at this position (before `events`)
};

// What workers ask of the log owner. Thread-safe.
class LogDirectory {
 public:
  // Locates `id` and answers with worker.PostLocated(request, seq).
  virtual void PostLocate(class Worker& worker, uint64_t request, std::string id) = 0;
  // Reads the log after `seq` and answers with worker.PostRead(request, read).
  virtual void PostReadAfter(class Worker& worker, uint64_t request, uint64_t seq) = 0;
  // Appends a validated batch (POST /publish) and runs `done` with the result on the
  // worker's thread, once every worker has queued its events.
  virtual void PostAppend(class Worker& worker, std::vector<EventDraft> batch,
                          std::function<void(PublishResult)> done) = 0;
  // Whether replies wait for the workers' progress (then workers report it, once a turn).
  virtual bool waiting_for_progress() const = 0;
  // A worker has fanned out more: posted from a worker's own thread, or run at once by a
  // worker on the log owner's loop (OnProgress, on that thread).
  virtual void PostProgress() = 0;
  virtual void OnProgress() = 0;

 protected:
  ~LogDirectory() = default;
};

// The parts of a response that are the same on every worker. Thread-safe.
class SiteContent {
 public:
  virtual std::string RenderMetrics() = 0;  // Prometheus text, process totals
  virtual std::string_view DemoPage() = 0;

 protected:
  ~SiteContent() = default;
};

struct WorkerOptions {
  GatewayServerOptions server;
  // Who may subscribe to what; replaced at run time with PostPolicy.
  std::shared_ptr<const http::AccessPolicy> auth = std::make_shared<http::AccessPolicy>();
  // Events plus deliveries fanned out in one turn before the rest waits for the next
  // (after this turn's flush): ~26 events to 10,000 streams.
  size_t max_fanout_per_turn = 256 * 1024;
  // Tail events catch-up looks at per turn, so resuming streams share the loop with
  // live delivery and new connections.
  size_t max_replay_per_turn = 64 * 1024;
};

class Worker final : public FanoutHost,
                     public http::SessionEnvironment,
                     public EventLoop::TurnEndHook {
 public:
  // `shared_loop`: the worker runs on that loop, which must be the log owner's (when there
  // is one worker), instead of a thread of its own, so publishing crosses no thread: the
  // log owner hands it batches and answers by calls, and it reports progress by a call.
  // Start and Stop then do nothing, and Join closes what is left open.
  Worker(size_t index, LogDirectory& log, SiteContent& site, std::shared_ptr<TlsContext> tls,
         ConnectionQuota& quota, const WorkerOptions& options, EventLoop* shared_loop = nullptr);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before Start.
  void AddListener(TcpListener::BoundSocket socket, bool tls);
  // Before Start: --metrics-listen, cleartext, answering /metrics, /healthz and /readyz
  // only.
  void AddMetricsListener(TcpListener::BoundSocket socket);
  // Runs the loop on a new thread (with every signal blocked: signals go to the log
  // owner's thread); nothing on a shared loop.
  void Start();
  // Thread-safe: stops the loop once the current turn is over; what is left open is
  // closed on the worker's thread before Join returns (on a shared loop: by Join, once
  // the loop has stopped).
  void Stop();
  void Join();

  // The log owner's answers, in the order it gives them. Thread-safe posts onto the
  // worker's loop; on a shared loop (called there by the log owner) they run at once,
  // which keeps that order and saves two loop turns and a wake-up per batch.
  void PostCommitted(std::shared_ptr<const CommittedBatch> batch);
  void PostLocated(uint64_t request, std::optional<uint64_t> seq);
  void PostRead(uint64_t request, LogRead read);
  // Graceful shutdown: GOAWAY everywhere, streams ended; `on_idle` runs on the worker's
  // thread once no connection is left.
  void PostShutdown(std::function<void()> on_idle);
  // A reloaded policy, for requests from now on (open streams keep their deadlines).
  void PostPolicy(std::shared_ptr<const http::AccessPolicy> policy);
  // A reloaded certificate and key, for handshakes from now on.
  void PostTlsContext(std::shared_ptr<TlsContext> tls);
  // What /readyz answers from now on.
  void PostReady(bool ready);
  // Runs `task` on the worker's thread (the log owner's answers to PostAppend).
  void PostTask(std::function<void()> task) { loop_.Post(std::move(task)); }

  size_t index() const { return index_; }
  // Read from any thread.
  const GatewayCounters& counters() const { return counters_; }
  // Events and bytes of posted batches this worker has fanned out; for the log owner's
  // backpressure.
  uint64_t processed_events() const { return processed_events_.load(std::memory_order_acquire); }
  uint64_t processed_bytes() const { return processed_bytes_.load(std::memory_order_acquire); }
  std::string address() const { return server_->address(); }
  std::string plain_address() const { return server_->plain_address(); }

  // FanoutHost.
  void Locate(uint64_t request, const std::string& id) override;
  void ReadAfter(uint64_t request, uint64_t seq) override;
  void OnPumpNeeded() override;
  // http::SessionEnvironment.
  Fanout& fanout() override { return fanout_; }
  GatewayCounters& counters() override { return counters_; }
  std::string RenderMetrics() override { return site_.RenderMetrics(); }
  std::string_view DemoPage() override { return site_.DemoPage(); }
  const http::AccessPolicy& policy() override { return *auth_; }
  int64_t UnixNow() override;
  bool Ready() override { return ready_; }
  uint64_t NowUs() override;
  void OnRequestFinished(const http::AccessRecord& record) override;
  void Publish(std::vector<EventDraft> batch, std::function<void(PublishResult)> done) override {
    log_.PostAppend(*this, std::move(batch), std::move(done));
  }
  // EventLoop::TurnEndHook: a new turn's fan-out budget, and progress reported to the
  // log owner when replies wait for it.
  void OnTurnEnd() override;

 private:
  static void OnPumpTimer(evutil_socket_t, short, void* self);
  void Run();
  // On the worker's loop, once it has stopped: closes every connection.
  void CloseAll();
  void OnBatch(const CommittedBatch& batch);

  const size_t index_;
  LogDirectory& log_;
  SiteContent& site_;
  const WorkerOptions options_;
  std::shared_ptr<const http::AccessPolicy> auth_;
  std::shared_ptr<TlsContext> tls_;
  ConnectionQuota& quota_;
  bool ready_ = true;
  std::unique_ptr<EventLoop> own_loop_;  // nullptr on a shared loop
  bool on_log_owner_loop() const { return own_loop_ == nullptr; }
  EventLoop& loop_;
  GatewayCounters counters_;
  Fanout fanout_;
  std::unique_ptr<GatewayServer> server_;
  std::unique_ptr<GatewayServer> metrics_server_;  // --metrics-listen, on one worker
  EventPtr pump_timer_;
  bool pump_scheduled_ = false;
  std::thread thread_;
  size_t work_this_turn_ = 0;
  uint64_t reported_events_ = 0;  // processed_events_ when progress was last reported
  std::atomic<uint64_t> processed_events_{0};
  std::atomic<uint64_t> processed_bytes_{0};
};

}  // namespace ssegw::net
