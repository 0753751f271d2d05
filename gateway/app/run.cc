#include "app/run.h"

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "app/gateway_environment.h"
#include "core/counters.h"
#include "core/hub.h"
#include "net/event_loop.h"
#include "net/gateway_server.h"
#include "net/log.h"
#include "net/publish_server.h"
#include "net/signals.h"
#include "net/tls_context.h"

namespace ssegw::app {
namespace {

// How long a graceful shutdown waits for connections to finish before exiting anyway.
constexpr timeval kShutdownGrace{5, 0};

uint64_t WallClockMs() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1000000;
}

net::GatewayServerOptions ServerOptions(const Config& config) {
  net::GatewayServerOptions options;
  h2::SessionOptions& session = options.connection.session;
  session.max_concurrent_streams = config.max_streams;
  session.stream_buffer_bytes = config.stream_buffer_bytes;
  session.slow_consumer_grace_ms = uint64_t{config.slow_consumer_grace_s} * 1000;
  session.retry_ms = config.retry_ms;
  session.keepalive_ms = uint64_t{config.keepalive_s} * 1000;
  session.max_stream_age_ms = uint64_t{config.max_stream_age_s} * 1000;
  session.allowed_origins = config.allow_origins;
  options.max_connections = config.max_connections;
  return options;
}

std::string Url(const std::string& address) {
  return "https://" + address;
}

// What the startup line says about the listeners. Tests and tools take the TLS port from
// its "https://HOST:PORT" and the cleartext one from "http://HOST:PORT".
std::string Listeners(const net::GatewayServer& server) {
  std::string text = Url(server.address()) + " (h2, http/1.1)";
  if (!server.plain_address().empty()) {
    text += " and http://" + server.plain_address() + " (h2c, http/1.1)";
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

int RunGateway(const Config& config) {
  net::IgnoreSigpipe();
  RaiseDescriptorLimit(config.max_connections);
  if (config.threads > 1) {
    LOG_WARN("--threads %u: this version runs one event loop; the others are not started",
             config.threads);
  }
  std::string error;
  std::unique_ptr<net::TlsContext> tls = net::TlsContext::Create(config.cert, config.key, &error);
  if (tls == nullptr) return StartupError(error);

  // Declaration order is teardown order in reverse: servers go before the hub and
  // counters they use, and every event goes before the loop.
  net::EventLoop loop;
  GatewayCounters counters;
  Hub hub(
      HubOptions{.history_events = config.history_events, .history_bytes = config.history_bytes},
      WallClockMs(), counters);
  GatewayEnvironment environment(hub, counters);

  net::GatewayServer server(loop, environment, *tls, ServerOptions(config));
  if (!server.Listen(config.listen.host, config.listen.port, &error)) return StartupError(error);
  if (config.listen_plain &&
      !server.ListenPlain(config.listen_plain->host, config.listen_plain->port, &error)) {
    return StartupError(error);
  }

  net::PublishServer publish(loop, hub, counters,
                             {.path = config.socket_path,
                              .mode = static_cast<mode_t>(config.socket_mode),
                              .publisher = {.max_frame_bytes = config.max_frame_bytes}});
  if (!publish.Open(&error)) return StartupError(error);

  bool shutting_down = false;
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
    LOG_INFO("%s: shutting down (%zu connections, %zu publishers)", strsignal(signal),
             server.connection_count(), publish.publisher_count());
    publish.Close();
    server.BeginShutdown([&loop] {
      LOG_INFO("all connections closed");
      loop.Stop();
    });
    evtimer_add(grace_timer.get(), &kShutdownGrace);
  });

  printf("sse-gateway: listening on %s, publish socket %s\n", Listeners(server).c_str(),
         publish.path().c_str());
  fflush(stdout);
  LOG_INFO("listening on %s, publish socket %s (mode %04o), history %llu events / %llu bytes",
           Listeners(server).c_str(), publish.path().c_str(), config.socket_mode,
           static_cast<unsigned long long>(config.history_events),
           static_cast<unsigned long long>(config.history_bytes));

  loop.Run();
  publish.Close();
  LOG_INFO("stopped");
  return 0;
}

}  // namespace ssegw::app
