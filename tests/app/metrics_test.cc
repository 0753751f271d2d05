#include "app/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace ssegw::app {
namespace {

using ::testing::HasSubstr;

CounterValues Sample() {
  GatewayCounters c;
  c.connections.Set(3);
  c.streams.Set(5);
  c.publishers.Set(1);
  c.history_events.Set(90);
  c.history_bytes.Set(4096);
  c.events_published_total.Set(100);
  c.events_delivered_total.Set(250);
  c.bytes_sent_total.Set(123456789012ull);
  c.replayed_events_total.Set(7);
  c.slow_consumer_closes_total.Set(2);
  c.publish_errors_total.Set(4);
  c.duplicate_events_total.Set(6);
  CounterValues values{};
  AddValues(c, &values);
  return values;
}

TEST(MetricsTest, EveryContractMetricWithHelpAndType) {
  std::string text = RenderMetrics(Sample());
  struct Expected {
    const char* name;
    const char* type;
    const char* value;
  };
  for (const Expected& e :
       {Expected{"ssegw_connections", "gauge", "3"}, Expected{"ssegw_streams", "gauge", "5"},
        Expected{"ssegw_publishers", "gauge", "1"}, Expected{"ssegw_history_events", "gauge", "90"},
        Expected{"ssegw_history_bytes", "gauge", "4096"},
        Expected{"ssegw_events_published_total", "counter", "100"},
        Expected{"ssegw_events_delivered_total", "counter", "250"},
        Expected{"ssegw_bytes_sent_total", "counter", "123456789012"},
        Expected{"ssegw_replayed_events_total", "counter", "7"},
        Expected{"ssegw_slow_consumer_closes_total", "counter", "2"},
        Expected{"ssegw_publish_errors_total", "counter", "4"},
        Expected{"ssegw_duplicate_events_total", "counter", "6"}}) {
    std::string name = e.name;
    EXPECT_THAT(text, HasSubstr("# HELP " + name + " ")) << name;
    EXPECT_THAT(text, HasSubstr("# TYPE " + name + " " + e.type + "\n")) << name;
    EXPECT_THAT(text, HasSubstr("\n" + name + " " + e.value + "\n")) << name;
  }
}

TEST(MetricsTest, WellFormedLines) {
  std::istringstream lines(RenderMetrics(Sample()));
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    ASSERT_FALSE(line.empty());
    if (line[0] == '#') {
      EXPECT_TRUE(line.starts_with("# HELP ssegw_") || line.starts_with("# TYPE ssegw_")) << line;
      continue;
    }
    ++samples;
    size_t space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_EQ(line.find_first_not_of("0123456789", space + 1), std::string::npos) << line;
  }
  EXPECT_EQ(samples, static_cast<int>(kCounterCount));  // one per counter, no labels
}

TEST(MetricsTest, ListsTheClusterLogMetricsWhateverTheLog) {
  const std::string text = RenderMetrics(CounterValues{});
  EXPECT_THAT(text, HasSubstr("# TYPE ssegw_log_gaps_total counter\nssegw_log_gaps_total 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE ssegw_log_lag gauge\nssegw_log_lag 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE ssegw_nats_connected gauge\nssegw_nats_connected 0\n"));
}

TEST(MetricsTest, AddValuesSumsEveryThreadsCounters) {
  GatewayCounters worker1, worker2, log_owner;
  worker1.connections.Set(2);
  worker2.connections.Set(4);
  worker1.events_delivered_total.Set(10);
  worker2.events_delivered_total.Set(32);
  log_owner.history_events.Set(90);
  CounterValues total{};
  for (const GatewayCounters* c : {&worker1, &worker2, &log_owner}) AddValues(*c, &total);
  const std::string text = RenderMetrics(total);
  EXPECT_THAT(text, HasSubstr("\nssegw_connections 6\n"));
  EXPECT_THAT(text, HasSubstr("\nssegw_events_delivered_total 42\n"));
  EXPECT_THAT(text, HasSubstr("\nssegw_history_events 90\n"));
}

}  // namespace
}  // namespace ssegw::app
