#include "net/worker.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>
#include <utility>

namespace ssegw::net {

Worker::Worker(size_t index, LogDirectory& log, SiteContent& site, TlsContext& tls,
               ConnectionQuota& quota, const WorkerOptions& options)
    : index_(index),
      log_(log),
      site_(site),
      options_(options),
      auth_(options.auth),
      fanout_(*this, counters_) {
  loop_.AddTurnEndHook(this);
  pump_timer_.reset(evtimer_new(loop_.base(), &Worker::OnPumpTimer, this));
  server_ = std::make_unique<GatewayServer>(loop_, *this, tls, quota, options_.server);
}

Worker::~Worker() {
  // Join() has run: the connections are gone, so the fanout has no subscribers left.
  server_.reset();
  pump_timer_.reset();
  loop_.RemoveTurnEndHook(this);
}

void Worker::AddListener(TcpListener::BoundSocket socket, bool tls) {
  server_->AddListener(std::move(socket), tls);
}

void Worker::Start() {
  // Signals are for the log owner's loop; a worker never takes one.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] { Run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void Worker::Run() {
  loop_.Run();
  // Connections unsubscribe their streams from this thread's fanout as they go.
  server_.reset();
}

void Worker::Stop() {
  loop_.Post([this] { loop_.Stop(); });
}

void Worker::Join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::PostCommitted(std::shared_ptr<const CommittedBatch> batch) {
  loop_.Post([this, batch = std::move(batch)] { OnBatch(*batch); });
}

void Worker::PostLocated(uint64_t request, std::optional<uint64_t> seq) {
  loop_.Post([this, request, seq] { fanout_.OnLocated(request, seq); });
}

void Worker::PostRead(uint64_t request, LogRead read) {
  loop_.Post([this, request, read = std::move(read)]() mutable {
    fanout_.OnRead(request, std::move(read));
  });
}

void Worker::PostShutdown(std::function<void()> on_idle) {
  loop_.Post([this, on_idle = std::move(on_idle)]() mutable {
    ready_ = false;  // /readyz says 503 while the streams drain
    server_->BeginShutdown(std::move(on_idle));
  });
}

void Worker::PostAuthPolicy(std::shared_ptr<const http::AuthPolicy> policy) {
  loop_.Post([this, policy = std::move(policy)]() mutable { auth_ = std::move(policy); });
}

void Worker::PostReady(bool ready) {
  loop_.Post([this, ready] { ready_ = ready; });
}

int64_t Worker::UnixNow() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec);
}

void Worker::Locate(uint64_t request, const std::string& id) {
  log_.PostLocate(*this, request, id);
}

void Worker::ReadAfter(uint64_t request, uint64_t seq) {
  log_.PostReadAfter(*this, request, seq);
}

void Worker::OnBatch(const CommittedBatch& batch) {
  size_t deliveries = batch.gap_at != 0 ? fanout_.OnGap(batch.gap_at) : 0;
  deliveries += fanout_.Publish(batch.events, batch.oldest_retained_seq);
  // Single writer: a plain store, no locked instruction.
  processed_bytes_.store(processed_bytes_.load(std::memory_order_relaxed) + batch.bytes,
                         std::memory_order_release);
  processed_events_.store(processed_events_.load(std::memory_order_relaxed) + batch.events.size(),
                          std::memory_order_release);
  work_this_turn_ += batch.events.size() + deliveries;
  if (work_this_turn_ >= options_.max_fanout_per_turn) loop_.YieldPosted();
  loop_.RequestTurnEnd();
}

void Worker::OnTurnEnd() {
  work_this_turn_ = 0;
  const uint64_t processed = processed_events_.load(std::memory_order_relaxed);
  if (processed != reported_events_ && log_.waiting_for_progress()) {
    reported_events_ = processed;
    log_.PostProgress();
  }
}

void Worker::OnPumpNeeded() {
  if (pump_scheduled_) return;
  pump_scheduled_ = true;
  // Next loop iteration, after this one's flush and a poll for socket readiness.
  const timeval now = {0, 0};
  event_add(pump_timer_.get(), &now);
}

void Worker::OnPumpTimer(evutil_socket_t, short, void* self) {
  auto* worker = static_cast<Worker*>(self);
  worker->pump_scheduled_ = false;
  worker->fanout_.Pump(worker->options_.max_replay_per_turn);
  if (worker->fanout_.has_ready()) worker->OnPumpNeeded();
}

}  // namespace ssegw::net
