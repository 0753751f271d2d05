// ServerSession against a real nghttp2 client, back to back in memory (H2Pair).
#include "h2/server_session.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "h2_pair.h"

namespace ssegw::h2::testing {
namespace {

const HeaderList kSseHeaders = {{":status", "200"},
                                {"content-type", "text/event-stream"},
                                {"cache-control", "no-cache"},
                                {"x-accel-buffering", "no"}};

std::vector<std::string> Ids(const ClientStream& stream) {
  std::vector<std::string> ids;
  for (const auto& event : stream.Events()) ids.push_back(event.last_event_id);
  return ids;
}

TEST(ServerSessionTest, EventStreamHeadersAreExactAndSentAtOnce) {
  H2Pair pair;
  const int32_t id = pair.Get("/events/news");
  pair.Pump();
  const ClientStream& s = pair.stream(id);
  EXPECT_EQ(s.headers, kSseHeaders);
  for (const char* name : {"connection", "keep-alive", "transfer-encoding", "content-length"}) {
    EXPECT_FALSE(s.has_header(name)) << name;
  }
  EXPECT_FALSE(s.end_stream);
  EXPECT_TRUE(s.body.empty());
  EXPECT_EQ(pair.env().counters().streams, 1u);
  EXPECT_EQ(pair.server().open_sse_streams(), 1u);
  EXPECT_EQ(pair.env().subscriber_count(), 1u);
}

TEST(ServerSessionTest, PublishedEventArrivesAsExactBytes) {
  H2Pair pair;
  const int32_t id = pair.Get("/events/news");
  pair.Pump();
  pair.env().Publish({"news"}, "hello\nworld", "e1", "greet");
  EXPECT_GT(pair.output_pending, 0u);
  pair.Pump();
  EXPECT_EQ(pair.stream(id).body, "id: e1\nevent: greet\ndata: hello\ndata: world\n\n");
  EXPECT_EQ(pair.env().counters().events_delivered_total, 1u);
  pair.env().Publish({"other"}, "not for us", "e2");
  pair.Pump();
  EXPECT_EQ(pair.stream(id).Events().size(), 1u);
}

TEST(ServerSessionTest, ThousandStreamsOnOneSessionAllReceiveTheEvent) {
  SessionOptions options;
  options.max_concurrent_streams = 1000;
  ClientOptions client;
  client.initial_window = 1 << 20;
  client.connection_window = 1 << 30;
  H2Pair pair(options, client);
  std::vector<int32_t> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(pair.Get("/events/fan"));
  pair.Pump();
  EXPECT_EQ(pair.env().counters().streams, 1000u);
  pair.env().Publish({"fan"}, "x", "only");
  pair.Pump();
  for (int32_t id : ids) {
    ASSERT_EQ(pair.stream(id).status(), 200);
    ASSERT_EQ(pair.stream(id).body, "id: only\ndata: x\n\n") << id;
  }
  EXPECT_EQ(pair.env().counters().events_delivered_total, 1000u);
}

// Each turn's event drains every stream's queue, which ends its data source (EOF without
// END_STREAM); the next event starts a new one, and the shutdown's end of body another.
TEST(ServerSessionTest, StreamsWhoseQueuesDrainEveryTurnGetEveryEventThenTheirEnd) {
  SessionOptions options;
  options.max_concurrent_streams = 50;
  H2Pair pair(options);
  std::vector<int32_t> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(pair.Get("/events/t"));
  pair.Pump();
  std::vector<std::string> expected;
  for (int turn = 0; turn < 30; ++turn) {
    expected.push_back("e" + std::to_string(turn));
    pair.env().Publish({"t"}, "d", expected.back());
    pair.Pump();
    ASSERT_EQ(Ids(pair.stream(ids.front())), expected);
  }
  pair.server().Shutdown();
  pair.Pump();
  for (int32_t id : ids) {
    EXPECT_EQ(Ids(pair.stream(id)), expected) << id;
    EXPECT_TRUE(pair.stream(id).end_stream) << id;
    EXPECT_FALSE(pair.stream(id).reset) << id;
  }
  EXPECT_TRUE(pair.server_ok);
  EXPECT_EQ(pair.env().counters().events_delivered_total, 50u * 30u);
}

// Streams the client resets after an event was queued for them, but before the server
// wrote it, are dropped from the sources waiting to restart; the others still get it.
TEST(ServerSessionTest, StreamsResetBeforeTheirEventIsWrittenDoNotHoldUpTheOthers) {
  H2Pair pair;
  std::vector<int32_t> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(pair.Get("/events/t"));
  pair.Pump();
  pair.env().Publish({"t"}, "d", "e1");
  for (size_t i = 0; i < ids.size(); i += 2) {
    nghttp2_submit_rst_stream(pair.client(), NGHTTP2_FLAG_NONE, ids[i], NGHTTP2_CANCEL);
  }
  pair.Pump();
  pair.env().Publish({"t"}, "d", "e2");
  pair.Pump();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i % 2 == 0) {
      EXPECT_TRUE(pair.stream(ids[i]).body.empty()) << ids[i];
    } else {
      EXPECT_EQ(Ids(pair.stream(ids[i])), (std::vector<std::string>{"e1", "e2"})) << ids[i];
    }
  }
  EXPECT_TRUE(pair.server_ok);
  EXPECT_EQ(pair.env().counters().streams, 6u);
}

TEST(ServerSessionTest, EventOnSeveralSubscribedTopicsArrivesOnce) {
  H2Pair pair;
  const int32_t id = pair.Get("/events?topic=a&topic=b");
  pair.Pump();
  pair.env().Publish({"a", "b"}, "both", "e1");
  pair.Pump();
  EXPECT_EQ(pair.stream(id).body, "id: e1\ndata: both\n\n");
}

TEST(ServerSessionTest, ReplaysAfterLastEventIdHeader) {
  H2Pair pair;
  for (const char* id : {"e1", "e2", "e3"}) pair.env().Publish({"t"}, "d", id);
  pair.env().Publish({"elsewhere"}, "d", "x1");
  const int32_t id = pair.Get("/events/t", {{"last-event-id", "e1"}});
  pair.Pump();
  pair.env().Publish({"t"}, "d", "e4");
  pair.Pump();
  EXPECT_EQ(Ids(pair.stream(id)), (std::vector<std::string>{"e2", "e3", "e4"}));
}

TEST(ServerSessionTest, ReplaysAfterLastEventIdParameter) {
  H2Pair pair;
  for (const char* id : {"e1", "e2", "e3"}) pair.env().Publish({"t"}, "d", id);
  const int32_t id = pair.Get("/events/t?lastEventId=e2");
  pair.Pump();
  EXPECT_EQ(Ids(pair.stream(id)), (std::vector<std::string>{"e3"}));
}

TEST(ServerSessionTest, LastEventIdHeaderWinsOverParameter) {
  H2Pair pair;
  for (const char* id : {"e1", "e2", "e3"}) pair.env().Publish({"t"}, "d", id);
  const int32_t id = pair.Get("/events/t?lastEventId=e1", {{"last-event-id", "e2"}});
  pair.Pump();
  EXPECT_EQ(Ids(pair.stream(id)), (std::vector<std::string>{"e3"}));
}

TEST(ServerSessionTest, ReplayLargerThanTheStreamBufferArrivesWholeThenLive) {
  SessionOptions options;
  options.stream_buffer_bytes = 4096;
  H2Pair pair(options);
  const std::string data(500, 'x');
  std::vector<std::string> expected;
  for (int i = 1; i <= 100; ++i) {
    pair.env().Publish({"t"}, data, "e" + std::to_string(i));
    if (i > 1) expected.push_back("e" + std::to_string(i));
  }
  const int32_t id = pair.Get("/events/t", {{"last-event-id", "e1"}});
  pair.Pump();
  pair.env().Publish({"t"}, data, "e101");
  expected.push_back("e101");
  pair.Pump();
  EXPECT_EQ(Ids(pair.stream(id)), expected);
  EXPECT_EQ(pair.env().counters().slow_consumer_closes_total, 0u);
  EXPECT_EQ(pair.env().counters().replayed_events_total, 99u);
  EXPECT_EQ(pair.env().counters().events_delivered_total, 100u);
}

TEST(ServerSessionTest, UnknownLastEventIdStartsWithGapEvent) {
  H2Pair pair;
  pair.env().Publish({"t"}, "d", "e1");
  const int32_t id = pair.Get("/events/t", {{"last-event-id", "gone"}});
  pair.Pump();
  pair.env().Publish({"t"}, "live", "e2");
  pair.Pump();
  const auto events = pair.stream(id).Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "gap");
  EXPECT_EQ(events[0].data, "gone");
  EXPECT_EQ(events[1].data, "live");
}

TEST(ServerSessionTest, RetryPreambleComesFirst) {
  SessionOptions options;
  options.retry_ms = 3000;
  H2Pair pair(options);
  pair.env().Publish({"t"}, "d", "e1");
  pair.env().Publish({"t"}, "d", "e2");
  const int32_t id = pair.Get("/events/t", {{"last-event-id", "e1"}});
  pair.Pump();
  EXPECT_EQ(pair.stream(id).body, "retry: 3000\n\nid: e2\ndata: d\n\n");
}

TEST(ServerSessionTest, IdleStreamGetsKeepAliveAndPingIsAnswered) {
  SessionOptions options;
  options.keepalive_ms = 1000;
  H2Pair pair(options);
  const int32_t idle = pair.Get("/events/idle");
  const int32_t busy = pair.Get("/events/busy");
  pair.Pump();
  EXPECT_TRUE(pair.Tick(500));
  pair.env().Publish({"busy"}, "d", "e1");
  EXPECT_TRUE(pair.Tick(500));
  pair.Pump();
  EXPECT_EQ(pair.stream(idle).body, ": keepalive\n\n");
  EXPECT_EQ(pair.stream(busy).body, "id: e1\ndata: d\n\n");  // queued 500 ms ago
  EXPECT_EQ(pair.ping_acks_sent, 1u);
  // The ack came back, so the next period is fine too.
  EXPECT_TRUE(pair.Tick(1000));
  pair.Pump();
  EXPECT_EQ(pair.stream(idle).body, ": keepalive\n\n: keepalive\n\n");
  EXPECT_EQ(pair.stream(busy).body, "id: e1\ndata: d\n\n: keepalive\n\n");
  EXPECT_EQ(pair.ping_acks_sent, 2u);
}

TEST(ServerSessionTest, UnansweredPingFailsTheNextPeriod) {
  SessionOptions options;
  options.keepalive_ms = 1000;
  H2Pair pair(options);
  pair.Get("/events/t");
  pair.Pump();
  pair.client_reads = false;
  EXPECT_TRUE(pair.Tick(1000));
  pair.Pump();
  EXPECT_TRUE(pair.Tick(999));
  EXPECT_FALSE(pair.Tick(1));
}

TEST(ServerSessionTest, SlowConsumerStreamEndsWhileOthersGoOn) {
  SessionOptions options;
  options.stream_buffer_bytes = 2048;
  ClientOptions client;
  client.initial_window = 1024;
  client.auto_window_update = false;
  H2Pair pair(options, client);
  const int32_t slow = pair.Get("/events/t");
  const int32_t fast = pair.Get("/events/t");
  pair.Pump();
  pair.Stall(slow);
  const std::string data(90, 'x');
  std::vector<std::string> published;
  for (int i = 0; i < 40; ++i) {
    published.push_back(pair.env().Publish({"t"}, data, "e" + std::to_string(i)));
    pair.Pump();
  }
  EXPECT_EQ(pair.env().counters().slow_consumer_closes_total, 1u);
  EXPECT_EQ(Ids(pair.stream(fast)), published);
  EXPECT_FALSE(pair.stream(slow).end_stream);  // its window is still shut

  pair.Unstall(slow);
  pair.Pump();
  const ClientStream& s = pair.stream(slow);
  EXPECT_TRUE(s.end_stream);
  EXPECT_FALSE(s.reset);
  const std::vector<std::string> got = Ids(s);
  ASSERT_LT(got.size(), published.size());
  ASSERT_GT(got.size(), 0u);
  EXPECT_EQ(got, std::vector<std::string>(published.begin(), published.begin() + got.size()));
  // Whole events only: the stream ended on an event boundary.
  std::string expected;
  for (const std::string& event_id : got)
    expected += "id: " + event_id + "\ndata: " + data + "\n\n";
  EXPECT_EQ(s.body, expected);

  pair.env().Publish({"t"}, "after", "late");
  pair.Pump();
  EXPECT_EQ(pair.stream(fast).Events().back().data, "after");
  EXPECT_EQ(pair.env().counters().streams, 1u);
  EXPECT_EQ(pair.env().subscriber_count(), 1u);
}

// A pair whose streams get a 1 KiB window, a 2 KiB stream buffer and a 3 s grace.
std::unique_ptr<H2Pair> GracePair() {
  SessionOptions options;
  options.stream_buffer_bytes = 2048;
  options.slow_consumer_grace_ms = 3000;
  options.keepalive_ms = 0;
  ClientOptions client;
  client.initial_window = 1024;
  client.auto_window_update = false;
  return std::make_unique<H2Pair>(options, client);
}

// Stalls `slow` and publishes on "t" until the slow-consumer rule acts on it.
void PublishUntilSlow(H2Pair& pair, int32_t slow) {
  pair.Stall(slow);
  for (int i = 0; i < 40 && pair.env().counters().slow_consumer_closes_total == 0; ++i) {
    pair.env().Publish({"t"}, std::string(90, 'x'), "e" + std::to_string(i));
    pair.Pump();
  }
  ASSERT_EQ(pair.env().counters().slow_consumer_closes_total, 1u);
}

TEST(ServerSessionTest, SlowConsumerLeavesTheRouterAtOnceAndIsResetAfterTheGrace) {
  std::unique_ptr<H2Pair> owned = GracePair();
  H2Pair& pair = *owned;
  const int32_t slow = pair.Get("/events/t");
  const int32_t fast = pair.Get("/events/t");
  pair.Pump();
  ASSERT_NO_FATAL_FAILURE(PublishUntilSlow(pair, slow));
  // Out of the router in the same turn, while its queue waits for the client.
  EXPECT_EQ(pair.env().subscriber_count(), 1u);
  EXPECT_GT(QueuedReferences(pair.env(), {"t"}), 0u);
  EXPECT_EQ(pair.env().counters().streams, 2u);

  // The grace counts from the first tick after the rule acted.
  EXPECT_TRUE(pair.Tick(1000));
  EXPECT_TRUE(pair.Tick(2999));
  pair.Pump();
  EXPECT_FALSE(pair.stream(slow).reset);
  EXPECT_TRUE(pair.Tick(1));
  // Freed at once, before the reset is even sent.
  EXPECT_EQ(QueuedReferences(pair.env(), {"t"}), 0u);
  pair.Pump();
  EXPECT_TRUE(pair.stream(slow).reset);
  EXPECT_EQ(pair.stream(slow).error_code, static_cast<uint32_t>(NGHTTP2_CANCEL));
  EXPECT_FALSE(pair.stream(slow).end_stream);
  EXPECT_EQ(pair.env().counters().streams, 1u);
  EXPECT_EQ(pair.server().open_sse_streams(), 1u);

  // The neighbour never noticed.
  pair.env().Publish({"t"}, "after", "late");
  pair.Pump();
  EXPECT_EQ(pair.stream(fast).Events().back().data, "after");
  EXPECT_FALSE(pair.stream(fast).reset);
}

TEST(ServerSessionTest, SlowConsumerThatDrainsWithinTheGraceEndsCleanly) {
  std::unique_ptr<H2Pair> owned = GracePair();
  H2Pair& pair = *owned;
  const int32_t slow = pair.Get("/events/t");
  pair.Pump();
  ASSERT_NO_FATAL_FAILURE(PublishUntilSlow(pair, slow));
  EXPECT_TRUE(pair.Tick(1000));
  EXPECT_TRUE(pair.Tick(2000));
  pair.Unstall(slow);
  pair.Pump();
  EXPECT_TRUE(pair.stream(slow).end_stream);
  EXPECT_FALSE(pair.stream(slow).reset);
  EXPECT_TRUE(pair.Tick(5000));
  pair.Pump();
  EXPECT_FALSE(pair.stream(slow).reset);
  EXPECT_EQ(pair.env().counters().streams, 0u);
}

TEST(ServerSessionTest, StreamsEndCleanlyAtMaxAgeWithJitter) {
  SessionOptions options;
  options.max_stream_age_ms = 10000;
  options.keepalive_ms = 0;
  H2Pair pair(options);
  const int32_t id = pair.Get("/events/t");
  pair.Pump();
  EXPECT_TRUE(pair.Tick(8999));  // at most 10% early
  pair.Pump();
  EXPECT_FALSE(pair.stream(id).end_stream);
  EXPECT_TRUE(pair.Tick(1001));
  pair.Pump();
  EXPECT_TRUE(pair.stream(id).end_stream);
  EXPECT_FALSE(pair.stream(id).reset);
  EXPECT_EQ(pair.env().counters().streams, 0u);
  EXPECT_EQ(pair.server().open_sse_streams(), 0u);
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
}

// The connection arms one timer for NextDeadlineMs(); these say it is asked for exactly
// when something is due, and that deadlines which come earlier are announced (WakeBy).
TEST(ServerSessionTest, AnIdleSessionWithoutKeepAlivesWantsNoTimer) {
  SessionOptions options;
  options.keepalive_ms = 0;
  H2Pair pair(options);
  pair.Pump();
  EXPECT_EQ(pair.server().NextDeadlineMs(), 0u);
  pair.Get("/events/t");
  pair.Pump();
  EXPECT_EQ(pair.server().NextDeadlineMs(), 0u);
}

TEST(ServerSessionTest, TheNextDeadlineIsTheEarliestPingOrStreamKeepAlive) {
  SessionOptions options;
  options.keepalive_ms = 1000;
  H2Pair pair(options);
  const uint64_t t0 = pair.now_ms();
  EXPECT_EQ(pair.server().NextDeadlineMs(), t0 + 1000);  // the first PING
  pair.Get("/events/idle");
  const int32_t busy = pair.Get("/events/busy");
  pair.Pump();
  EXPECT_TRUE(pair.Tick(500));
  pair.env().Publish({"busy"}, "d", "e1");
  pair.Pump();
  EXPECT_TRUE(pair.Tick(500));  // PING and the idle stream's keep-alive
  pair.Pump();
  ASSERT_EQ(pair.stream(busy).body, "id: e1\ndata: d\n\n");
  // The busy stream sent its event at t0 + 500: its keep-alive comes before the next PING.
  EXPECT_EQ(pair.server().NextDeadlineMs(), t0 + 1500);
  EXPECT_TRUE(pair.Tick(500));
  pair.Pump();
  EXPECT_EQ(pair.stream(busy).body, "id: e1\ndata: d\n\n: keepalive\n\n");
  EXPECT_EQ(pair.server().NextDeadlineMs(), t0 + 2000);
}

TEST(ServerSessionTest, AStreamWithAnEndOfLifeAsksForTheTimer) {
  SessionOptions options;
  options.max_stream_age_ms = 10000;
  options.keepalive_ms = 0;
  H2Pair pair(options);
  pair.Pump();
  pair.wake_by = 0;
  pair.Get("/events/t");
  pair.Pump();
  EXPECT_GE(pair.wake_by, pair.now_ms() + 9000);
  EXPECT_LE(pair.wake_by, pair.now_ms() + 10000);
  EXPECT_EQ(pair.server().NextDeadlineMs(), pair.wake_by);
}

TEST(ServerSessionTest, ASlowConsumerAsksForTheTimerAtOnceAndThenForTheEndOfItsGrace) {
  std::unique_ptr<H2Pair> owned = GracePair();
  H2Pair& pair = *owned;
  const int32_t slow = pair.Get("/events/t");
  pair.Pump();
  pair.wake_by = 0;
  ASSERT_NO_FATAL_FAILURE(PublishUntilSlow(pair, slow));
  EXPECT_EQ(pair.wake_by, pair.now_ms());  // the timer stamps when the grace began
  EXPECT_EQ(pair.server().NextDeadlineMs(), pair.now_ms());
  EXPECT_TRUE(pair.Tick(1000));
  EXPECT_EQ(pair.server().NextDeadlineMs(), pair.now_ms() + 3000);
  EXPECT_TRUE(pair.Tick(3000));
  pair.Pump();
  EXPECT_TRUE(pair.stream(slow).reset);
  EXPECT_EQ(pair.server().NextDeadlineMs(), 0u);
}

TEST(ServerSessionTest, FixedRoutes) {
  H2Pair pair;
  const int32_t health = pair.Get("/healthz");
  const int32_t metrics = pair.Get("/metrics");
  const int32_t page = pair.Get("/");
  pair.Pump();
  EXPECT_EQ(pair.stream(health).status(), 200);
  EXPECT_EQ(pair.stream(health).body, "ok\n");
  EXPECT_EQ(pair.stream(health).header("content-type"), "text/plain; charset=utf-8");
  EXPECT_TRUE(pair.stream(health).end_stream);
  EXPECT_EQ(pair.stream(metrics).header("content-type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(pair.stream(metrics).body, "ssegw_streams 0\n");
  EXPECT_EQ(pair.stream(page).header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(pair.stream(page).body, pair.env().DemoPage());
  EXPECT_EQ(pair.env().counters().streams, 0u);
}

TEST(ServerSessionTest, ClientErrors) {
  H2Pair pair;
  const int32_t unknown = pair.Get("/nope");
  const int32_t no_topic = pair.Get("/events");
  const int32_t bad_topic = pair.Get("/events/a%20b");
  const int32_t bad_header = pair.Get("/events/t", {{"last-event-id", std::string("a\0b", 3)}});
  const int32_t post = pair.Request("POST", "/events/t");
  const int32_t del = pair.Request("DELETE", "/healthz");
  pair.Pump();
  EXPECT_EQ(pair.stream(unknown).status(), 404);
  EXPECT_EQ(pair.stream(no_topic).status(), 400);
  EXPECT_EQ(pair.stream(no_topic).body, std::string(Describe(Error::kNoTopicInRequest)) + "\n");
  EXPECT_EQ(pair.stream(bad_topic).status(), 400);
  EXPECT_FALSE(pair.stream(bad_topic).body.empty());
  // nghttp2 itself refuses a NUL in a field value; either way no stream is opened.
  EXPECT_NE(pair.stream(bad_header).status(), 200);
  EXPECT_EQ(pair.stream(post).status(), 405);
  EXPECT_EQ(pair.stream(post).header("allow"), "GET, HEAD");
  EXPECT_EQ(pair.stream(del).status(), 405);
  EXPECT_EQ(pair.stream(del).header("allow"), "GET, HEAD");
  EXPECT_EQ(pair.env().counters().streams, 0u);
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
}

TEST(ServerSessionTest, HeadOnEventsSendsHeadersOnly) {
  H2Pair pair;
  const int32_t id = pair.Request("HEAD", "/events/t");
  pair.Pump();
  EXPECT_EQ(pair.stream(id).headers, kSseHeaders);
  EXPECT_TRUE(pair.stream(id).end_stream);
  EXPECT_TRUE(pair.stream(id).body.empty());
  EXPECT_EQ(pair.env().counters().streams, 0u);
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
}

TEST(ServerSessionTest, TooManyOrTooLargeHeadersGet431) {
  SessionOptions options;
  options.max_header_count = 20;
  options.max_header_list_bytes = 1024;
  H2Pair pair(options);
  HeaderList many;
  for (int i = 0; i < 30; ++i) many.push_back({"x-h" + std::to_string(i), "v"});
  const int32_t count = pair.Get("/events/t", many);
  const int32_t bytes = pair.Get("/events/t", {{"x-big", std::string(2000, 'a')}});
  HeaderList abusive;
  for (int i = 0; i < 100; ++i) abusive.push_back({"x-h" + std::to_string(i), "v"});
  const int32_t reset = pair.Get("/events/t", abusive);
  const int32_t fine = pair.Get("/healthz");
  pair.Pump();
  EXPECT_EQ(pair.stream(count).status(), 431);
  EXPECT_EQ(pair.stream(bytes).status(), 431);
  EXPECT_TRUE(pair.stream(reset).reset);
  EXPECT_EQ(pair.stream(fine).status(), 200);
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
}

TEST(ServerSessionTest, AdvertisesLimitsInSettings) {
  SessionOptions options;
  options.max_concurrent_streams = 7;
  options.max_header_list_bytes = 1000;
  options.max_header_count = 10;
  H2Pair pair(options);
  EXPECT_EQ(
      nghttp2_session_get_remote_settings(pair.client(), NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS),
      7u);
  EXPECT_EQ(
      nghttp2_session_get_remote_settings(pair.client(), NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE),
      1000u + 32 * 10);
}

TEST(ServerSessionTest, PreflightAndCorsHeaders) {
  H2Pair pair;
  pair.env().access.allowed_origins = {"https://app.example"};
  const HeaderList origin = {{"origin", "https://app.example"}};
  const int32_t preflight = pair.Request("OPTIONS", "/events/t", origin);
  const int32_t stranger = pair.Request("OPTIONS", "/events/t", {{"origin", "https://evil"}});
  const int32_t sse = pair.Get("/events/t", origin);
  const int32_t health = pair.Get("/healthz", origin);
  const int32_t plain = pair.Get("/events/t");
  pair.Pump();

  const ClientStream& p = pair.stream(preflight);
  EXPECT_EQ(p.status(), 204);
  EXPECT_TRUE(p.end_stream);
  EXPECT_EQ(p.header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(p.header("access-control-allow-credentials"), "true");
  EXPECT_EQ(p.header("vary"), "origin");
  EXPECT_EQ(p.header("access-control-allow-methods"), "GET, HEAD");
  EXPECT_EQ(p.header("access-control-allow-headers"),
            "authorization, last-event-id, cache-control");
  EXPECT_FALSE(p.header("access-control-max-age").empty());
  EXPECT_FALSE(p.header("allow").empty());

  EXPECT_EQ(pair.stream(stranger).status(), 204);
  EXPECT_EQ(pair.stream(stranger).header("vary"), "origin");
  EXPECT_FALSE(pair.stream(stranger).has_header("access-control-allow-origin"));
  EXPECT_FALSE(pair.stream(stranger).has_header("access-control-allow-methods"));

  HeaderList expected = kSseHeaders;
  expected.insert(expected.end(), {{"vary", "origin"},
                                   {"access-control-allow-origin", "https://app.example"},
                                   {"access-control-allow-credentials", "true"}});
  EXPECT_EQ(pair.stream(sse).headers, expected);
  EXPECT_EQ(pair.stream(health).header("access-control-allow-origin"), "https://app.example");
  // No Origin: no CORS fields, but the answer still varies on Origin.
  HeaderList varies = kSseHeaders;
  varies.push_back({"vary", "origin"});
  EXPECT_EQ(pair.stream(plain).headers, varies);
}

TEST(ServerSessionTest, WildcardOriginEchoesTheOrigin) {
  H2Pair pair;
  pair.env().access.allowed_origins = {"*"};
  const int32_t id = pair.Get("/events/t", {{"origin", "https://a.example"}});
  pair.Pump();
  EXPECT_EQ(pair.stream(id).header("access-control-allow-origin"), "https://a.example");
}

TEST(ServerSessionTest, ShutdownSendsGoawayAndEndsStreamsAfterQueuedEvents) {
  H2Pair pair;
  const int32_t a = pair.Get("/events/t");
  const int32_t b = pair.Get("/events/u");
  pair.Pump();
  pair.env().Publish({"t", "u"}, "last", "e1");
  pair.server().Shutdown();
  EXPECT_FALSE(pair.server().Finished());
  pair.Pump();
  EXPECT_TRUE(pair.goaway_received);
  EXPECT_EQ(pair.goaway_last_stream_id, b);
  for (int32_t id : {a, b}) {
    EXPECT_TRUE(pair.stream(id).end_stream);
    EXPECT_FALSE(pair.stream(id).reset);
    EXPECT_EQ(pair.stream(id).body, "id: e1\ndata: last\n\n");
  }
  EXPECT_TRUE(pair.server().Finished());
  EXPECT_FALSE(pair.server().WantsWrite());
  EXPECT_EQ(pair.env().counters().streams, 0u);
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
}

TEST(ServerSessionTest, RequestWithBodyIsAnsweredThenReset) {
  H2Pair pair;
  const int32_t id = pair.Request("POST", "/events/t", {}, /*end_stream=*/false);
  pair.Pump();
  EXPECT_EQ(pair.stream(id).status(), 405);
  EXPECT_TRUE(pair.stream(id).end_stream);
  EXPECT_TRUE(pair.stream(id).reset);
  EXPECT_EQ(pair.stream(id).error_code, static_cast<uint32_t>(NGHTTP2_NO_ERROR));
}

TEST(ServerSessionTest, ClientResetUnsubscribes) {
  H2Pair pair;
  const int32_t id = pair.Get("/events/t");
  pair.Pump();
  ASSERT_EQ(pair.env().subscriber_count(), 1u);
  nghttp2_submit_rst_stream(pair.client(), NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
  pair.Pump();
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
  EXPECT_EQ(pair.env().counters().streams, 0u);
  pair.env().Publish({"t"}, "nobody", "e1");
  pair.Pump();
  EXPECT_TRUE(pair.stream(id).body.empty());
}

TEST(ServerSessionTest, GarbagePrefaceFails) {
  FakeEnvironment env;
  struct : OutputListener {
    void OnOutputPending() override {}
    void WakeBy(uint64_t) override {}
  } listener;
  std::unique_ptr<HttpSession> owned = NewServerSession(env, SessionOptions{}, listener);
  HttpSession& session = *owned;
  session.Start(0);
  const std::string garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_FALSE(session.Receive({reinterpret_cast<const uint8_t*>(garbage.data()), garbage.size()}));
  std::string out;
  session.ProduceOutput(&out, 1 << 16);
  EXPECT_FALSE(out.empty());
  EXPECT_TRUE(session.Finished());
}

TEST(ServerSessionTest, ProduceOutputStopsNearTheCap) {
  SessionOptions options;
  ClientOptions client;
  client.initial_window = 1 << 20;
  client.connection_window = 1 << 30;
  H2Pair pair(options, client);
  const int32_t id = pair.Get("/events/t");
  pair.Pump();
  for (int i = 0; i < 20; ++i) pair.env().Publish({"t"}, std::string(1000, 'x'));
  std::string out;
  EXPECT_TRUE(pair.server().ProduceOutput(&out, 4096));
  EXPECT_GE(out.size(), 4096u);
  EXPECT_LT(out.size(), 4096u + 16384 + 9);
  EXPECT_TRUE(pair.server().WantsWrite());
  // Feed what was produced to the client and let the rest follow.
  nghttp2_session_mem_recv(pair.client(), reinterpret_cast<const uint8_t*>(out.data()), out.size());
  pair.Pump();
  EXPECT_EQ(pair.stream(id).Events().size(), 20u);
}

TEST(ServerSessionTest, DestroyingSessionWithOpenStreamsUnsubscribes) {
  FakeEnvironment env;
  {
    struct : OutputListener {
      void OnOutputPending() override {}
      void WakeBy(uint64_t) override {}
    } listener;
    std::unique_ptr<HttpSession> owned = NewServerSession(env, SessionOptions{}, listener);
    HttpSession& session = *owned;
    session.Start(0);
    // Drive a request through a separate client so the session holds a live stream.
    H2Pair donor;  // only to borrow its client bytes
    donor.Get("/events/t");
    donor.Pump();
    std::string bytes = donor.client_log;
    EXPECT_TRUE(session.Receive({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
    EXPECT_EQ(env.subscriber_count(), 1u);
    EXPECT_EQ(env.counters().streams, 1u);
  }
  EXPECT_EQ(env.subscriber_count(), 0u);
  EXPECT_EQ(env.counters().streams, 0u);
}

}  // namespace
}  // namespace ssegw::h2::testing
