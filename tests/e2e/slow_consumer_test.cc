// Slow consumers against the real gateway: a stream that stops taking data is ended
// cleanly once its backlog passes --stream-buffer, the other streams of the connection
// go on, and the gateway's memory stays bounded however much is published. These tests
// let the stalled stream read again later, so --slow-consumer-grace is set out of reach
// (its reset is tested in hardening_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

class SlowConsumerTest : public GatewayTest {
 protected:
  // Publishes `requests` requests of `per_request` events of `payload` bytes on `topic`,
  // each only after `reader` received the previous one on `follow`: the fast side keeps
  // up, so only deliberately slow streams fall behind. Ids are "s<n>", n counting on
  // from *published across calls.
  void Flood(Publisher& publisher, H2Client& reader, const StreamState* follow,
             const std::string& topic, int requests, int per_request, size_t payload,
             int* published) {
    int& n = *published;
    for (int r = 1; r <= requests; ++r) {
      v1::PublishRequest request;
      request.set_seq(static_cast<uint64_t>(n + 1));
      for (int i = 0; i < per_request; ++i) {
        ++n;
        *request.add_events() =
            MakeEvent({topic}, std::string(payload, 'a' + n % 26), "s" + std::to_string(n));
      }
      ASSERT_EQ(PublishOk(publisher, request).size(), static_cast<size_t>(per_request));
      ASSERT_TRUE(WaitForEvents(reader, follow, static_cast<size_t>(n), kLongWait))
          << "the fast stream fell behind at event " << n << " (has " << follow->events.size()
          << ", closed=" << follow->closed << ")";
    }
  }

  // The events of a slow stream must be the first k published, none skipped, none twice.
  static void ExpectPrefix(const StreamState* s, size_t published) {
    ASSERT_LT(s->events.size(), published) << "the slow stream got everything";
    for (size_t i = 0; i < s->events.size(); ++i) {
      ASSERT_EQ(s->events[i].last_event_id, "s" + std::to_string(i + 1)) << "at " << i;
    }
  }
};

// The client's streams get a 1 KiB window; `fast` is widened to 16 MiB and reads
// everything, `slow` stays at 1 KiB and is never acknowledged until resumed.
constexpr int32_t kTinyWindow = 1024;

TEST_F(SlowConsumerTest, SlowStreamIsEndedWhileItsNeighbourKeepsReceiving) {
  // Each request (one 1,000-byte event) fits --stream-buffer, so only the stalled
  // stream can ever pass it.
  ASSERT_NO_FATAL_FAILURE(StartGateway(
      {"--stream-buffer", "4096", "--keepalive", "3600", "--slow-consumer-grace", "3600"}));
  auto client = Connect(H2ClientOptions{.initial_stream_window = kTinyWindow});
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* fast =
      client->stream(client->Get("/events/flood", {}, StreamOptions{.window = 16 << 20}));
  StreamState* slow =
      client->stream(client->Get("/events/flood", {}, StreamOptions{.paused = true}));
  ASSERT_TRUE(
      client->RunUntil([&] { return fast->headers_received && slow->headers_received; }, kWait));
  int published = 0;
  ASSERT_NO_FATAL_FAILURE(Flood(*publisher, *client, fast, "flood", 300, 1, 1000, &published));
  const size_t total = static_cast<size_t>(published);
  EXPECT_EQ(fast->events.size(), total);
  EXPECT_FALSE(fast->closed);
  // While stalled, the slow stream got no more than its window.
  EXPECT_LE(slow->body.size(), static_cast<size_t>(kTinyWindow));
  EXPECT_FALSE(slow->closed);

  // Reading again, it gets what was queued for it and then a clean end: END_STREAM,
  // not RST_STREAM, so a browser reconnects with Last-Event-ID.
  client->ResumeStream(slow->id);
  ASSERT_TRUE(client->RunUntil([&] { return slow->closed; }, kWait))
      << "the slow stream was never ended; it has " << slow->events.size() << " events, "
      << slow->body.size() << " bytes";
  EXPECT_TRUE(slow->end_stream_received);
  EXPECT_FALSE(slow->rst_received) << "reset with error " << slow->rst_error_code;
  EXPECT_EQ(slow->close_error_code, 0u);
  ASSERT_NO_FATAL_FAILURE(ExpectPrefix(slow, total));
  // Its backlog was bounded: the window, --stream-buffer and the event that passed it.
  EXPECT_LE(slow->body.size(), kTinyWindow + 4096u + 1100u);

  // The neighbour is still open and live.
  PublishOk(*publisher, MakeRequest(9999, {MakeEvent({"flood"}, "after", "after")}));
  ASSERT_TRUE(WaitForEvents(*client, fast, total + 1));
  EXPECT_EQ(fast->events.back().last_event_id, "after");
  EXPECT_FALSE(fast->closed);

  const auto metrics = Metrics(*client);
  EXPECT_EQ(Value(metrics, "ssegw_slow_consumer_closes_total"), 1);
  EXPECT_EQ(Value(metrics, "ssegw_streams"), 1);
  EXPECT_EQ(Value(metrics, "ssegw_connections"), 1);
}

TEST_F(SlowConsumerTest, SlowStreamKeepsGatewayMemoryBounded) {
  constexpr int kRequests = 500;
  constexpr int kPerRequest = 10;
  constexpr size_t kPayload = 4000;  // 500 × 10 × 4 KB = 20 MB through the gateway
  // 64 KiB holds one whole request (40 KB) so the fast stream never passes it.
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--stream-buffer", "65536", "--history", "100",
                                        "--keepalive", "3600", "--slow-consumer-grace", "3600"}));
  auto client = Connect(H2ClientOptions{.initial_stream_window = kTinyWindow});
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* fast =
      client->stream(client->Get("/events/flood", {}, StreamOptions{.window = 16 << 20}));
  StreamState* slow =
      client->stream(client->Get("/events/flood", {}, StreamOptions{.paused = true}));
  ASSERT_TRUE(
      client->RunUntil([&] { return fast->headers_received && slow->headers_received; }, kWait));

  // Warm up (allocator pools, history filled to its cap) before the baseline.
  int published = 0;
  ASSERT_NO_FATAL_FAILURE(
      Flood(*publisher, *client, fast, "flood", 20, kPerRequest, kPayload, &published));
  const long rss_before = gateway().RssKiB();
  ASSERT_GT(rss_before, 0);
  ASSERT_NO_FATAL_FAILURE(
      Flood(*publisher, *client, fast, "flood", kRequests, kPerRequest, kPayload, &published));
  const long rss_after = gateway().RssKiB();
  RecordProperty("rss_before_kib", std::to_string(rss_before));
  RecordProperty("rss_after_kib", std::to_string(rss_after));
  const size_t total = static_cast<size_t>(published);
  EXPECT_EQ(fast->events.size(), total);
  EXPECT_FALSE(fast->closed);
  // 20 MB went through; an unbounded queue on the slow stream would hold all of it.
  // (Under ASan, freed memory sits in its quarantine, so RSS says nothing there.)
  if (!kSanitizedBuild) {
    EXPECT_LT(rss_after - rss_before, 10 * 1024)
        << "RSS grew from " << rss_before << " KiB to " << rss_after << " KiB";
  }
  client->ResumeStream(slow->id);
  ASSERT_TRUE(client->RunUntil([&] { return slow->closed; }, kWait));
  EXPECT_TRUE(slow->end_stream_received);
  ASSERT_NO_FATAL_FAILURE(ExpectPrefix(slow, total));
  EXPECT_LE(slow->body.size(), kTinyWindow + 65536u + 10 * (kPayload + 100));
}

TEST_F(SlowConsumerTest, ReconnectAfterSlowEndCatchesUpFromHistory) {
  ASSERT_NO_FATAL_FAILURE(StartGateway(
      {"--stream-buffer", "4096", "--keepalive", "3600", "--slow-consumer-grace", "3600"}));
  auto client = Connect(H2ClientOptions{.initial_stream_window = kTinyWindow});
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* fast =
      client->stream(client->Get("/events/c", {}, StreamOptions{.window = 16 << 20}));
  StreamState* slow = client->stream(client->Get("/events/c", {}, StreamOptions{.paused = true}));
  ASSERT_TRUE(
      client->RunUntil([&] { return fast->headers_received && slow->headers_received; }, kWait));
  int published = 0;
  ASSERT_NO_FATAL_FAILURE(Flood(*publisher, *client, fast, "c", 40, 5, 500, &published));
  const size_t total = static_cast<size_t>(published);
  client->ResumeStream(slow->id);
  ASSERT_TRUE(client->RunUntil([&] { return slow->closed; }, kWait));
  EXPECT_TRUE(slow->end_stream_received);
  ASSERT_NO_FATAL_FAILURE(ExpectPrefix(slow, total));
  // What EventSource does next: reconnect with the last id it saw.
  const std::string last_seen = slow->parser.last_event_id();
  ASSERT_FALSE(last_seen.empty());
  StreamState* again = client->stream(
      client->Get("/events/c", {{"last-event-id", last_seen}}, StreamOptions{.window = 16 << 20}));
  const size_t missing = total - slow->events.size();
  ASSERT_TRUE(WaitForEvents(*client, again, missing))
      << "resumed after " << last_seen << ": got " << again->events.size() << " of " << missing
      << " (status " << again->status << ", closed=" << again->closed
      << ", END_STREAM=" << again->end_stream_received << ", body " << again->body.size()
      << " bytes)";
  std::vector<std::string> all = Ids(slow->events);
  for (const std::string& id : Ids(again->events)) all.push_back(id);
  ASSERT_EQ(all.size(), total);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], "s" + std::to_string(i + 1));
}

TEST_F(SlowConsumerTest, StalledConnectionKeepsGatewayMemoryBounded) {
  constexpr int kRequests = 1000;
  constexpr int kPerRequest = 10;
  constexpr size_t kPayload = 4000;  // 1,000 × 10 × 4 KB = 40 MB through the gateway
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--stream-buffer", "65536", "--history", "100",
                                        "--keepalive", "3600", "--slow-consumer-grace", "3600"}));
  auto reader = Connect();
  ASSERT_TRUE(reader);
  auto stalled = Connect();
  ASSERT_TRUE(stalled);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* fast = reader->stream(reader->Get("/events/big"));
  StreamState* stuck1 = stalled->stream(stalled->Get("/events/big"));
  StreamState* stuck2 = stalled->stream(stalled->Get("/events?topic=big&topic=other"));
  ASSERT_TRUE(reader->RunUntil([&] { return fast->headers_received; }, kWait));
  ASSERT_TRUE(stalled->RunUntil(
      [&] { return stuck1->headers_received && stuck2->headers_received; }, kWait));
  // The peer stops reading its socket altogether, as a frozen browser tab would.
  stalled->SetReading(false);

  int published = 0;
  ASSERT_NO_FATAL_FAILURE(
      Flood(*publisher, *reader, fast, "big", 20, kPerRequest, kPayload, &published));
  const long rss_before = gateway().RssKiB();
  ASSERT_NO_FATAL_FAILURE(
      Flood(*publisher, *reader, fast, "big", kRequests, kPerRequest, kPayload, &published));
  const long rss_after = gateway().RssKiB();
  RecordProperty("rss_before_kib", std::to_string(rss_before));
  RecordProperty("rss_after_kib", std::to_string(rss_after));
  const size_t total = static_cast<size_t>(published);
  EXPECT_EQ(fast->events.size(), total);
  if (!kSanitizedBuild) {
    EXPECT_LT(rss_after - rss_before, 16 * 1024)
        << "RSS grew from " << rss_before << " KiB to " << rss_after << " KiB";
  }

  // Once the peer reads again, both its streams end cleanly after their backlog.
  stalled->SetReading(true);
  ASSERT_TRUE(stalled->RunUntil([&] { return stuck1->closed && stuck2->closed; }, kLongWait))
      << "stalled streams got " << stuck1->events.size() << " and " << stuck2->events.size()
      << " events; connection closed=" << stalled->connection_closed() << " " << stalled->error();
  for (const StreamState* s : {stuck1, stuck2}) {
    EXPECT_TRUE(s->end_stream_received) << s->id;
    EXPECT_FALSE(s->rst_received) << s->id << " reset with " << s->rst_error_code;
    ASSERT_NO_FATAL_FAILURE(ExpectPrefix(s, total));
  }
  const auto metrics = Metrics(*reader);
  EXPECT_EQ(Value(metrics, "ssegw_slow_consumer_closes_total"), 2);
}

}  // namespace
}  // namespace ssegw::testing
