#include "net/worker.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>
#include <utility>

#include "core/request_target.h"
#include "net/access_log.h"
#include "net/log.h"

namespace ssegw::net {

Worker::Worker(size_t index, LogDirectory& log, SiteContent& site, std::shared_ptr<TlsContext> tls,
               ConnectionQuota& quota, const WorkerOptions& options, EventLoop* shared_loop)
    : index_(index),
      log_(log),
      site_(site),
      options_(options),
      auth_(options.auth),
      tls_(tls),
      quota_(quota),
      own_loop_(shared_loop != nullptr ? nullptr : std::make_unique<EventLoop>()),
      loop_(shared_loop != nullptr ? *shared_loop : *own_loop_),
      fanout_(*this, counters_) {
  loop_.AddTurnEndHook(this);
  pump_timer_.reset(evtimer_new(loop_.base(), &Worker::OnPumpTimer, this));
  server_ = std::make_unique<GatewayServer>(loop_, *this, std::move(tls), quota, options_.server);
}

Worker::~Worker() {
  // Join() has run: the connections are gone, so the fanout has no subscribers left.
  server_.reset();
  metrics_server_.reset();
  pump_timer_.reset();
  loop_.RemoveTurnEndHook(this);
}

void Worker::AddListener(TcpListener::BoundSocket socket, bool tls) {
  server_->AddListener(std::move(socket), tls);
}

void Worker::AddMetricsListener(TcpListener::BoundSocket socket) {
  GatewayServerOptions options = options_.server;
  options.connection.session.metrics_only = true;
  options.connection.session.metrics_elsewhere = false;
  metrics_server_ = std::make_unique<GatewayServer>(loop_, *this, tls_, quota_, options);
  metrics_server_->AddListener(std::move(socket), false);
}

void Worker::Start() {
  if (own_loop_ == nullptr) return;  // runs when its owner runs the shared loop
  // Signals are for the log owner's loop; a worker never takes one.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] { Run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void Worker::Run() {
  loop_.Run();
  CloseAll();
}

void Worker::CloseAll() {
  // Connections unsubscribe their streams from this thread's fanout as they go.
  server_.reset();
  metrics_server_.reset();
}

void Worker::Stop() {
  if (own_loop_ == nullptr) return;  // the shared loop is its owner's to stop
  loop_.Post([this] { loop_.Stop(); });
}

void Worker::Join() {
  if (own_loop_ == nullptr) {
    CloseAll();
    return;
  }
  if (thread_.joinable()) thread_.join();
}

void Worker::PostCommitted(std::shared_ptr<const CommittedBatch> batch) {
  if (on_log_owner_loop()) return OnBatch(*batch);
  loop_.Post([this, batch = std::move(batch)] { OnBatch(*batch); });
}

void Worker::PostLocated(uint64_t request, std::optional<uint64_t> seq) {
  if (on_log_owner_loop()) return fanout_.OnLocated(request, seq);
  loop_.Post([this, request, seq] { fanout_.OnLocated(request, seq); });
}

void Worker::PostRead(uint64_t request, LogRead read) {
  if (on_log_owner_loop()) return fanout_.OnRead(request, std::move(read));
  loop_.Post([this, request, read = std::move(read)]() mutable {
    fanout_.OnRead(request, std::move(read));
  });
}

void Worker::PostShutdown(std::function<void()> on_idle) {
  loop_.Post([this, on_idle = std::move(on_idle)]() mutable {
    // /readyz says 503 while the streams drain (the metrics listener goes on answering,
    // so a load balancer checking there sees it).
    ready_ = false;
    server_->BeginShutdown(std::move(on_idle));
  });
}

void Worker::PostPolicy(std::shared_ptr<const http::AccessPolicy> policy) {
  loop_.Post([this, policy = std::move(policy)]() mutable { auth_ = std::move(policy); });
}

void Worker::PostTlsContext(std::shared_ptr<TlsContext> tls) {
  loop_.Post([this, tls = std::move(tls)]() mutable {
    tls_ = tls;
    server_->SetTlsContext(std::move(tls));
  });
}

void Worker::PostReady(bool ready) {
  loop_.Post([this, ready] { ready_ = ready; });
}

int64_t Worker::UnixNow() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec);
}

uint64_t Worker::NowUs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000 + static_cast<uint64_t>(now.tv_nsec) / 1000;
}

void Worker::OnRequestFinished(const http::AccessRecord& record) {
  if (!LogEnabled(LogLevel::kInfo)) return;
  // A token in the query never reaches the log.
  const std::optional<std::string>& param = auth_->query_param;
  if (!param) {
    LogAccess(record);
    return;
  }
  const std::string path = WithoutQueryParameter(record.path, *param);
  http::AccessRecord redacted = record;
  redacted.path = path;
  LogAccess(redacted);
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
    if (on_log_owner_loop()) {
      log_.OnProgress();
    } else {
      log_.PostProgress();
    }
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
