#include "core/fanout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "testutil/local_centre.h"
#include "testutil/recording_subscriber.h"
#include "testutil/sse_parser.h"

namespace ssegw {
namespace {

using ssegw::testing::LocalCentre;
using ssegw::testing::RecordingSubscriber;
using ::testing::ElementsAre;

class FanoutTest : public ::testing::Test {
 protected:
  explicit FanoutTest(size_t history = 100)
      : centre(MemoryLogOptions{.history_events = history, .history_bytes = 1 << 20}) {}
  Fanout& fanout() { return centre.fanout(); }
  void Subscribe(RecordingSubscriber& s, TopicSet topics,
                 std::optional<std::string> last_event_id = std::nullopt) {
    fanout().Subscribe(&s, std::move(topics), last_event_id);
  }
  std::string Publish(const std::string& topic, const std::string& data, std::string id = "") {
    return centre.Publish({topic}, data, id);
  }

  LocalCentre centre;
};

TEST_F(FanoutTest, DeliversLiveEventsToSubscribersOfTheirTopics) {
  RecordingSubscriber a(fanout()), b(fanout()), both(fanout());
  Subscribe(a, {"a"});
  Subscribe(b, {"b"});
  Subscribe(both, {"a", "b"});
  EXPECT_TRUE(a.subscribed());
  centre.Publish({"a", "b"}, "x\ny", "id1", "tick");
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].view(), "id: id1\nevent: tick\ndata: x\ndata: y\n\n");
  EXPECT_EQ(b.messages.size(), 1u);
  EXPECT_THAT(both.Data(), ElementsAre("x\ny"));  // once, though it matches twice
  // Encoded once: every queue holds a reference to the same bytes.
  EXPECT_EQ(a.messages[0].data(), b.messages[0].data());
  EXPECT_EQ(fanout().live_count(), 3u);
}

TEST_F(FanoutTest, ResumeReplaysMatchingEventsThenLiveWithNoGapOrDuplicate) {
  for (int i = 1; i <= 10; ++i)
    Publish(i % 2 ? "odd" : "even", std::to_string(i), "e" + std::to_string(i));
  RecordingSubscriber s(fanout());
  Subscribe(s, {"even"}, "e5");
  EXPECT_FALSE(s.subscribed());  // locating: the answer is asynchronous
  // Published before the lookup is answered: reached through the tail, not live.
  Publish("even", "12", "e12");
  EXPECT_TRUE(s.messages.empty());
  centre.Settle();
  EXPECT_TRUE(s.subscribed());
  Publish("even", "14", "e14");
  EXPECT_THAT(s.Data(), ElementsAre("6", "8", "10", "12", "14"));
  EXPECT_EQ(s.Events().back().last_event_id, "e14");
  EXPECT_EQ(centre.counters().replayed_events_total.value(), 4u);
}

TEST_F(FanoutTest, ResumeFromTheNewestEventReplaysNothing) {
  Publish("a", "1", "only");
  RecordingSubscriber s(fanout());
  Subscribe(s, {"a"}, "only");
  centre.Settle();
  EXPECT_TRUE(s.messages.empty());
  EXPECT_TRUE(s.subscribed());
}

TEST_F(FanoutTest, UnknownIdGetsAGapThenEverythingSinceTheSubscriptionBegan) {
  Publish("a", "1", "known");
  RecordingSubscriber s(fanout());
  Subscribe(s, {"a"}, "stale-id");
  Publish("a", "2", "during-lookup");
  centre.Settle();
  Publish("a", "3", "live");
  auto events = s.Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "gap");
  EXPECT_EQ(events[0].data, "stale-id");
  // Names the event live delivery starts after, so a reconnect resumes from there.
  EXPECT_EQ(events[0].last_event_id, "known");
  EXPECT_EQ(events[1].data, "2");
  EXPECT_EQ(events[2].data, "3");
}

TEST_F(FanoutTest, GapOnAnEmptyLogNamesNoEvent) {
  RecordingSubscriber s(fanout());
  Subscribe(s, {"a"}, "stale-id");
  centre.Settle();
  auto events = s.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "gap");
  EXPECT_EQ(events[0].last_event_id, "");
  EXPECT_EQ(s.messages[0].view().find("id:"), std::string_view::npos);
}

class SmallFanoutTest : public FanoutTest {
 protected:
  SmallFanoutTest() : FanoutTest(3) {}
};

TEST_F(SmallFanoutTest, EvictedIdIsAGap) {
  for (int i = 0; i < 5; ++i) Publish("a", std::to_string(i), "id" + std::to_string(i));
  RecordingSubscriber gone(fanout()), kept(fanout());
  Subscribe(gone, {"a"}, "id0");
  Subscribe(kept, {"a"}, "id2");
  centre.Settle();
  EXPECT_EQ(gone.Events().at(0).type, "gap");
  EXPECT_THAT(kept.Data(), ElementsAre("3", "4"));
}

TEST_F(SmallFanoutTest, CatchUpThatFallsBehindEvictionIsLost) {
  for (int i = 0; i < 3; ++i) Publish("a", std::to_string(i), "id" + std::to_string(i));
  RecordingSubscriber s(fanout(), /*room=*/0);
  Subscribe(s, {"a"}, "id0");
  centre.Settle();
  EXPECT_TRUE(s.refused);
  for (int i = 3; i < 6; ++i) Publish("a", std::to_string(i), "id" + std::to_string(i));
  s.Take();  // id1 and id2, not yet sent, are gone
  centre.Settle();
  EXPECT_TRUE(s.lost);
  EXPECT_FALSE(s.attached());
  EXPECT_FALSE(s.subscribed());
}

TEST_F(FanoutTest, CatchUpGoesAtTheSubscribersPaceAndThenJoinsLiveEvents) {
  for (int i = 1; i <= 6; ++i) Publish("a", std::to_string(i), "e" + std::to_string(i));
  RecordingSubscriber s(fanout(), /*room=*/2);
  Subscribe(s, {"a"}, "e1");
  centre.Settle();
  EXPECT_THAT(s.Data(), ElementsAre("2", "3"));
  EXPECT_TRUE(s.refused);
  EXPECT_FALSE(s.subscribed());
  // Published while catching up: reached through the tail, not delivered live.
  Publish("a", "7", "e7");
  EXPECT_EQ(s.messages.size(), 2u);
  s.Take();
  centre.Settle();
  EXPECT_THAT(s.Data(), ElementsAre("2", "3", "4", "5"));
  s.Take();
  centre.Settle();
  s.Take();
  centre.Settle();
  EXPECT_TRUE(s.subscribed());
  Publish("a", "8", "e8");
  EXPECT_THAT(s.Data(), ElementsAre("2", "3", "4", "5", "6", "7", "8"));
  // Only events the subscriber took count as replayed.
  EXPECT_EQ(centre.counters().replayed_events_total.value(), 6u);
}

TEST_F(FanoutTest, CatchUpSkipsOtherTopicsWithoutOfferingThem) {
  Publish("a", "1", "a1");
  for (int i = 0; i < 5; ++i) Publish("other", "x");
  RecordingSubscriber s(fanout(), /*room=*/0);
  Subscribe(s, {"a"}, "a1");
  centre.Settle();
  EXPECT_FALSE(s.refused);  // nothing matched, so nothing was offered
  EXPECT_TRUE(s.subscribed());
}

TEST_F(FanoutTest, UnsubscribeInAnyPhaseLetsGo) {
  Publish("a", "1", "a1");
  Publish("a", "2", "a2");
  {
    RecordingSubscriber locating(fanout());
    Subscribe(locating, {"a"}, "a1");
    EXPECT_EQ(fanout().attached_count(), 1u);
  }  // unsubscribed while its lookup is pending: the answer finds nobody
  centre.Settle();
  {
    RecordingSubscriber waiting(fanout(), /*room=*/0);
    Subscribe(waiting, {"a"}, "a1");
    centre.Settle();
    EXPECT_TRUE(waiting.refused);
  }
  EXPECT_EQ(fanout().attached_count(), 0u);
  EXPECT_FALSE(fanout().has_ready());
}

TEST_F(FanoutTest, PumpLooksAtNoMoreThanItsBudget) {
  for (int i = 0; i < 100; ++i) Publish("a", std::to_string(i), "e" + std::to_string(i));
  RecordingSubscriber s(fanout());
  Subscribe(s, {"a"}, "e0");
  centre.AnswerLookups();
  EXPECT_TRUE(fanout().has_ready());
  EXPECT_EQ(fanout().Pump(10), 10u);
  EXPECT_EQ(s.messages.size(), 10u);
  EXPECT_TRUE(fanout().has_ready());
  while (fanout().has_ready()) fanout().Pump(10);
  EXPECT_EQ(s.messages.size(), 99u);
  EXPECT_TRUE(s.subscribed());
}

// Random interleavings of publishes (on several topics, some with duplicate ids),
// subscriptions from random resume points, slow readers and unsubscribes. Every
// subscriber must see exactly the events a model says: the gap notice when its id was
// not held, then every later matching event in publish order, once.
TEST(FanoutModelTest, RandomInterleavingsMatchTheModel) {
  std::mt19937 rng(2024);
  for (int round = 0; round < 30; ++round) {
    const size_t history = 5 + rng() % 40;
    LocalCentre centre(MemoryLogOptions{.history_events = history, .history_bytes = 1 << 20});
    struct Published {
      std::string id;
      std::string topic;
      std::string data;
    };
    std::vector<Published> log;  // everything committed, in order
    struct Sub {
      std::unique_ptr<RecordingSubscriber> s;
      TopicSet topics;
      size_t from;  // index in `log` of the first event it must get
      bool gap;
    };
    std::vector<Sub> subs;
    const std::vector<std::string> topics = {"a", "b", "c"};
    int next = 0;
    for (int step = 0; step < 400; ++step) {
      const int op = static_cast<int>(rng() % 10);
      if (op < 5) {
        Published p{"e" + std::to_string(next), topics[rng() % 3], std::to_string(next)};
        ++next;
        centre.Publish({p.topic}, p.data, p.id);
        log.push_back(p);
      } else if (op < 8) {
        TopicSet t = {topics[rng() % 3]};
        if (rng() % 2) t.push_back(topics[rng() % 3]);
        Normalize(&t);
        auto s = std::make_unique<RecordingSubscriber>(centre.fanout(), 1 + rng() % 4);
        std::optional<std::string> last;
        size_t from = log.size();
        bool gap = false;
        if (!log.empty() && rng() % 3 != 0) {
          const size_t at = rng() % log.size();
          last = log[at].id;
          // Held by the log now (count cap only: every event is the same size class).
          const bool held = log.size() - at <= history;
          if (held) {
            from = at + 1;
          } else {
            gap = true;
          }
        } else if (rng() % 4 == 0) {
          last = "unknown";
          gap = true;
        }
        centre.fanout().Subscribe(s.get(), t, last);
        // Answered before anything else is published, so "held" above is what the log
        // finds (an id evicted during the lookup would be a gap the model cannot see).
        centre.AnswerLookups();
        subs.push_back(Sub{std::move(s), t, from, gap});
      } else if (op < 9 && !subs.empty()) {
        subs[rng() % subs.size()].s->Take();
      } else {
        centre.Settle();
      }
      for (Sub& sub : subs) {
        if (rng() % 3 == 0) sub.s->Take();
      }
    }
    // Drain everything.
    for (int i = 0; i < 1000; ++i) {
      for (Sub& sub : subs) sub.s->Take();
      if (!centre.Settle()) break;
    }
    for (Sub& sub : subs) {
      if (sub.s->lost) continue;  // fell behind eviction while slow: ends, resumes later
      std::vector<std::string> expected;
      if (sub.gap) expected.push_back("gap");
      for (size_t i = sub.from; i < log.size(); ++i) {
        if (std::find(sub.topics.begin(), sub.topics.end(), log[i].topic) != sub.topics.end()) {
          expected.push_back(log[i].data);
        }
      }
      std::vector<std::string> got;
      for (const auto& e : sub.s->Events()) got.push_back(e.type == "gap" ? "gap" : e.data);
      ASSERT_EQ(got, expected) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace ssegw
