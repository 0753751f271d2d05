#include "app/run.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <utility>
#include <vector>

#include "app/auth_setup.h"
#include "app/event_log_factory.h"
#include "app/gateway_environment.h"
#include "app/reload.h"
#include "app/service_notify.h"
#include "core/counters.h"
#include "net/connection_quota.h"
#include "net/event_loop.h"
#include "net/listener.h"
#include "net/log.h"
#include "net/log_owner.h"
#include "net/publish_server.h"
#include "net/signals.h"
#include "net/tls_context.h"
#include "net/worker.h"

namespace ssegw::app {
namespace {

// How long a graceful shutdown waits for connections to finish before exiting anyway.
constexpr timeval kShutdownGrace{5, 0};

uint64_t WallClockMs() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1000000;
}

net::WorkerOptions WorkerOptionsFrom(const Config& config) {
  net::WorkerOptions options;
  http::SessionOptions& session = options.server.connection.session;
  session.max_concurrent_streams = config.max_streams;
  session.stream_buffer_bytes = config.stream_buffer_bytes;
  session.slow_consumer_grace_ms = uint64_t{config.slow_consumer_grace_s} * 1000;
  session.retry_ms = config.retry_ms;
  session.keepalive_ms = uint64_t{config.keepalive_s} * 1000;
  session.max_stream_age_ms = uint64_t{config.max_stream_age_s} * 1000;
  session.max_publish_bytes = config.max_frame_bytes;
  session.metrics_elsewhere = config.metrics_listen.has_value();
  return options;
}

// What the startup line says about the listeners. Tests and tools take the TLS port from
// its "https://HOST:PORT" and the cleartext one from "http://HOST:PORT".
std::string Listeners(const net::Worker& worker) {
  std::string text = "https://" + worker.address() + " (h2, http/1.1)";
  if (!worker.plain_address().empty()) {
    text += " and http://" + worker.plain_address() + " (h2c, http/1.1)";
  }
  return text;
}

int StartupError(const std::string& error) {
  fprintf(stderr, "sse-gateway: %s\n", error.c_str());
  return 1;
}

}  // namespace

// Every connection and publisher is a descriptor, and Debian's default soft limit (1024)
// is far below the default --max-connections: raise it as far as the hard limit allows.
void RaiseDescriptorLimit(uint64_t max_connections) {
  constexpr uint64_t kSpare = 64;  // listeners, the publish socket, publishers, logs
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = std::min<rlim_t>(max_connections + kSpare, limit.rlim_max);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = wanted;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < max_connections + kSpare) {
    LOG_WARN(
        "only %llu file descriptors allowed (hard limit); --max-connections %llu will not "
        "be reached",
        static_cast<unsigned long long>(limit.rlim_cur),
        static_cast<unsigned long long>(max_connections));
  }
}

uint32_t WorkerCount(uint32_t threads) {
  if (threads != 0) return threads;
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<uint32_t>(online) : 1;
}

// Applies a SIGHUP: everything reloadable, or nothing.
void Reload(const Config& fresh, Config* active,
            const std::vector<std::unique_ptr<net::Worker>>& workers,
            const std::shared_ptr<net::TicketKeys>& ticket_keys) {
  std::string error;
  std::optional<ReloadPlan> plan = PrepareReload(*active, fresh, ticket_keys, &error);
  if (!plan) {
    LOG_ERROR("reload failed, keeping the running settings: %s", error.c_str());
    return;
  }
  net::SetLogLevel(plan->log_level);
  net::SetLogFormat(plan->log_format);
  for (const auto& worker : workers) {
    worker->PostTlsContext(plan->tls);
    worker->PostPolicy(plan->policy);
  }
  active->cert = fresh.cert;
  active->key = fresh.key;
  active->auth_keys = fresh.auth_keys;
  active->auth_algorithms = fresh.auth_algorithms;
  active->auth_audience = fresh.auth_audience;
  active->auth_issuer = fresh.auth_issuer;
  active->auth_cookie = fresh.auth_cookie;
  active->auth_query_param = fresh.auth_query_param;
  active->public_topics = fresh.public_topics;
  active->allow_origins = fresh.allow_origins;
  active->log_level = fresh.log_level;
  active->log_format = fresh.log_format;
  for (const std::string& flag : plan->ignored) {
    LOG_WARN("reload: --%s changed but needs a restart; ignored", flag.c_str());
  }
  LOG_INFO("reloaded: certificate %s, key %s, %zu auth keys, %zu allowed origins",
           fresh.cert.c_str(), fresh.key.c_str(), fresh.auth_keys.size(),
           fresh.allow_origins.size());
}

int RunGateway(const Config& config, std::function<ParseResult()> reparse) {
  net::IgnoreSigpipe();
  RaiseDescriptorLimit(config.max_connections);
  const uint32_t worker_count = WorkerCount(config.threads);
  std::string error;
  // One key set for the process's life: tickets survive a certificate reload.
  std::shared_ptr<net::TicketKeys> ticket_keys =
      net::TicketKeys::Create(net::TicketKeys::kDefaultRotationMs, &error);
  if (ticket_keys == nullptr) return StartupError(error);
  std::shared_ptr<net::TlsContext> tls =
      net::TlsContext::Create(config.cert, config.key, &error, ticket_keys);
  if (tls == nullptr) return StartupError(error);
  std::shared_ptr<const http::AccessPolicy> auth = BuildAccessPolicy(config, &error);
  if (auth == nullptr) return StartupError(error);

  // Every worker gets its own socket of each listener; bound here, before anything
  // runs, so an address in use is reported at once.
  std::vector<net::TcpListener::BoundSocket> tls_sockets =
      net::TcpListener::BindGroup(config.listen.host, config.listen.port, worker_count, &error);
  if (tls_sockets.empty()) return StartupError(error);
  std::vector<net::TcpListener::BoundSocket> plain_sockets;
  if (config.listen_plain) {
    plain_sockets = net::TcpListener::BindGroup(config.listen_plain->host,
                                                config.listen_plain->port, worker_count, &error);
    if (plain_sockets.empty()) return StartupError(error);
  }
  std::vector<net::TcpListener::BoundSocket> metrics_sockets;
  if (config.metrics_listen) {
    // One socket on the first worker: scrapes are few and cheap.
    metrics_sockets = net::TcpListener::BindGroup(config.metrics_listen->host,
                                                  config.metrics_listen->port, 1, &error);
    if (metrics_sockets.empty()) return StartupError(error);
  }
  const std::string metrics_address =
      metrics_sockets.empty() ? std::string() : metrics_sockets.front().address;

  // Declaration order is teardown order in reverse: the workers (joined first) go before
  // the log, the publish socket and the loop whose tasks may still name them.
  net::EventLoop loop;  // the log owner's: the log, the publish socket, signals
  GatewayCounters log_counters;
  GatewayEnvironment site;
  site.AddCounters(&log_counters);
  net::ConnectionQuota quota(config.max_connections);
  net::LogOwner owner(loop, net::LogOwnerOptions{});
  std::unique_ptr<LogService> log =
      MakeLogService(config, loop, owner, log_counters, WallClockMs(), &error);
  if (log == nullptr) return StartupError(error);
  owner.SetLog(&log->log());
  site.AddMetricsSection([&log](std::string* out) { log->RenderMetrics(out); });

  net::WorkerOptions worker_options = WorkerOptionsFrom(config);
  worker_options.auth = auth;
  std::vector<std::unique_ptr<net::Worker>> workers;
  for (uint32_t i = 0; i < worker_count; ++i) {
    // One worker shares the log owner's loop: a publish then crosses no thread, and
    // `--threads 1` is one thread.
    auto worker = std::make_unique<net::Worker>(i, owner, site, tls, quota, worker_options,
                                                worker_count == 1 ? &loop : nullptr);
    worker->AddListener(std::move(tls_sockets[i]), true);
    if (!plain_sockets.empty()) worker->AddListener(std::move(plain_sockets[i]), false);
    if (i == 0 && !metrics_sockets.empty()) {
      worker->AddMetricsListener(std::move(metrics_sockets.front()));
    }
    owner.AddWorker(worker.get());
    site.AddWorkerCounters(&std::as_const(*worker).counters());
    workers.push_back(std::move(worker));
  }
  // Stops and joins the workers however this function returns.
  struct JoinWorkers {
    std::vector<std::unique_ptr<net::Worker>>& workers;
    ~JoinWorkers() {
      for (auto& worker : workers) worker->Stop();
      for (auto& worker : workers) worker->Join();
      workers.clear();
    }
  } join_workers{workers};

  net::PublishServer publish(
      loop, log->log(), owner, log_counters,
      {.path = config.socket_path,
       .mode = static_cast<mode_t>(config.socket_mode),
       .allowed_uids = config.socket_allow_uids,
       .publisher = {.max_frame_bytes = config.max_frame_bytes,
                     .stall_timeout_ms = uint64_t{config.publish_stall_timeout_s} * 1000}});
  if (!publish.Open(&error)) return StartupError(error);
  owner.set_on_open([&publish] { publish.ResumeAll(); });

  for (auto& worker : workers) worker->Start();

  bool shutting_down = false;
  size_t busy_workers = workers.size();
  net::EventPtr grace_timer(evtimer_new(
      loop.base(),
      [](evutil_socket_t, short, void* arg) {
        LOG_WARN("shutdown grace period over; closing the remaining connections");
        static_cast<net::EventLoop*>(arg)->Stop();
      },
      &loop));
  net::SignalWatcher signals(loop, {SIGTERM, SIGINT}, [&](int signal) {
    if (shutting_down) {
      LOG_WARN("%s again: exiting now", strsignal(signal));
      loop.Stop();
      return;
    }
    shutting_down = true;
    service_notify::Stopping();
    LOG_INFO("%s: shutting down (%llu connections, %zu publishers)", strsignal(signal),
             static_cast<unsigned long long>(quota.open()), publish.publisher_count());
    publish.Close();
    for (auto& worker : workers) {
      // Runs on the worker's thread once it has no connection left.
      worker->PostShutdown([&loop, &busy_workers] {
        loop.Post([&loop, &busy_workers] {
          if (--busy_workers == 0) {
            LOG_INFO("all connections closed");
            loop.Stop();
          }
        });
      });
    }
    evtimer_add(grace_timer.get(), &kShutdownGrace);
  });

  Config active = config;
  net::SignalWatcher reload_signal(loop, {SIGHUP}, [&](int) {
    if (shutting_down) return;
    service_notify::Reloading();
    LOG_INFO("SIGHUP: reloading the configuration");
    ParseResult parsed = reparse();
    if (!parsed.config) {
      std::string message = parsed.message;
      while (!message.empty() && message.back() == '\n') message.pop_back();
      LOG_ERROR("reload failed, keeping the running settings: %s", message.c_str());
    } else {
      Reload(*parsed.config, &active, workers, ticket_keys);
    }
    service_notify::Ready();
  });

  // /readyz follows the log (the cluster log is not ready while NATS is unreachable),
  // except while draining.
  log->OnReadyChange([&workers, &shutting_down](bool ready) {
    if (shutting_down) return;
    for (auto& worker : workers) worker->PostReady(ready);
  });
  // With the cluster log, once its tail is loaded: resumes work from the first request.
  log->WhenReady([&] {
    std::string metrics_text;
    if (!metrics_address.empty()) metrics_text = ", metrics on " + metrics_address;
    printf("sse-gateway: listening on %s, publish socket %s%s\n", Listeners(*workers[0]).c_str(),
           publish.path().c_str(), metrics_text.c_str());
    fflush(stdout);
    service_notify::Ready();
    LOG_INFO("%u worker threads; publish socket mode %04o; history %llu events / %llu bytes",
             worker_count, config.socket_mode,
             static_cast<unsigned long long>(config.history_events),
             static_cast<unsigned long long>(config.history_bytes));
  });

  loop.Run();
  publish.Close();
  LOG_INFO("stopped");
  return 0;
}

}  // namespace ssegw::app
