#include "app/event_log_factory.h"

#include <chrono>
#include <utility>

#include "cluster/jetstream_log.h"
#include "core/memory_log.h"

namespace ssegw::app {
namespace {

class MemoryLogService final : public LogService {
 public:
  MemoryLogService(const Config& config, CommitSink& sink, GatewayCounters& counters,
                   uint64_t boot_epoch)
      : log_(MemoryLogOptions{.history_events = config.history_events,
                              .history_bytes = config.history_bytes},
             boot_epoch, sink, counters) {}

  EventLog& log() override { return log_; }
  bool ready() const override { return true; }
  void WhenReady(std::function<void()> fn) override { fn(); }
  void OnReadyChange(std::function<void(bool)> fn) override { fn(true); }
  void RenderMetrics(std::string*) const override {}

 private:
  MemoryLog log_;
};

// Drives the cluster log's periodic work from a timer on the log owner's loop.
class ClusterLogService final : public LogService {
 public:
  static constexpr timeval kTick = {0, 250 * 1000};

  ClusterLogService(net::EventLoop& loop, std::unique_ptr<cluster::JetStreamLog> log)
      : log_(std::move(log)) {
    timer_.reset(event_new(loop.base(), -1, EV_PERSIST, &ClusterLogService::OnTick, this));
    event_add(timer_.get(), &kTick);
  }
  ~ClusterLogService() override {
    timer_.reset();
    log_.reset();  // before the loop whose queue its results are posted to
  }

  EventLog& log() override { return *log_; }
  bool ready() const override { return log_->ready(); }
  void WhenReady(std::function<void()> fn) override { log_->set_on_ready(std::move(fn)); }
  void OnReadyChange(std::function<void(bool)> fn) override {
    fn(log_->ready());
    log_->set_on_ready_change(std::move(fn));
  }
  void RenderMetrics(std::string* out) const override {
    log_->ack_latency().Render(
        out, "ssegw_publish_ack_seconds",
        "Time from publishing a request to the cluster log until it acknowledged it (stored "
        "at the stream's replication).");
  }

 private:
  static void OnTick(evutil_socket_t, short, void* self) {
    static_cast<ClusterLogService*>(self)->log_->Tick(std::chrono::steady_clock::now());
  }

  std::unique_ptr<cluster::JetStreamLog> log_;
  net::EventPtr timer_;
};

}  // namespace

std::unique_ptr<LogService> MakeLogService(const Config& config, net::EventLoop& loop,
                                           CommitSink& sink, GatewayCounters& counters,
                                           uint64_t boot_epoch, std::string* error) {
  if (config.nats_urls.empty()) {
    return std::make_unique<MemoryLogService>(config, sink, counters, boot_epoch);
  }
  cluster::JetStreamLogOptions options;
  options.connection.urls = config.nats_urls;
  options.connection.creds_file = config.nats_creds;
  options.connection.ca_file = config.nats_ca;
  options.stream = config.nats_stream;
  options.replicas = static_cast<int>(config.nats_replicas);
  options.history_events = config.history_events;
  options.history_bytes = config.history_bytes;
  options.publish_timeout = std::chrono::milliseconds(config.publish_timeout_ms);
  cluster::NatsResult<std::unique_ptr<cluster::JetStreamLog>> log = cluster::JetStreamLog::Start(
      std::move(options), [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); }, sink,
      counters);
  if (!log.ok()) {
    *error = "--nats: " + cluster::Describe(log.error());
    return nullptr;
  }
  return std::make_unique<ClusterLogService>(loop, std::move(log).value());
}

}  // namespace ssegw::app
