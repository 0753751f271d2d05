#include "app/metrics.h"

#include <algorithm>

namespace ssegw::app {
namespace {

void Write(std::string* out, const char* name, const char* type, const char* help, uint64_t value) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out->append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

MetricsSnapshot TakeSnapshot(const GatewayCounters& counters, const Hub& hub) {
  return {counters, hub.history().size(), hub.history().bytes()};
}

void Add(const MetricsSnapshot& loop, MetricsSnapshot* total) {
  GatewayCounters& t = total->counters;
  const GatewayCounters& c = loop.counters;
  t.connections += c.connections;
  t.streams += c.streams;
  t.publishers += c.publishers;
  t.events_published_total += c.events_published_total;
  t.events_delivered_total += c.events_delivered_total;
  t.bytes_sent_total += c.bytes_sent_total;
  t.replayed_events_total += c.replayed_events_total;
  t.slow_consumer_closes_total += c.slow_consumer_closes_total;
  t.publish_errors_total += c.publish_errors_total;
  t.duplicate_events_total += c.duplicate_events_total;
  total->history_events = std::max(total->history_events, loop.history_events);
  total->history_bytes = std::max(total->history_bytes, loop.history_bytes);
}

std::string RenderMetrics(const MetricsSnapshot& snapshot) {
  const GatewayCounters& c = snapshot.counters;
  std::string out;
  out.reserve(2048);
  Write(&out, "ssegw_connections", "gauge", "Open client connections.", c.connections);
  Write(&out, "ssegw_streams", "gauge", "Open SSE streams.", c.streams);
  Write(&out, "ssegw_publishers", "gauge", "Open publish-socket connections.", c.publishers);
  Write(&out, "ssegw_history_events", "gauge", "Events held for Last-Event-ID replay.",
        snapshot.history_events);
  Write(&out, "ssegw_history_bytes", "gauge", "Bytes held by the replay history.",
        snapshot.history_bytes);
  Write(&out, "ssegw_events_published_total", "counter",
        "Events accepted into history (duplicates excluded).", c.events_published_total);
  Write(&out, "ssegw_events_delivered_total", "counter",
        "Events queued to a stream, replayed ones included.", c.events_delivered_total);
  Write(&out, "ssegw_bytes_sent_total", "counter", "Bytes written to client connections.",
        c.bytes_sent_total);
  Write(&out, "ssegw_replayed_events_total", "counter", "Events sent from history on resume.",
        c.replayed_events_total);
  Write(&out, "ssegw_slow_consumer_closes_total", "counter",
        "Streams ended by the slow-consumer rule.", c.slow_consumer_closes_total);
  Write(&out, "ssegw_publish_errors_total", "counter",
        "Publish requests rejected or frames refused.", c.publish_errors_total);
  Write(&out, "ssegw_duplicate_events_total", "counter",
        "Published events whose id was already in history.", c.duplicate_events_total);
  return out;
}

}  // namespace ssegw::app
