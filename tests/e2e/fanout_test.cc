// Fan-out through the real gateway: many streams on one connection, several topics on
// one stream, several connections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;

class FanoutTest : public GatewayTest {};

TEST_F(FanoutTest, ThousandStreamsOnOneConnectionAllReceiveOneEvent) {
  constexpr int kStreams = 1000;
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-streams", std::to_string(kStreams)}));
  H2ClientOptions options;
  options.initial_stream_window = 64 * 1024;  // 1,000 × 16 MiB would be silly, if harmless
  auto client = Connect(options);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->remote_max_concurrent_streams(), static_cast<uint32_t>(kStreams));
  std::vector<StreamState*> streams;
  for (int i = 0; i < kStreams; ++i) {
    const int32_t id = client->Get("/events/wide");
    ASSERT_GT(id, 0) << i;
    streams.push_back(client->stream(id));
  }
  ASSERT_TRUE(client->RunUntil(
      [&] {
        for (StreamState* s : streams) {
          if (!s->headers_received && !s->closed) return false;
        }
        return true;
      },
      kLongWait));
  for (StreamState* s : streams) {
    ASSERT_EQ(s->status, 200) << "stream " << s->id << " closed=" << s->closed
                              << " error=" << s->close_error_code;
  }

  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"wide"}, "to all 1000", "w1")}));
  size_t done = 0;
  EXPECT_TRUE(client->RunUntil(
      [&] {
        done = 0;
        for (StreamState* s : streams) done += s->events.size() >= 1;
        return done == streams.size();
      },
      kLongWait))
      << done << " of " << streams.size() << " streams got the event";
  for (StreamState* s : streams) {
    ASSERT_FALSE(s->closed) << s->id;
    ASSERT_EQ(s->events.size(), 1u) << s->id;
    EXPECT_EQ(s->events[0], (ParsedEvent{"message", "to all 1000", "w1"})) << s->id;
  }
}

TEST_F(FanoutTest, ThousandStreamsReceiveAStreamOfEventsInOrder) {
  constexpr int kStreams = 1000;
  constexpr int kRequests = 20;
  constexpr int kPerRequest = 10;
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-streams", std::to_string(kStreams)}));
  auto client = Connect();
  ASSERT_TRUE(client);
  std::vector<StreamState*> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(client->stream(client->Get(i % 2 ? "/events/odd" : "/events?topic=even")));
  }
  ASSERT_TRUE(client->RunUntil(
      [&] {
        for (StreamState* s : streams) {
          if (!s->headers_received) return false;
        }
        return true;
      },
      kLongWait));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  // 200 events of 300 bytes to every stream: 60 MB of DATA on one connection, sent while
  // the client reads, so flow control and batching are exercised, not just one write.
  std::vector<std::string> ids;
  for (int r = 0; r < kRequests; ++r) {
    v1::PublishRequest request;
    request.set_seq(r + 1);
    for (int i = 0; i < kPerRequest; ++i) {
      ids.push_back("f" + std::to_string(ids.size() + 1));
      *request.add_events() = MakeEvent({"odd", "even"}, std::string(300, 'x'), ids.back());
    }
    ASSERT_TRUE(publisher->Send(request));
  }
  for (int r = 0; r < kRequests; ++r) {
    const auto reply = publisher->ReadReply(kLongWait);
    ASSERT_TRUE(reply) << publisher->error();
    EXPECT_EQ(reply->status(), v1::STATUS_OK);
  }
  size_t complete = 0;
  EXPECT_TRUE(client->RunUntil(
      [&] {
        complete = 0;
        for (StreamState* s : streams) complete += s->events.size() >= ids.size() || s->closed;
        return complete == streams.size();
      },
      kLongWait))
      << complete << " of " << streams.size() << " streams complete";
  for (StreamState* s : streams) {
    ASSERT_FALSE(s->closed) << s->id;
    ASSERT_EQ(Ids(s->events), ids) << s->id;
  }
}

TEST_F(FanoutTest, MaxStreamsIsAnnouncedInSettings) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-streams", "5"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->remote_max_concurrent_streams(), 5u);
}

TEST_F(FanoutTest, EventOnSeveralTopicsReachesEachSubscriberOnce) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto other = Connect();  // a second connection sees the same thing
  ASSERT_TRUE(other);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* both = client->stream(client->Get("/events?topic=a&topic=b"));
  StreamState* repeated = client->stream(client->Get("/events?topic=a&topic=a&topic=b"));
  StreamState* only_a = client->stream(client->Get("/events/a"));
  StreamState* only_b = other->stream(other->Get("/events/b"));
  StreamState* only_c = other->stream(other->Get("/events/c"));
  H2Client* clients[] = {client.get(), other.get()};
  ASSERT_TRUE(H2Client::RunUntil(
      clients,
      [&] {
        for (StreamState* s : {both, repeated, only_a, only_b, only_c}) {
          if (!s->headers_received) return false;
        }
        return true;
      },
      kWait));

  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"a", "b"}, "ab", "m1")}));
  PublishOk(*publisher, MakeRequest(2, {MakeEvent({"b", "a", "b"}, "bab", "m2"),
                                        MakeEvent({"b"}, "just b", "m3")}));
  // A closing event on every topic: once it arrives, anything sent before it has too.
  PublishOk(*publisher, MakeRequest(3, {MakeEvent({"a", "b", "c"}, "end", "m4")}));
  ASSERT_TRUE(H2Client::RunUntil(
      clients,
      [&] {
        for (StreamState* s : {both, repeated, only_a, only_b, only_c}) {
          if (s->events.empty() || s->events.back().last_event_id != "m4") return false;
        }
        return true;
      },
      kWait));
  EXPECT_THAT(Ids(both->events), ElementsAre("m1", "m2", "m3", "m4"));
  EXPECT_THAT(Ids(repeated->events), ElementsAre("m1", "m2", "m3", "m4"));
  EXPECT_THAT(Ids(only_a->events), ElementsAre("m1", "m2", "m4"));
  EXPECT_THAT(Ids(only_b->events), ElementsAre("m1", "m2", "m3", "m4"));
  EXPECT_THAT(Ids(only_c->events), ElementsAre("m4"));
}

}  // namespace
}  // namespace ssegw::testing
