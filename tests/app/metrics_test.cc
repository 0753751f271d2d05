#include "app/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace ssegw::app {
namespace {

using ::testing::HasSubstr;

MetricsSnapshot Sample() {
  MetricsSnapshot snapshot;
  GatewayCounters& c = snapshot.counters;
  c.connections = 3;
  c.streams = 5;
  c.publishers = 1;
  c.events_published_total = 100;
  c.events_delivered_total = 250;
  c.bytes_sent_total = 123456789012ull;
  c.replayed_events_total = 7;
  c.slow_consumer_closes_total = 2;
  c.publish_errors_total = 4;
  c.duplicate_events_total = 6;
  snapshot.history_events = 90;
  snapshot.history_bytes = 4096;
  return snapshot;
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
  EXPECT_EQ(samples, 12);
}

TEST(MetricsTest, AddSumsCountersAndKeepsTheLargestHistory) {
  MetricsSnapshot total;
  Add(Sample(), &total);
  MetricsSnapshot other = Sample();
  other.history_events = 10;
  Add(other, &total);
  EXPECT_EQ(total.counters.connections, 6u);
  EXPECT_EQ(total.counters.events_delivered_total, 500u);
  EXPECT_EQ(total.history_events, 90u);
}

}  // namespace
}  // namespace ssegw::app
