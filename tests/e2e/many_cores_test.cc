// Many cores: the same contract with several worker loops — one publish order for every
// subscriber whatever loop serves it, resume across loops with no gap or duplicate,
// process totals in /metrics, and one history for the process.
//
// Each test names --threads itself, which the harness keeps over the suite's
// SSEGW_TEST_THREADS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAreArray;

class ManyCoresTest : public GatewayTest {
 protected:
  static std::vector<std::string> Range(int first, int last) {
    std::vector<std::string> ids;
    for (int i = first; i <= last; ++i) ids.push_back("e" + std::to_string(i));
    return ids;
  }
  // Publishes e<first>..e<last> on `topic`, `batch` events per request.
  void PublishRange(Publisher& publisher, const std::string& topic, int first, int last,
                    int batch = 1) {
    for (int i = first; i <= last; i += batch) {
      v1::PublishRequest request;
      request.set_seq(static_cast<uint64_t>(i));
      for (int j = i; j <= last && j < i + batch; ++j) {
        *request.add_events() =
            MakeEvent({topic}, "payload " + std::to_string(j), "e" + std::to_string(j));
      }
      PublishOk(publisher, request);
    }
  }
  // The workers that hold at least one connection, from /metrics.
  int BusyWorkers(H2Client& client, int workers) {
    const auto metrics = Metrics(client);
    int busy = 0;
    for (int w = 0; w < workers; ++w) {
      busy += Value(metrics, "ssegw_worker_connections{worker=\"" + std::to_string(w) + "\"}") > 0;
    }
    return busy;
  }
};

TEST_F(ManyCoresTest, StreamsSpreadOverLoopsAllReceiveOnePublishOrder) {
  constexpr int kConnections = 20;
  constexpr int kStreamsEach = 10;
  constexpr int kEvents = 300;
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--threads", "4"}));
  std::vector<std::unique_ptr<H2Client>> clients;
  std::vector<std::pair<H2Client*, StreamState*>> streams;
  for (int c = 0; c < kConnections; ++c) {
    clients.push_back(Connect());
    ASSERT_TRUE(clients.back());
    for (int s = 0; s < kStreamsEach; ++s) {
      // Two topic spellings and a multi-topic stream: all see the one order.
      const char* path = s % 3 == 0   ? "/events/t"
                         : s % 3 == 1 ? "/events?topic=t"
                                      : "/events?topic=t&topic=u";
      streams.emplace_back(clients.back().get(), clients.back()->stream(clients.back()->Get(path)));
    }
  }
  std::vector<H2Client*> raw;
  for (auto& c : clients) raw.push_back(c.get());
  ASSERT_TRUE(H2Client::RunUntil(
      raw,
      [&] {
        for (auto& [client, s] : streams) {
          if (!s->headers_received) return false;
        }
        return true;
      },
      kLongWait));
  // The kernel spread the connections: more than one loop serves them.
  auto probe = Connect();
  ASSERT_TRUE(probe);
  EXPECT_GE(BusyWorkers(*probe, 4), 2);

  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  // Batches of mixed topics: "u" events go only to the multi-topic streams.
  for (int i = 1; i <= kEvents; i += 5) {
    v1::PublishRequest request;
    request.set_seq(static_cast<uint64_t>(i));
    for (int j = i; j < i + 5; ++j) {
      *request.add_events() =
          MakeEvent({j % 7 == 0 ? "u" : "t"}, std::to_string(j), "e" + std::to_string(j));
    }
    PublishOk(*publisher, request);
  }
  std::vector<std::string> only_t, t_and_u;
  for (int j = 1; j <= kEvents; ++j) {
    t_and_u.push_back("e" + std::to_string(j));
    if (j % 7 != 0) only_t.push_back("e" + std::to_string(j));
  }
  ASSERT_TRUE(H2Client::RunUntil(
      raw,
      [&] {
        for (size_t i = 0; i < streams.size(); ++i) {
          const size_t want = i % kStreamsEach % 3 == 2 ? t_and_u.size() : only_t.size();
          if (streams[i].second->events.size() < want) return false;
        }
        return true;
      },
      kLongWait));
  for (size_t i = 0; i < streams.size(); ++i) {
    const auto& expected = i % kStreamsEach % 3 == 2 ? t_and_u : only_t;
    ASSERT_THAT(Ids(streams[i].second->events), ElementsAreArray(expected)) << "stream " << i;
  }
}

TEST_F(ManyCoresTest, ResumeWhileOtherLoopsDeliverLiveHasNoGapAndNoDuplicate) {
  constexpr int kBefore = 400;
  constexpr int kDuring = 3000;
  constexpr int kResumers = 24;
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--threads", "4", "--history", "5000"}));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishRange(*publisher, "r", 1, kBefore, 10);

  // Live subscribers that were there all along, on their own connections.
  std::vector<std::unique_ptr<H2Client>> clients;
  std::vector<StreamState*> live;
  for (int c = 0; c < 4; ++c) {
    clients.push_back(Connect());
    ASSERT_TRUE(clients.back());
    live.push_back(clients.back()->stream(clients.back()->Get("/events/r")));
  }
  std::vector<H2Client*> raw;
  for (auto& c : clients) raw.push_back(c.get());
  ASSERT_TRUE(H2Client::RunUntil(
      raw,
      [&] {
        for (StreamState* s : live) {
          if (!s->headers_received) return false;
        }
        return true;
      },
      kWait));
  // The resumers' connections are made (TLS handshakes done) before publishing starts,
  // so their requests go out while it runs.
  for (int r = 0; r < kResumers; ++r) {
    clients.push_back(Connect());
    ASSERT_TRUE(clients.back());
    raw.push_back(clients.back().get());
  }

  // A second publisher keeps publishing while the resumers subscribe and catch up.
  std::atomic<bool> publishing_done{false};
  std::string publish_error;
  std::thread background([&] {
    auto second = ConnectPublisher();
    if (!second) {
      publish_error = "no publisher";
    } else {
      for (int i = kBefore + 1; i <= kBefore + kDuring; i += 3) {
        v1::PublishRequest request;
        request.set_seq(static_cast<uint64_t>(i));
        for (int j = i; j <= kBefore + kDuring && j < i + 3; ++j) {
          *request.add_events() =
              MakeEvent({"r"}, "payload " + std::to_string(j), "e" + std::to_string(j));
        }
        auto reply = second->Publish(request);
        if (!reply || reply->status() != v1::STATUS_OK) {
          publish_error = "publish failed at " + std::to_string(i);
          break;
        }
      }
    }
    publishing_done = true;
  });

  std::vector<std::pair<int, StreamState*>> resumers;  // (resumed after, stream)
  for (int r = 0; r < kResumers; ++r) {
    H2Client& client = *clients[4 + r];
    const int after = 1 + r * ((kBefore - 2) / kResumers);
    // Half by header, half by the query parameter EventSource uses on its first request.
    StreamState* s =
        r % 2 ? client.stream(
                    client.Get("/events/r", {{"last-event-id", "e" + std::to_string(after)}}))
              : client.stream(client.Get("/events/r?lastEventId=e" + std::to_string(after)));
    resumers.emplace_back(after, s);
  }
  // Keep reading while the background publisher runs, so nobody is a slow consumer.
  ASSERT_TRUE(H2Client::RunUntil(
      raw, [&] { return publishing_done.load(); }, kLongWait));
  background.join();
  ASSERT_TRUE(publish_error.empty()) << publish_error;
  const int last = kBefore + kDuring;
  const std::string last_id = "e" + std::to_string(last);
  ASSERT_TRUE(H2Client::RunUntil(
      raw,
      [&] {
        for (auto& [after, s] : resumers) {
          if (s->events.empty() || s->events.back().last_event_id != last_id) return false;
        }
        for (StreamState* s : live) {
          if (s->events.empty() || s->events.back().last_event_id != last_id) return false;
        }
        return true;
      },
      kLongWait))
      <<
      [&] {
        std::string state;
        for (auto& [after, s] : resumers) {
          state += "after e" + std::to_string(after) + ": " + std::to_string(s->events.size()) +
                   " events, last " + (s->events.empty() ? "-" : s->events.back().last_event_id) +
                   (s->closed ? " closed" : "") + "\n";
        }
        for (StreamState* s : live) {
          state += "live: status " + std::to_string(s->status) + ", " +
                   std::to_string(s->events.size()) + " events, last " +
                   (s->events.empty() ? "-" : s->events.back().last_event_id) +
                   (s->closed ? " closed" : "") + "\n";
        }
        return state;
      }();
  for (auto& [after, s] : resumers) {
    ASSERT_THAT(Ids(s->events), ElementsAreArray(Range(after + 1, last))) << "after e" << after;
  }
  for (StreamState* s : live) {
    // Live subscribers saw everything published after they subscribed, in order: a
    // contiguous tail ending at the last event.
    ASSERT_FALSE(s->events.empty());
    const int first = std::stoi(s->events.front().last_event_id.substr(1));
    ASSERT_THAT(Ids(s->events), ElementsAreArray(Range(first, last)));
    EXPECT_LE(first, kBefore + 1);  // subscribed before the second publisher began
  }
}

TEST_F(ManyCoresTest, MetricsTotalsAreWhatTheClientsSaw) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--threads", "4"}));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishRange(*publisher, "m", 1, 50, 5);
  std::vector<std::unique_ptr<H2Client>> clients;
  std::vector<StreamState*> streams;
  size_t expected_replayed = 0;
  for (int c = 0; c < 12; ++c) {
    clients.push_back(Connect());
    ASSERT_TRUE(clients.back());
    for (int s = 0; s < 3; ++s) {
      if (s == 0) {
        const int after = 40 + c % 5;  // replays 50 - after events
        expected_replayed += static_cast<size_t>(50 - after);
        streams.push_back(clients.back()->stream(
            clients.back()->Get("/events/m", {{"last-event-id", "e" + std::to_string(after)}})));
      } else {
        streams.push_back(clients.back()->stream(clients.back()->Get("/events/m")));
      }
    }
  }
  std::vector<H2Client*> raw;
  for (auto& c : clients) raw.push_back(c.get());
  // Resumed streams have caught up (so what follows is live for everyone).
  ASSERT_TRUE(H2Client::RunUntil(
      raw,
      [&] {
        for (size_t i = 0; i < streams.size(); ++i) {
          if (!streams[i]->headers_received) return false;
          if (i % 3 == 0 &&
              (streams[i]->events.empty() || streams[i]->events.back().last_event_id != "e50")) {
            return false;
          }
        }
        return true;
      },
      kLongWait));
  PublishRange(*publisher, "m", 51, 80, 3);
  size_t seen = 0;
  ASSERT_TRUE(H2Client::RunUntil(
      raw,
      [&] {
        for (StreamState* s : streams) {
          if (s->events.empty() || s->events.back().last_event_id != "e80") return false;
        }
        return true;
      },
      kLongWait));
  for (StreamState* s : streams) seen += s->events.size();

  auto observer = Connect();
  ASSERT_TRUE(observer);
  const auto metrics = Metrics(*observer);
  EXPECT_EQ(Value(metrics, "ssegw_events_delivered_total"), static_cast<double>(seen));
  EXPECT_EQ(Value(metrics, "ssegw_replayed_events_total"), static_cast<double>(expected_replayed));
  EXPECT_EQ(Value(metrics, "ssegw_events_published_total"), 80.0);
  EXPECT_EQ(Value(metrics, "ssegw_streams"), static_cast<double>(streams.size()));
  EXPECT_EQ(Value(metrics, "ssegw_connections"), static_cast<double>(clients.size() + 1));
  EXPECT_EQ(Value(metrics, "ssegw_publishers"), 1.0);
  double per_worker = 0;
  for (int w = 0; w < 4; ++w) {
    per_worker += Value(metrics, "ssegw_worker_streams{worker=\"" + std::to_string(w) + "\"}");
  }
  EXPECT_EQ(per_worker, static_cast<double>(streams.size()));
}

// One history for the process: its memory does not grow with the number of loops.
TEST_F(ManyCoresTest, HistoryMemoryDoesNotGrowWithThreads) {
  if (kSanitizedBuild) GTEST_SKIP() << "RSS is not meaningful under ASan";
  constexpr int kEvents = 12000;  // past the 10,000-event cap: the history is full
  const std::string payload(4000, 'h');
  long rss[2] = {0, 0};
  const char* threads[2] = {"1", "4"};
  for (int run = 0; run < 2; ++run) {
    ASSERT_NO_FATAL_FAILURE(StartGateway({"--threads", threads[run]}));
    auto publisher = ConnectPublisher();
    ASSERT_TRUE(publisher);
    for (int i = 1; i <= kEvents; i += 50) {
      v1::PublishRequest request;
      request.set_seq(static_cast<uint64_t>(i));
      for (int j = i; j < i + 50; ++j) {
        *request.add_events() = MakeEvent({"h"}, payload, "e" + std::to_string(j));
      }
      PublishOk(*publisher, request);
    }
    // The workers have taken every batch once /metrics, served by a worker, counts the
    // history full; RSS is read after.
    auto client = Connect();
    ASSERT_TRUE(client);
    EXPECT_EQ(Value(Metrics(*client), "ssegw_history_events"), 10000.0);
    rss[run] = gateway().RssKiB();
    ASSERT_GT(rss[run], 0);
    ASSERT_TRUE(gateway().Terminate().has_value());
  }
  // ~40 MB of history either way; four workers' tails add only a pointer per event.
  EXPECT_GT(rss[0], 40 * 1024);
  EXPECT_LT(static_cast<double>(rss[1]), 1.10 * static_cast<double>(rss[0]))
      << "RSS with 1 thread " << rss[0] << " KiB, with 4 threads " << rss[1] << " KiB";
}

}  // namespace
}  // namespace ssegw::testing
