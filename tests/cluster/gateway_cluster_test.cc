// sse-gateway as a cluster (--nats): two real gateways sharing real nats-server
// processes, checked over real TLS HTTP/2 and the real publish socket — the contract's
// "Cluster" section, failure by failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gateway_cluster_support.h"
#include "testutil/command.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Polls /readyz until it answers `status` (it follows the log a moment after the log
// changes: posted to every worker); false when it never does within the bound.
bool ReadyzIs(H2Client& client, int status) {
  const auto deadline = std::chrono::steady_clock::now() + kLongWait;
  while (std::chrono::steady_clock::now() < deadline) {
    const StreamState* reply = client.Fetch("/readyz", {}, kWait);
    if (reply == nullptr) return false;
    if (reply->status == status) return true;
    client.RunUntil([] { return false; }, std::chrono::milliseconds(50));  // pacing only
  }
  return false;
}

// Runs `work` while a thread of its own keeps `clients` reading: the gateway closes a
// connection whose PING is still unanswered a keep-alive period later, and killing or
// restarting NATS, or a publish retried through a failover, can take longer than that on
// a loaded machine. The work stays on the test thread because the servers it starts die
// with the thread that started them (PR_SET_PDEATHSIG).
template <typename Work>
auto WhileReading(std::vector<H2Client*> clients, Work work) {
  // Leaving this scope asks the reader to stop and joins it.
  std::jthread reader([&](std::stop_token stop) {
    H2Client::RunUntil(
        clients, [&] { return stop.stop_requested(); }, 2 * kClusterWait);
  });
  return work();
}

std::vector<std::string> Numbered(const std::string& prefix, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

TEST_F(GatewayClusterTest, APublishOnOneGatewayReachesSubscribersOfAnotherWithTheSameIds) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  GatewayProcess* a = StartClusterGateway();
  GatewayProcess* b = StartClusterGateway();
  ASSERT_TRUE(a && b);
  auto client = ConnectTo(*b);
  ASSERT_NE(client, nullptr);
  const StreamState* news = Subscribe(*client, "/events/news");
  const StreamState* both = Subscribe(*client, "/events?topic=news&topic=sport");
  ASSERT_TRUE(news && both);

  auto publisher = PublisherOf(*a);
  ASSERT_NE(publisher, nullptr);
  // One request: named by the log, named by the publisher, named by the log.
  const v1::PublishReply reply = PublishAccepted(
      *publisher, MakeRequest(1, {MakeEvent({"news"}, "one"),
                                  MakeEvent({"news", "sport"}, "two", "pub-2", "headline"),
                                  MakeEvent({"sport"}, "three")}));
  ASSERT_EQ(reply.ids_size(), 3);
  EXPECT_EQ(reply.ids(1), "pub-2");
  EXPECT_NE(reply.ids(0), reply.ids(2));
  EXPECT_EQ(reply.duplicates(), 0u);

  ASSERT_TRUE(WaitForEvents(*client, both, 3, kLongWait));
  ASSERT_TRUE(WaitForEvents(*client, news, 2, kLongWait));
  // The events of one request together, in order, with A's ids, once each.
  EXPECT_THAT(Data(both->events), ElementsAre("one", "two", "three"));
  EXPECT_THAT(Ids(both->events), ElementsAre(reply.ids(0), reply.ids(1), reply.ids(2)));
  EXPECT_THAT(Ids(news->events), ElementsAre(reply.ids(0), reply.ids(1)));
  EXPECT_EQ(news->events[1].type, "headline");
}

TEST_F(GatewayClusterTest, AnIdFromOneGatewayResumesOnAnotherEvenBeyondItsInMemoryTail) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  GatewayProcess* a = StartClusterGateway();  // creates the stream: it keeps 10,000
  ASSERT_NE(a, nullptr);
  GatewayProcess* b = StartClusterGateway({"--history", "3"});
  ASSERT_NE(b, nullptr);
  auto live_client = ConnectTo(*b);
  ASSERT_NE(live_client, nullptr);
  const StreamState* live = Subscribe(*live_client, "/events/t");
  ASSERT_NE(live, nullptr);

  auto publisher = PublisherOf(*a);
  ASSERT_NE(publisher, nullptr);
  PublishAccepted(*publisher, MakeRequest(1, {MakeEvent({"t"}, "old", "pub-old")}));
  std::vector<std::string> ids;  // named by the log
  for (int i = 0; i < 10; ++i) {
    ids.push_back(
        PublishAccepted(*publisher, MakeRequest(2 + i, {MakeEvent({"t"}, std::to_string(i))}))
            .ids(0));
  }
  ASSERT_TRUE(WaitForEvents(*live_client, live, 11, kLongWait));  // B has read them all

  auto client = ConnectTo(*b);
  ASSERT_NE(client, nullptr);
  // In B's tail of three.
  const StreamState* near = Subscribe(*client, "/events/t", ids[7]);
  // Older than B's tail: resumed from the stream itself.
  const StreamState* far = Subscribe(*client, "/events/t", ids[1]);
  ASSERT_TRUE(near && far);
  ASSERT_TRUE(WaitForEvents(*client, far, 8, kLongWait));
  ASSERT_TRUE(WaitForEvents(*client, near, 2, kLongWait));
  // Then live, meeting the replay without a gap or a duplicate.
  ids.push_back(PublishAccepted(*publisher, MakeRequest(20, {MakeEvent({"t"}, "10")})).ids(0));
  ASSERT_TRUE(WaitForEvents(*client, far, 9, kLongWait));
  ASSERT_TRUE(WaitForEvents(*client, near, 3, kLongWait));
  EXPECT_THAT(Data(near->events), ElementsAre("8", "9", "10"));
  EXPECT_THAT(Ids(near->events), ElementsAre(ids[8], ids[9], ids[10]));
  EXPECT_THAT(Data(far->events), ElementsAreArray(Numbered("", 2, 11)));
  EXPECT_THAT(Ids(far->events), ElementsAreArray(ids.begin() + 2, ids.end()));

  // A publisher's own id carries no position: beyond the tail it is a gap.
  const StreamState* gone = Subscribe(*client, "/events/t", std::string("pub-old"));
  ASSERT_NE(gone, nullptr);
  ASSERT_TRUE(WaitForEvents(*client, gone, 1, kLongWait));
  EXPECT_EQ(gone->events[0].type, "gap");
  EXPECT_EQ(gone->events[0].data, "pub-old");
}

TEST_F(GatewayClusterTest, ARetryOnAnotherGatewayIsAcknowledgedAsADuplicateAndDeliveredOnce) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  GatewayProcess* a = StartClusterGateway();
  GatewayProcess* b = StartClusterGateway();
  ASSERT_TRUE(a && b);
  auto client_a = ConnectTo(*a);
  auto client_b = ConnectTo(*b);
  ASSERT_TRUE(client_a && client_b);
  const StreamState* on_a = Subscribe(*client_a, "/events/orders");
  const StreamState* on_b = Subscribe(*client_b, "/events/orders");
  ASSERT_TRUE(on_a && on_b);
  auto publisher_a = PublisherOf(*a);
  auto publisher_b = PublisherOf(*b);
  ASSERT_TRUE(publisher_a && publisher_b);

  const v1::PublishRequest first = MakeRequest(1, {MakeEvent({"orders"}, "first", "order-1")});
  EXPECT_EQ(PublishAccepted(*publisher_a, first).duplicates(), 0u);
  const v1::PublishReply retried = PublishAccepted(*publisher_b, first);
  EXPECT_EQ(retried.duplicates(), 1u);
  EXPECT_THAT(retried.ids(), ElementsAre("order-1"));

  // Sent to both at once, before either can have read the other's: stored once all the
  // same (by JetStream's duplicate window, or the history, whichever sees it first).
  const v1::PublishRequest pair = MakeRequest(
      2, {MakeEvent({"orders"}, "x", "order-2"), MakeEvent({"orders"}, "y", "order-3")});
  ASSERT_TRUE(publisher_a->Send(pair));
  ASSERT_TRUE(publisher_b->Send(pair));
  const auto reply_a = publisher_a->ReadReply(kLongWait);
  const auto reply_b = publisher_b->ReadReply(kLongWait);
  ASSERT_TRUE(reply_a && reply_b);
  EXPECT_EQ(reply_a->status(), v1::STATUS_OK) << reply_a->error();
  EXPECT_EQ(reply_b->status(), v1::STATUS_OK) << reply_b->error();
  EXPECT_EQ(std::min(reply_a->duplicates(), reply_b->duplicates()), 0u);
  EXPECT_EQ(std::max(reply_a->duplicates(), reply_b->duplicates()), 2u);

  // A publisher id sent again inside another request is delivered once too.
  const v1::PublishReply mixed =
      PublishAccepted(*publisher_b, MakeRequest(3, {MakeEvent({"orders"}, "again", "order-3"),
                                                    MakeEvent({"orders"}, "end", "order-4")}));
  EXPECT_EQ(mixed.duplicates(), 1u);
  EXPECT_THAT(mixed.ids(), ElementsAre("order-3", "order-4"));

  for (auto [client, stream] : {std::pair{client_a.get(), on_a}, {client_b.get(), on_b}}) {
    ASSERT_TRUE(WaitForEvents(*client, stream, 4, kLongWait));
    client->RunUntil([] { return false; }, std::chrono::milliseconds(200));  // nothing more
    EXPECT_THAT(Data(stream->events), ElementsAre("first", "x", "y", "end"));
    EXPECT_THAT(Ids(stream->events), ElementsAre("order-1", "order-2", "order-3", "order-4"));
  }
}

TEST_F(GatewayClusterTest, KillingOneNatsNodeWhilePublishingLosesNoEventOnAnyGateway) {
  ASSERT_NO_FATAL_FAILURE(StartNats(3));
  GatewayProcess* a = StartClusterGateway({"--nats-replicas", "3"});
  GatewayProcess* b = StartClusterGateway({"--nats-replicas", "3"});
  ASSERT_TRUE(a && b);
  auto client_a = ConnectTo(*a);
  auto client_b = ConnectTo(*b);
  ASSERT_TRUE(client_a && client_b);
  const StreamState* on_a = Subscribe(*client_a, "/events/load");
  const StreamState* on_b = Subscribe(*client_b, "/events/load");
  ASSERT_TRUE(on_a && on_b);
  auto publisher = PublisherOf(*a);
  ASSERT_NE(publisher, nullptr);
  // The stream's leader: the node whose loss costs the most.
  const int victim = StreamLeaderNode(nats().ClientUrls(), "SSEGW");
  ASSERT_GE(victim, 0);

  constexpr int kRequests = 100, kPerRequest = 10;
  const std::string failure = WhileReading({client_a.get(), client_b.get()}, [&] {
    for (int r = 0; r < kRequests; ++r) {
      if (r == 30) nats().Kill(victim);
      v1::PublishRequest request;
      request.set_seq(r + 1);
      for (int j = 0; j < kPerRequest; ++j) {
        const std::string id = "e-" + std::to_string(r * kPerRequest + j);
        *request.add_events() = MakeEvent({"load"}, id, id);
      }
      const v1::PublishReply reply = PublishRetrying(*publisher, request);
      if (reply.status() != v1::STATUS_OK) {
        return "request " + std::to_string(r) + ": " + reply.error();
      }
    }
    return std::string();
  });
  ASSERT_EQ(failure, "");

  const std::vector<std::string> all = Numbered("e-", 0, kRequests * kPerRequest);
  for (auto [client, stream] : {std::pair{client_a.get(), on_a}, {client_b.get(), on_b}}) {
    ASSERT_TRUE(WaitForEvents(*client, stream, all.size(), kClusterWait))
        << stream->events.size() << " events";
    EXPECT_THAT(Data(stream->events), ElementsAreArray(all));  // in order, once, no gap
  }
}

TEST_F(GatewayClusterTest, WithNatsDownPublishesAreUnavailableStreamsStayOpenAndNothingIsLost) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  const std::vector<std::string> flags = {"--publish-timeout", "1000", "--keepalive", "1"};
  GatewayProcess* a = StartClusterGateway(flags);
  GatewayProcess* b = StartClusterGateway(flags);
  ASSERT_TRUE(a && b);
  auto client = ConnectTo(*b);
  ASSERT_NE(client, nullptr);
  const StreamState* live = Subscribe(*client, "/events/t");
  ASSERT_NE(live, nullptr);
  auto publisher = PublisherOf(*a);
  ASSERT_NE(publisher, nullptr);
  // Five round trips through JetStream can outlast the client's PING period on a loaded
  // machine: it keeps reading meanwhile.
  const std::vector<std::string> before = WhileReading({client.get()}, [&] {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
      ids.push_back(
          PublishAccepted(*publisher, MakeRequest(1 + i, {MakeEvent({"t"}, std::to_string(i))}))
              .ids(0));
    }
    return ids;
  });
  ASSERT_TRUE(WaitForEvents(*client, live, 5, kLongWait));

  // Answered within --publish-timeout (the bound here only stops a hung test).
  const auto refused = WhileReading({client.get()}, [&] {
    nats().KillAll();
    return publisher->Publish(MakeRequest(10, {MakeEvent({"t"}, "during")}),
                              std::chrono::seconds(6));
  });
  ASSERT_TRUE(refused.has_value()) << publisher->error();
  EXPECT_EQ(refused->status(), v1::STATUS_UNAVAILABLE);
  EXPECT_FALSE(refused->error().empty());
  // The stream stays open, with its keep-alives.
  const size_t bytes = live->body.size();
  EXPECT_TRUE(client->RunUntil([&] { return live->body.size() > bytes || live->closed; }, kWait));
  EXPECT_FALSE(live->closed);
  // B learns of the loss on its own, maybe after A refused the publish: /readyz is polled,
  // and the gauge is set before readiness changes, so it is read after.
  EXPECT_TRUE(ReadyzIs(*client, 503));
  EXPECT_EQ(Value(Metrics(*client), "ssegw_nats_connected"), 0);

  std::string error;
  bool restarted = false;
  const v1::PublishReply after = WhileReading({client.get()}, [&] {
    restarted = nats().RestartAll(&error);
    if (!restarted) return v1::PublishReply();
    return PublishRetrying(*publisher, MakeRequest(20, {MakeEvent({"t"}, "after")}));
  });
  ASSERT_TRUE(restarted) << error;
  ASSERT_EQ(after.status(), v1::STATUS_OK);
  ASSERT_TRUE(WaitForEvents(*client, live, 6, kClusterWait));
  EXPECT_THAT(Data(live->events), ElementsAre("0", "1", "2", "3", "4", "after"));
  EXPECT_FALSE(live->closed);
  EXPECT_TRUE(ReadyzIs(*client, 200));
  EXPECT_EQ(Value(Metrics(*client), "ssegw_nats_connected"), 1);

  // Nothing acknowledged before the outage is missing, and the log's ids still resume
  // from any gateway.
  auto other = ConnectTo(*a);
  ASSERT_NE(other, nullptr);
  const StreamState* resumed = Subscribe(*other, "/events/t", before[1]);
  ASSERT_NE(resumed, nullptr);
  ASSERT_TRUE(WaitForEvents(*other, resumed, 4, kLongWait));
  EXPECT_THAT(Data(resumed->events), ElementsAre("2", "3", "4", "after"));
  // Also from the stream itself, on a gateway started since, whose tail holds one event:
  // the stream is the same incarnation after the servers' restart.
  GatewayProcess* c = StartClusterGateway({"--history", "1"});
  ASSERT_NE(c, nullptr);
  auto third = ConnectTo(*c);
  ASSERT_NE(third, nullptr);
  const StreamState* from_stream = Subscribe(*third, "/events/t", before[1]);
  ASSERT_NE(from_stream, nullptr);
  ASSERT_TRUE(WaitForEvents(*third, from_stream, 4, kLongWait));
  EXPECT_THAT(Data(from_stream->events), ElementsAre("2", "3", "4", "after"));
}

TEST_F(GatewayClusterTest, AClientOfAKilledGatewayResumesOnAnotherWithItsLastId) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  GatewayProcess* a = StartClusterGateway();
  GatewayProcess* b = StartClusterGateway();
  ASSERT_TRUE(a && b);
  auto browser = ConnectTo(*a);
  ASSERT_NE(browser, nullptr);
  const StreamState* on_a = Subscribe(*browser, "/events/t");
  ASSERT_NE(on_a, nullptr);
  auto publisher = PublisherOf(*b);
  ASSERT_NE(publisher, nullptr);
  for (int i = 0; i < 5; ++i) {
    PublishAccepted(*publisher, MakeRequest(1 + i, {MakeEvent({"t"}, std::to_string(i))}));
  }
  ASSERT_TRUE(WaitForEvents(*browser, on_a, 5, kLongWait));
  const std::string last_id = on_a->events.back().last_event_id;

  ASSERT_EQ(kill(a->pid(), SIGKILL), 0);
  ASSERT_TRUE(a->WaitForExit(kWait).has_value());
  for (int i = 5; i < 10; ++i) {
    PublishAccepted(*publisher, MakeRequest(1 + i, {MakeEvent({"t"}, std::to_string(i))}));
  }
  // What a browser does: reconnect (the balancer picks B) with its last id.
  auto again = ConnectTo(*b);
  ASSERT_NE(again, nullptr);
  const StreamState* on_b = Subscribe(*again, "/events/t", last_id);
  ASSERT_NE(on_b, nullptr);
  ASSERT_TRUE(WaitForEvents(*again, on_b, 5, kLongWait));
  again->RunUntil([] { return false; }, std::chrono::milliseconds(200));  // nothing more
  EXPECT_THAT(Data(on_b->events), ElementsAre("5", "6", "7", "8", "9"));
}

TEST_F(GatewayClusterTest, EventsGoneFromTheStreamBeforeAGatewayReadThemAreAGapThere) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  GatewayProcess* a = StartClusterGateway();
  ASSERT_NE(a, nullptr);
  auto publisher = PublisherOf(*a);
  ASSERT_NE(publisher, nullptr);
  for (int i = 0; i < 10; ++i) {
    const std::string id = "e" + std::to_string(i);
    PublishAccepted(*publisher, MakeRequest(1 + i, {MakeEvent({"t"}, id, id)}));
  }
  // An operator deletes e4 (stream message 5); then a gateway starts and reads past it.
  ASSERT_TRUE(DeleteStreamMessage(nats().ClientUrl(0), "SSEGW", 5));
  GatewayProcess* c = StartClusterGateway();
  ASSERT_NE(c, nullptr);

  auto client = ConnectTo(*c);
  ASSERT_NE(client, nullptr);
  const StreamState* on_c = Subscribe(*client, "/events/t", std::string("e1"));
  ASSERT_NE(on_c, nullptr);
  ASSERT_TRUE(WaitForEvents(*client, on_c, 8, kLongWait));
  // C says so where the event is missing, instead of passing over it.
  EXPECT_THAT(Data(on_c->events), ElementsAre("e2", "e3", "gap", "e5", "e6", "e7", "e8", "e9"));
  EXPECT_EQ(on_c->events[2].data, "e3");  // the last event before the hole
  EXPECT_EQ(Value(Metrics(*client), "ssegw_log_gaps_total"), 1);

  // A read e4 before it was deleted: nothing is missing there.
  auto client_a = ConnectTo(*a);
  ASSERT_NE(client_a, nullptr);
  const StreamState* on_a = Subscribe(*client_a, "/events/t", std::string("e1"));
  ASSERT_NE(on_a, nullptr);
  ASSERT_TRUE(WaitForEvents(*client_a, on_a, 8, kLongWait));
  EXPECT_THAT(Data(on_a->events), ElementsAreArray(Numbered("e", 2, 10)));
  EXPECT_EQ(Value(Metrics(*client_a), "ssegw_log_gaps_total"), 0);
}

// The number after "key": in sse-bench's JSON line; -1 if absent.
double JsonField(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  return at == std::string::npos ? -1 : std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

TEST_F(GatewayClusterTest, SseBenchPublishesOnOneGatewayAndCountsDeliveriesOnAnother) {
  // What the cluster benchmarks run (docs/BENCHMARKS.md), briefly and slowly: a check
  // that nothing is lost on the way, not a measurement.
  ASSERT_NO_FATAL_FAILURE(StartNats());
  GatewayProcess* a = StartClusterGateway();
  GatewayProcess* b = StartClusterGateway();
  ASSERT_TRUE(a && b);
  const CommandResult run = RunCommand(
      {SSEGW_BENCH_BIN, "--url", "https://127.0.0.1:" + std::to_string(b->port()) + "/events/bench",
       "--connections", "2", "--streams", "5", "--duration", "1", "--publish-rate", "50", "--batch",
       "5", "--socket", a->socket_path(), "--json-only"});
  SCOPED_TRACE(run.out + run.err);
  EXPECT_EQ(run.exit_code, 0);
  const double published = JsonField(run.out, "events_published");
  EXPECT_GT(published, 0);
  EXPECT_EQ(JsonField(run.out, "events_received"), published * 10);
  EXPECT_EQ(JsonField(run.out, "lost"), 0);
  EXPECT_EQ(JsonField(run.out, "errors"), 0);
}

}  // namespace
}  // namespace ssegw::testing
