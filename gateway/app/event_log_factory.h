// LogService: the event log a gateway runs on, chosen from its configuration — the
// in-process MemoryLog, or with --nats the JetStreamLog shared by a cluster of gateways —
// with what the rest of the program needs from either: when it is ready (the startup line,
// /readyz) and its own metrics.
//
// Threading: made, used and destroyed on the log owner's thread (the loop given to
// MakeLogService), after the loop and the sink and before them in teardown; ready() and
// RenderMetrics() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/config.h"
#include "core/counters.h"
#include "core/event_log.h"
#include "net/event_loop.h"

namespace ssegw::app {

class LogService {
 public:
  virtual ~LogService() = default;

  virtual EventLog& log() = 0;
  // True while the log takes publishes and resumes: always for the in-process log; for
  // the cluster log while NATS is reachable and once the tail has been loaded.
  virtual bool ready() const = 0;
  // Runs `fn` on the log owner's thread the first time the log is ready: at once for the
  // in-process log, once the tail has been loaded for the cluster log.
  virtual void WhenReady(std::function<void()> fn) = 0;
  // Calls `fn` with ready() at once and again on the log owner's thread whenever it
  // changes (for /readyz).
  virtual void OnReadyChange(std::function<void(bool)> fn) = 0;
  // Appends the log's own Prometheus metrics beyond the shared counters (the cluster log's
  // acknowledgement-latency histogram).
  virtual void RenderMetrics(std::string* out) const = 0;
};

// The log for `config`: counters go to `counters`, committed events to `sink`.
// `boot_epoch` makes the in-process log's ids unique across restarts. nullptr with
// *error when the cluster settings cannot be used (an unreadable credentials file...).
std::unique_ptr<LogService> MakeLogService(const Config& config, net::EventLoop& loop,
                                           CommitSink& sink, GatewayCounters& counters,
                                           uint64_t boot_epoch, std::string* error);

}  // namespace ssegw::app
