#include "report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace ssebench {

namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Fixed-point with `digits` decimals; JSON has no NaN or infinity, so those become 0.
std::string Number(double value, int digits) {
  if (!std::isfinite(value)) value = 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

class JsonObject {
 public:
  JsonObject& Add(const char* key, const std::string& raw) {
    out_ << (first_ ? "" : ",") << '"' << key << "\":" << raw;
    first_ = false;
    return *this;
  }
  JsonObject& Add(const char* key, uint64_t value) { return Add(key, std::to_string(value)); }
  JsonObject& Add(const char* key, double value, int digits) {
    return Add(key, Number(value, digits));
  }
  std::string Done() { return "{" + out_.str() + "}"; }

 private:
  std::ostringstream out_;
  bool first_ = true;
};

}  // namespace

std::string ToJsonLine(const RunResults& r) {
  const std::string latency = JsonObject()
                                  .Add("p50", r.latency.p50_ms, 3)
                                  .Add("p90", r.latency.p90_ms, 3)
                                  .Add("p99", r.latency.p99_ms, 3)
                                  .Add("p999", r.latency.p999_ms, 3)
                                  .Add("max", r.latency.max_ms, 3)
                                  .Add("samples", r.latency.samples)
                                  .Done();
  const std::string error_detail = JsonObject()
                                       .Add("publish", r.publish_errors)
                                       .Add("connections_failed", r.connections_failed)
                                       .Add("streams_failed", r.streams_failed)
                                       .Add("streams_closed", r.streams_closed)
                                       .Add("goaways", r.goaways)
                                       .Add("unexpected_events", r.unexpected)
                                       .Add("first", JsonString(r.first_error))
                                       .Done();
  JsonObject o;
  o.Add("url", JsonString(r.url))
      .Add("connections", r.connections)
      .Add("streams_per_connection", r.streams_per_connection)
      .Add("streams_requested", r.streams_requested)
      .Add("streams_open", r.streams_open)
      .Add("topics", r.topics)
      .Add("threads", static_cast<uint64_t>(r.threads))
      .Add("setup_s", r.setup_s, 3)
      .Add("warmup_s", r.warmup_s, 3)
      .Add("duration_s", r.duration_s, 3)
      .Add("publish_rate", r.publish_rate, 1)
      .Add("payload_bytes", r.payload_bytes)
      .Add("batch", r.batch)
      .Add("events_sent", r.events_sent)
      .Add("events_published", r.events_published)
      .Add("events_rejected", r.events_rejected)
      .Add("expected_deliveries", r.expected_deliveries)
      .Add("events_received", r.events_received)
      .Add("lost", r.lost)
      .Add("window_deliveries", r.window_deliveries)
      .Add("deliveries_per_s", r.deliveries_per_s, 1)
      .Add("published_per_s", r.published_per_s, 1)
      .Add("received_mib_per_s", r.received_mib_per_s, 2)
      .Add("latency_ms", latency)
      .Add("errors", r.errors)
      .Add("error_detail", error_detail)
      .Add("cpu_seconds", r.cpu_seconds, 3)
      .Add("window_cpu_seconds", r.window_cpu_seconds, 3)
      .Add("cpu_ns_per_delivery", r.cpu_ns_per_delivery, 1);
  if (r.gateway_cpu_seconds) o.Add("gateway_cpu_seconds", *r.gateway_cpu_seconds, 3);
  if (r.gateway_cpu_ns_per_delivery) {
    o.Add("gateway_cpu_ns_per_delivery", *r.gateway_cpu_ns_per_delivery, 1);
  }
  if (r.gateway_cpu_ns_per_published_event) {
    o.Add("gateway_cpu_ns_per_published_event", *r.gateway_cpu_ns_per_published_event, 1);
  }
  if (r.host_cpu_busy) o.Add("host_cpu_busy", *r.host_cpu_busy, 3);
  o.Add("source_addresses", r.source_addresses);
  if (r.gateway_rss_kib_before && r.gateway_rss_kib_held) {
    o.Add("gateway_rss_kib", JsonObject()
                                 .Add("before", *r.gateway_rss_kib_before)
                                 .Add("held", *r.gateway_rss_kib_held)
                                 .Done());
  }
  if (r.gateway_rss_bytes_per_connection) {
    o.Add("gateway_rss_bytes_per_connection", *r.gateway_rss_bytes_per_connection, 0);
  }
  if (r.gateway_cpu_share) o.Add("gateway_cpu_share", *r.gateway_cpu_share, 5);
  if (r.storm) {
    const StormResults& t = *r.storm;
    o.Add("storm", JsonObject()
                       .Add("events_behind", t.events_behind)
                       .Add("resume", std::string(t.resume ? "true" : "false"))
                       .Add("connections", t.connections)
                       .Add("reconnect_s", t.reconnect_s, 3)
                       .Add("handshakes_full", t.handshakes_full)
                       .Add("handshakes_resumed", t.handshakes_resumed)
                       .Add("handshakes_per_s", t.handshakes_per_s, 1)
                       .Add("catch_up_s", t.catch_up_s, 3)
                       .Add("streams_caught_up", t.streams_caught_up)
                       .Done());
  }
  return o.Done();
}

std::string ProgressLine(double elapsed_s, uint64_t streams_open, uint64_t streams_requested,
                         double deliveries_per_s, double p99_ms, uint64_t published,
                         uint64_t errors) {
  char line[256];
  std::snprintf(line, sizeof line,
                "sse-bench %5.0fs  streams %llu/%llu  deliveries/s %.0f  p99 %.2f ms  "
                "published %llu  errors %llu",
                elapsed_s, static_cast<unsigned long long>(streams_open),
                static_cast<unsigned long long>(streams_requested), deliveries_per_s, p99_ms,
                static_cast<unsigned long long>(published),
                static_cast<unsigned long long>(errors));
  return line;
}

}  // namespace ssebench
