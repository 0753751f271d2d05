// /metrics after a scenario whose every number is known in advance.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

class MetricsTest : public GatewayTest {
 protected:
  // Fetches /metrics until `name` reads `value`: gauges change when the gateway has
  // processed a disconnect, which the client cannot observe any other way.
  bool WaitForMetric(H2Client& client, const std::string& name, double value) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    double last = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto metrics = Metrics(client);
      auto it = metrics.find(name);
      if (it != metrics.end() && (last = it->second) == value) return true;
      client.Pump(20);
    }
    ADD_FAILURE() << name << " stayed at " << last << ", expected " << value;
    return false;
  }
};

TEST_F(MetricsTest, ValuesMatchAKnownScenario) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto a = Connect();
  ASSERT_TRUE(a);
  auto b = Connect();
  ASSERT_TRUE(b);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  auto idle_publisher = ConnectPublisher();
  ASSERT_TRUE(idle_publisher);

  {
    const auto before = Metrics(*a);
    EXPECT_EQ(Value(before, "ssegw_connections"), 2);
    EXPECT_EQ(Value(before, "ssegw_streams"), 0);
    EXPECT_EQ(Value(before, "ssegw_events_published_total"), 0);
    EXPECT_EQ(Value(before, "ssegw_events_delivered_total"), 0);
  }

  StreamState* s1 = a->stream(a->Get("/events/m1"));
  StreamState* s2 = a->stream(a->Get("/events/m1"));
  StreamState* s3 = a->stream(a->Get("/events?topic=m1&topic=m2"));
  StreamState* s5 = b->stream(b->Get("/events/elsewhere"));
  H2Client* both[] = {a.get(), b.get()};
  ASSERT_TRUE(H2Client::RunUntil(
      both,
      [&] {
        return s1->headers_received && s2->headers_received && s3->headers_received &&
               s5->headers_received;
      },
      kWait));

  PublishOk(*publisher,
            MakeRequest(1, {MakeEvent({"m1"}, "a1", "a1"), MakeEvent({"m1"}, "a2", "a2")}));
  PublishOk(*publisher, MakeRequest(2, {MakeEvent({"m2"}, "b1", "b1")}));
  const auto reply = publisher->Publish(
      MakeRequest(3, {MakeEvent({"m1"}, "a3", "a3"), MakeEvent({"m1"}, "a1 again", "a1")}));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->duplicates(), 1u);
  // Delivered: a1 a2 a3 to s1, s2 and s3 (9), b1 to s3 (1).
  ASSERT_TRUE(WaitForEvents(*a, s1, 3));
  ASSERT_TRUE(WaitForEvents(*a, s2, 3));
  ASSERT_TRUE(WaitForEvents(*a, s3, 4));
  // s4 resumes after a1: a2 and a3 are replayed (2 more delivered).
  StreamState* s4 = a->stream(a->Get("/events/m1", {{"last-event-id", "a1"}}));
  ASSERT_TRUE(WaitForEvents(*a, s4, 2));

  // Every body byte the clients received so far went through TLS, with frame headers on
  // top (counted before this /metrics response, which cannot include itself).
  size_t body_bytes = 0;
  for (H2Client* c : both) {
    for (const auto& [id, s] : c->streams()) body_bytes += s->body.size();
  }
  const auto m = Metrics(*a);
  EXPECT_EQ(Value(m, "ssegw_connections"), 2);
  EXPECT_EQ(Value(m, "ssegw_streams"), 5);
  EXPECT_EQ(Value(m, "ssegw_publishers"), 2);
  EXPECT_EQ(Value(m, "ssegw_events_published_total"), 4);
  EXPECT_EQ(Value(m, "ssegw_events_delivered_total"), 12);
  EXPECT_EQ(Value(m, "ssegw_replayed_events_total"), 2);
  EXPECT_EQ(Value(m, "ssegw_slow_consumer_closes_total"), 0);
  EXPECT_EQ(Value(m, "ssegw_publish_errors_total"), 0);
  EXPECT_GE(Value(m, "ssegw_bytes_sent_total"), static_cast<double>(body_bytes));
  EXPECT_LT(Value(m, "ssegw_bytes_sent_total"), 1024.0 * 1024);

  const StreamState* page = a->streams().rbegin()->second.get();
  EXPECT_THAT(page->Header("content-type").value_or(""), ::testing::StartsWith("text/plain"));

  // Gauges follow departures: a cancelled stream, a closed publisher, a lost connection.
  a->Cancel(s4->id);
  ASSERT_TRUE(WaitForMetric(*a, "ssegw_streams", 4));
  idle_publisher.reset();
  ASSERT_TRUE(WaitForMetric(*a, "ssegw_publishers", 1));
  b->Disconnect();
  ASSERT_TRUE(WaitForMetric(*a, "ssegw_connections", 1));
  ASSERT_TRUE(WaitForMetric(*a, "ssegw_streams", 3));
  // Totals never go down.
  const auto after = Metrics(*a);
  EXPECT_EQ(Value(after, "ssegw_events_delivered_total"), 12);
  EXPECT_GE(Value(after, "ssegw_bytes_sent_total"), Value(m, "ssegw_bytes_sent_total"));
}

}  // namespace
}  // namespace ssegw::testing
