#include "core/topic_router.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

// Counts heap allocations so a test can show that Publish allocates nothing.
namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC 12 flags free() on a pointer that came from operator new once these inline into
// library code, although replacing the pair together is exactly what makes it correct.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace ssegw {
namespace {

class RecordingSubscriber : public Subscriber {
 public:
  ~RecordingSubscriber() { EXPECT_FALSE(subscribed()); }
  void Deliver(const SharedBytes& message) override {
    ++count;
    last = message;
  }
  // The router never offers replay or reports it lost; those are the fanout's.
  bool Offer(const SharedBytes&) override { return false; }
  void OnReplayLost() override {}
  size_t count = 0;
  SharedBytes last;
};

std::vector<std::string> Topics(std::initializer_list<const char*> names) {
  std::vector<std::string> out(names.begin(), names.end());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(TopicRouterTest, MultiTopicEventReachesEachSubscriberOnce) {
  TopicRouter router;
  RecordingSubscriber both, only_a, only_c;
  router.Subscribe(&both, Topics({"a", "b"}));
  router.Subscribe(&only_a, Topics({"a"}));
  router.Subscribe(&only_c, Topics({"c"}));
  EXPECT_EQ(router.subscriber_count(), 3u);
  EXPECT_EQ(router.topic_count(), 3u);

  SharedBytes message("data: x\n\n");
  EXPECT_EQ(router.Publish(1, Topics({"a", "b"}), message), 2u);
  EXPECT_EQ(both.count, 1u);
  EXPECT_EQ(only_a.count, 1u);
  EXPECT_EQ(only_c.count, 0u);
  EXPECT_EQ(both.last, message);

  EXPECT_EQ(router.Publish(2, Topics({"b"}), message), 1u);
  EXPECT_EQ(both.count, 2u);
  EXPECT_EQ(only_a.count, 1u);

  EXPECT_EQ(router.Publish(3, Topics({"nobody"}), message), 0u);
  EXPECT_EQ(router.Publish(4, Topics({"a", "b", "c"}), message), 3u);
  EXPECT_EQ(both.count, 3u);
  EXPECT_EQ(only_a.count, 2u);
  EXPECT_EQ(only_c.count, 1u);

  router.Unsubscribe(&both);
  router.Unsubscribe(&only_a);
  router.Unsubscribe(&only_c);
}

TEST(TopicRouterTest, FirstPublishWithSeqZeroIsDelivered) {
  TopicRouter router;
  RecordingSubscriber s;
  router.Subscribe(&s, Topics({"a", "b"}));
  EXPECT_EQ(router.Publish(0, Topics({"a", "b"}), SharedBytes("m")), 1u);
  EXPECT_EQ(s.count, 1u);
  router.Unsubscribe(&s);
}

TEST(TopicRouterTest, SwapRemoveFromTheMiddleKeepsTheOthers) {
  TopicRouter router;
  std::vector<RecordingSubscriber> subs(6);
  for (auto& s : subs) router.Subscribe(&s, Topics({"a", "b"}));
  router.Unsubscribe(&subs[1]);
  router.Unsubscribe(&subs[3]);
  router.Unsubscribe(&subs[0]);
  EXPECT_EQ(router.Publish(1, Topics({"b"}), SharedBytes("m")), 3u);
  EXPECT_EQ(router.Publish(2, Topics({"a"}), SharedBytes("m")), 3u);
  for (size_t i : {2, 4, 5}) EXPECT_EQ(subs[i].count, 2u) << i;
  for (size_t i : {0, 1, 3}) EXPECT_EQ(subs[i].count, 0u) << i;
  // Removing a moved subscriber exercises the index the swap-remove rewrote.
  router.Unsubscribe(&subs[5]);
  EXPECT_EQ(router.Publish(3, Topics({"a", "b"}), SharedBytes("m")), 2u);
  EXPECT_EQ(subs[2].count, 3u);
  EXPECT_EQ(subs[4].count, 3u);
  for (auto& s : subs) router.Unsubscribe(&s);
}

TEST(TopicRouterTest, UnsubscribeOfUnsubscribedIsNoOp) {
  TopicRouter router;
  RecordingSubscriber s, other;
  router.Subscribe(&other, Topics({"a"}));
  router.Unsubscribe(&s);
  router.Subscribe(&s, Topics({"a"}));
  router.Unsubscribe(&s);
  router.Unsubscribe(&s);
  EXPECT_EQ(router.subscriber_count(), 1u);
  EXPECT_EQ(router.topic_count(), 1u);
  EXPECT_EQ(router.Publish(1, Topics({"a"}), SharedBytes("m")), 1u);
  EXPECT_EQ(s.count, 0u);
  router.Unsubscribe(&other);
}

TEST(TopicRouterTest, TopicCountDropsToZeroWhenEveryoneLeaves) {
  TopicRouter router;
  RecordingSubscriber s1, s2, s3;
  router.Subscribe(&s1, Topics({"a", "b"}));
  router.Subscribe(&s2, Topics({"b", "c"}));
  router.Subscribe(&s3, Topics({"c"}));
  EXPECT_EQ(router.topic_count(), 3u);
  router.Unsubscribe(&s1);
  EXPECT_EQ(router.topic_count(), 2u);  // "a" had only s1
  router.Unsubscribe(&s3);
  EXPECT_EQ(router.topic_count(), 2u);  // s2 still holds "b" and "c"
  router.Unsubscribe(&s2);
  EXPECT_EQ(router.topic_count(), 0u);
  EXPECT_EQ(router.subscriber_count(), 0u);
  // A removed entry can be created again.
  router.Subscribe(&s1, Topics({"a"}));
  EXPECT_EQ(router.Publish(1, Topics({"a"}), SharedBytes("m")), 1u);
  router.Unsubscribe(&s1);
  EXPECT_EQ(router.topic_count(), 0u);
}

TEST(TopicRouterTest, TenThousandSubscribersShareOneBuffer) {
  constexpr size_t kSubscribers = 10'000;
  TopicRouter router;
  std::vector<RecordingSubscriber> subs(kSubscribers);
  const auto topic = Topics({"news"});
  for (auto& s : subs) router.Subscribe(&s, topic);

  SharedBytes message("id: 1\ndata: hello\n\n");
  EXPECT_EQ(router.Publish(1, topic, message), kSubscribers);
  EXPECT_EQ(message.use_count(), 1u + kSubscribers);
  for (const auto& s : subs) {
    ASSERT_EQ(s.count, 1u);
    ASSERT_EQ(s.last.data(), message.data());  // the same bytes, not a copy
  }
  for (auto& s : subs) router.Unsubscribe(&s);
  EXPECT_EQ(router.topic_count(), 0u);
}

TEST(TopicRouterTest, PublishDoesNotAllocate) {
  TopicRouter router;
  std::vector<RecordingSubscriber> subs(100);
  for (size_t i = 0; i < subs.size(); ++i) {
    router.Subscribe(&subs[i],
                     i % 2 ? Topics({"a-long-topic-name-beyond-sso", "b"}) : Topics({"b", "c"}));
  }
  const auto topics = Topics({"a-long-topic-name-beyond-sso", "b", "c", "unknown"});
  SharedBytes message("data: x\n\n");
  const size_t before = g_allocations.load();
  const size_t delivered = router.Publish(1, topics, message);
  const size_t allocations = g_allocations.load() - before;
  EXPECT_EQ(delivered, subs.size());
  EXPECT_EQ(allocations, 0u);
  for (auto& s : subs) router.Unsubscribe(&s);
}

TEST(TopicRouterTest, DestroyedRouterDetachesItsSubscribers) {
  RecordingSubscriber s;
  {
    TopicRouter router;
    router.Subscribe(&s, Topics({"a", "b"}));
    EXPECT_TRUE(s.subscribed());
  }
  EXPECT_FALSE(s.subscribed());
  TopicRouter again;
  again.Subscribe(&s, Topics({"a"}));
  EXPECT_EQ(again.Publish(1, Topics({"a"}), SharedBytes("m")), 1u);
  again.Unsubscribe(&s);
}

// Thousands of random subscribes, unsubscribes and publishes, checked against a
// brute-force model that scans every subscriber.
TEST(TopicRouterTest, MatchesBruteForceModelUnderRandomOperations) {
  constexpr size_t kSubscribers = 300;
  constexpr size_t kTopics = 12;
  std::mt19937 rng(424242);
  std::vector<std::string> pool;
  for (size_t i = 0; i < kTopics; ++i) pool.push_back("topic/" + std::to_string(i));
  std::sort(pool.begin(), pool.end());

  auto random_topics = [&](size_t max) {
    std::vector<std::string> out;
    const size_t k = std::uniform_int_distribution<size_t>(1, max)(rng);
    std::sample(pool.begin(), pool.end(), std::back_inserter(out), k, rng);
    return out;  // std::sample keeps the pool's (sorted) order
  };

  TopicRouter router;
  std::vector<RecordingSubscriber> subs(kSubscribers);
  std::vector<std::optional<std::set<std::string>>> model(kSubscribers);
  std::vector<size_t> expected(kSubscribers, 0);
  uint64_t seq = 0;

  for (int op = 0; op < 20'000; ++op) {
    const int kind = std::uniform_int_distribution<int>(0, 2)(rng);
    const size_t i = std::uniform_int_distribution<size_t>(0, kSubscribers - 1)(rng);
    if (kind == 0) {
      if (!model[i]) {
        auto topics = random_topics(4);
        router.Subscribe(&subs[i], topics);
        model[i].emplace(topics.begin(), topics.end());
      }
    } else if (kind == 1) {
      router.Unsubscribe(&subs[i]);
      model[i].reset();
    } else {
      const auto topics = random_topics(5);
      size_t want = 0;
      for (size_t j = 0; j < kSubscribers; ++j) {
        if (!model[j]) continue;
        const bool match = std::any_of(topics.begin(), topics.end(),
                                       [&](const std::string& t) { return model[j]->count(t); });
        if (match) {
          ++expected[j];
          ++want;
        }
      }
      ASSERT_EQ(router.Publish(++seq, topics, SharedBytes("m")), want) << "op " << op;
      for (size_t j = 0; j < kSubscribers; ++j) {
        ASSERT_EQ(subs[j].count, expected[j]) << "op " << op << " subscriber " << j;
      }
    }
    std::set<std::string> live_topics;
    size_t live = 0;
    for (const auto& m : model) {
      if (!m) continue;
      ++live;
      live_topics.insert(m->begin(), m->end());
    }
    ASSERT_EQ(router.subscriber_count(), live) << "op " << op;
    ASSERT_EQ(router.topic_count(), live_topics.size()) << "op " << op;
  }
  for (auto& s : subs) router.Unsubscribe(&s);
  EXPECT_EQ(router.topic_count(), 0u);
}

#ifndef NDEBUG
TEST(TopicRouterDeathTest, DestroyingASubscribedSubscriberAsserts) {
  EXPECT_DEATH(
      {
        TopicRouter router;
        auto s = std::make_unique<RecordingSubscriber>();
        router.Subscribe(s.get(), Topics({"a"}));
        s.reset();
      },
      "router_ == nullptr");
}

#endif

class UnsubscribingSubscriber : public Subscriber {
 public:
  void Deliver(const SharedBytes&) override {
    ++deliveries;
    router->Unsubscribe(this);
    router->Unsubscribe(this);  // twice: still removed once
  }
  bool Offer(const SharedBytes&) override { return false; }
  void OnReplayLost() override {}
  TopicRouter* router = nullptr;
  int deliveries = 0;
};

// A subscriber that leaves from inside Deliver (a stream ended by the slow-consumer rule)
// gets nothing more, even through the event's other topics, and is gone after Publish.
TEST(TopicRouterTest, UnsubscribingFromInsideDeliverTakesEffectAfterPublish) {
  TopicRouter router;
  UnsubscribingSubscriber leaver;
  RecordingSubscriber stayer;
  leaver.router = &router;
  router.Subscribe(&leaver, Topics({"a", "b"}));
  router.Subscribe(&stayer, Topics({"a", "b"}));
  EXPECT_EQ(router.Publish(1, Topics({"a", "b"}), SharedBytes("m")), 2u);
  EXPECT_EQ(leaver.deliveries, 1);
  EXPECT_FALSE(leaver.subscribed());
  EXPECT_EQ(router.subscriber_count(), 1u);
  EXPECT_EQ(router.Publish(2, Topics({"a"}), SharedBytes("n")), 1u);
  EXPECT_EQ(leaver.deliveries, 1);
  EXPECT_EQ(stayer.count, 2u);
  router.Unsubscribe(&stayer);
  EXPECT_EQ(router.topic_count(), 0u);
}

}  // namespace
}  // namespace ssegw
