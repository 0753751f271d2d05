#include "app/reload.h"

#include "app/auth_setup.h"

namespace ssegw::app {

std::vector<std::string> SettingsNeedingRestart(const Config& a, const Config& b) {
  std::vector<std::string> changed;
  auto check = [&](const char* flag, bool same) {
    if (!same) changed.push_back(flag);
  };
  check("listen", a.listen == b.listen);
  check("listen-plain", a.listen_plain == b.listen_plain);
  check("metrics-listen", a.metrics_listen == b.metrics_listen);
  check("socket", a.socket_path == b.socket_path);
  check("socket-mode", a.socket_mode == b.socket_mode);
  check("socket-allow-uid", a.socket_allow_uids == b.socket_allow_uids);
  check("history", a.history_events == b.history_events);
  check("history-bytes", a.history_bytes == b.history_bytes);
  check("keepalive", a.keepalive_s == b.keepalive_s);
  check("retry", a.retry_ms == b.retry_ms);
  check("max-stream-age", a.max_stream_age_s == b.max_stream_age_s);
  check("max-connections", a.max_connections == b.max_connections);
  check("max-streams", a.max_streams == b.max_streams);
  check("stream-buffer", a.stream_buffer_bytes == b.stream_buffer_bytes);
  check("slow-consumer-grace", a.slow_consumer_grace_s == b.slow_consumer_grace_s);
  check("max-frame", a.max_frame_bytes == b.max_frame_bytes);
  check("publish-stall-timeout", a.publish_stall_timeout_s == b.publish_stall_timeout_s);
  check("threads", a.threads == b.threads);
  check("nats", a.nats_urls == b.nats_urls);
  check("nats-creds", a.nats_creds == b.nats_creds);
  check("nats-ca", a.nats_ca == b.nats_ca);
  check("nats-stream", a.nats_stream == b.nats_stream);
  check("nats-replicas", a.nats_replicas == b.nats_replicas);
  check("publish-timeout", a.publish_timeout_ms == b.publish_timeout_ms);
  return changed;
}

std::optional<ReloadPlan> PrepareReload(const Config& running, const Config& fresh,
                                        std::shared_ptr<net::TicketKeys> ticket_keys,
                                        std::string* error) {
  ReloadPlan plan;
  std::unique_ptr<net::TlsContext> tls =
      net::TlsContext::Create(fresh.cert, fresh.key, error, std::move(ticket_keys));
  if (tls == nullptr) return std::nullopt;
  plan.tls = std::move(tls);
  plan.policy = BuildAccessPolicy(fresh, error);
  if (plan.policy == nullptr) return std::nullopt;
  plan.log_level = fresh.log_level;
  plan.log_format = fresh.log_format;
  plan.ignored = SettingsNeedingRestart(running, fresh);
  return plan;
}

}  // namespace ssegw::app
