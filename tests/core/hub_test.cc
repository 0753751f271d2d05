#include "core/hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testutil/sse_parser.h"

namespace ssegw {
namespace {

using ::testing::ElementsAre;

class RecordingSubscriber : public Subscriber {
 public:
  ~RecordingSubscriber() { EXPECT_FALSE(subscribed()); }
  void Deliver(const SharedBytes& message) override { messages.push_back(message); }

  // The events a browser would see, parsed from everything delivered.
  std::vector<testing::ParsedEvent> Events() const {
    testing::SseParser parser;
    for (const SharedBytes& m : messages) parser.Feed(m.view());
    return parser.TakeEvents();
  }
  std::vector<std::string> Data() const {
    std::vector<std::string> out;
    for (const auto& e : Events()) out.push_back(e.data);
    return out;
  }

  std::vector<SharedBytes> messages;
};

// Subscribes and, for a resume, catches up from history in one go (a subscriber that
// takes everything offered), as a stream with a roomy queue would.
Hub::Resume Join(Hub& hub, RecordingSubscriber* s, const TopicSet& topics,
                 const std::optional<std::string>& last_event_id) {
  uint64_t cursor = 0;
  const Hub::Resume resume = hub.Subscribe(s, topics, last_event_id, &cursor);
  if (resume == Hub::Resume::kCatchingUp) {
    const auto result = hub.CatchUp(s, topics, &cursor, [&](const SharedBytes& m) {
      s->messages.push_back(m);
      return true;
    });
    EXPECT_EQ(result, Hub::CatchUpResult::kCaughtUp);
  }
  return resume;
}

internal::IngestEvent MakeEvent(std::vector<std::string> topics, std::string data,
                                std::string id = "", std::string type = "") {
  internal::IngestEvent event;
  for (auto& t : topics) event.add_topics(t);
  event.set_data(std::move(data));
  event.set_id(std::move(id));
  event.set_type(std::move(type));
  return event;
}

internal::IngestRequest MakeRequest(uint64_t seq, std::vector<internal::IngestEvent> events) {
  internal::IngestRequest request;
  request.set_seq(seq);
  for (auto& e : events) *request.add_events() = std::move(e);
  return request;
}

class HubTest : public ::testing::Test {
 protected:
  GatewayCounters counters;
  Hub hub{HubOptions{.history_events = 100, .history_bytes = 1 << 20}, 12345, counters};

  v1::PublishReply Publish(std::vector<std::string> topics, std::string data, std::string id = "") {
    return hub.Publish(MakeRequest(7, {MakeEvent(std::move(topics), std::move(data), id)}));
  }
};

TEST_F(HubTest, AcceptedRequestEchoesSeqAndAssignsIds) {
  auto reply = hub.Publish(MakeRequest(
      42, {MakeEvent({"a"}, "one"), MakeEvent({"a"}, "two", "mine"), MakeEvent({"b"}, "three")}));
  EXPECT_EQ(reply.seq(), 42u);
  EXPECT_EQ(reply.status(), v1::STATUS_OK);
  ASSERT_EQ(reply.ids_size(), 3);
  EXPECT_FALSE(reply.ids(0).empty());
  EXPECT_EQ(reply.ids(1), "mine");
  EXPECT_NE(reply.ids(0), reply.ids(2));
  EXPECT_EQ(reply.duplicates(), 0u);
  EXPECT_TRUE(reply.error().empty());
  EXPECT_EQ(counters.events_published_total, 3u);
  EXPECT_EQ(hub.history().size(), 3u);
}

TEST_F(HubTest, DeliversEncodedEventToSubscribersOfItsTopics) {
  RecordingSubscriber a, b;
  EXPECT_EQ(Join(hub, &a, {"a"}, std::nullopt), Hub::Resume::kLive);
  EXPECT_EQ(Join(hub, &b, {"b"}, std::nullopt), Hub::Resume::kLive);
  auto reply = hub.Publish(MakeRequest(1, {MakeEvent({"a"}, "x\ny", "id1", "tick")}));
  ASSERT_EQ(reply.status(), v1::STATUS_OK);
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].view(), "id: id1\nevent: tick\ndata: x\ndata: y\n\n");
  EXPECT_TRUE(b.messages.empty());
  hub.Unsubscribe(&a);
  hub.Unsubscribe(&b);
}

TEST_F(HubTest, OneBufferIsSharedByHistoryAndEverySubscriber) {
  std::vector<RecordingSubscriber> subscribers(50);
  for (auto& s : subscribers) (void)Join(hub, &s, {"t"}, std::nullopt);
  ASSERT_EQ(Publish({"t"}, "shared").status(), v1::STATUS_OK);
  // 50 queues + the history entry, one allocation.
  EXPECT_EQ(subscribers[0].messages[0].use_count(), 51u);
  for (auto& s : subscribers) hub.Unsubscribe(&s);
}

TEST_F(HubTest, MultiTopicEventReachesASubscriberOnce) {
  RecordingSubscriber s;
  Join(hub, &s, {"a", "b"}, std::nullopt);
  ASSERT_EQ(Publish({"b", "a", "a"}, "both").status(), v1::STATUS_OK);
  EXPECT_THAT(s.Data(), ElementsAre("both"));
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, RejectsTheWholeRequestAndPublishesNothing) {
  RecordingSubscriber s;
  Join(hub, &s, {"a"}, std::nullopt);
  auto reply = hub.Publish(
      MakeRequest(9, {MakeEvent({"a"}, "fine"), MakeEvent({"a"}, std::string("\xff\xfe", 2))}));
  EXPECT_EQ(reply.seq(), 9u);
  EXPECT_EQ(reply.status(), v1::STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(reply.error(), "event 1: event data is not valid UTF-8");
  EXPECT_EQ(reply.ids_size(), 0);
  EXPECT_TRUE(s.messages.empty());
  EXPECT_EQ(hub.history().size(), 0u);
  EXPECT_EQ(counters.events_published_total, 0u);
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, EachInvalidFieldHasItsOwnReason) {
  struct Case {
    internal::IngestEvent event;
    std::string error;
  };
  std::vector<Case> cases = {
      {MakeEvent({}, "x"), "event 0: event has no topic"},
      {MakeEvent({"bad topic"}, "x"), "event 0: topic may hold only A-Z a-z 0-9 - _ . ~ : / @"},
      {MakeEvent({""}, "x"), "event 0: topic is empty"},
      {MakeEvent({"a"}, "x", "a\nb"), "event 0: event id must not contain CR, LF or NUL"},
      {MakeEvent({"a"}, "x", "", "t\r"), "event 0: event type must not contain CR, LF or NUL"},
  };
  for (auto& c : cases) {
    auto reply = hub.Publish(MakeRequest(1, {c.event}));
    EXPECT_EQ(reply.status(), v1::STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(reply.error(), c.error);
  }
  auto empty = hub.Publish(MakeRequest(2, {}));
  EXPECT_EQ(empty.status(), v1::STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(empty.error(), "request holds no events");
}

TEST_F(HubTest, DuplicateIdsAreAcknowledgedButNotSentAgain) {
  RecordingSubscriber s;
  Join(hub, &s, {"a"}, std::nullopt);
  ASSERT_EQ(Publish({"a"}, "first", "dup").status(), v1::STATUS_OK);
  auto reply = hub.Publish(
      MakeRequest(2, {MakeEvent({"a"}, "again", "dup"), MakeEvent({"a"}, "new", "fresh")}));
  EXPECT_EQ(reply.status(), v1::STATUS_OK);
  EXPECT_THAT(reply.ids(), ElementsAre("dup", "fresh"));
  EXPECT_EQ(reply.duplicates(), 1u);
  EXPECT_THAT(s.Data(), ElementsAre("first", "new"));
  EXPECT_EQ(counters.duplicate_events_total, 1u);
  EXPECT_EQ(counters.events_published_total, 2u);
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, DuplicateWithinOneBatchIsSentOnce) {
  RecordingSubscriber s;
  Join(hub, &s, {"a"}, std::nullopt);
  auto reply =
      hub.Publish(MakeRequest(1, {MakeEvent({"a"}, "x", "same"), MakeEvent({"a"}, "y", "same")}));
  EXPECT_EQ(reply.duplicates(), 1u);
  EXPECT_THAT(s.Data(), ElementsAre("x"));
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, ResumeReplaysMatchingEventsThenLiveWithNoGapOrDuplicate) {
  for (int i = 1; i <= 10; ++i) {
    ASSERT_EQ(
        Publish({i % 2 ? "odd" : "even"}, std::to_string(i), "e" + std::to_string(i)).status(),
        v1::STATUS_OK);
  }
  RecordingSubscriber s;
  EXPECT_EQ(Join(hub, &s, {"even"}, std::string("e5")), Hub::Resume::kCatchingUp);
  ASSERT_EQ(Publish({"even"}, "12", "e12").status(), v1::STATUS_OK);
  EXPECT_THAT(s.Data(), ElementsAre("6", "8", "10", "12"));
  EXPECT_EQ(s.Events().back().last_event_id, "e12");
  EXPECT_EQ(counters.replayed_events_total, 3u);
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, ResumeFromTheNewestEventReplaysNothing) {
  ASSERT_EQ(Publish({"a"}, "1", "only").status(), v1::STATUS_OK);
  RecordingSubscriber s;
  EXPECT_EQ(Join(hub, &s, {"a"}, std::string("only")), Hub::Resume::kCatchingUp);
  EXPECT_TRUE(s.messages.empty());
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, UnknownIdGetsAGapEventThatResumesFromTheNewest) {
  ASSERT_EQ(Publish({"a"}, "1", "known").status(), v1::STATUS_OK);
  RecordingSubscriber s;
  EXPECT_EQ(Join(hub, &s, {"a"}, std::string("stale-id")), Hub::Resume::kGap);
  ASSERT_EQ(Publish({"a"}, "2", "next").status(), v1::STATUS_OK);
  auto events = s.Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "gap");
  EXPECT_EQ(events[0].data, "stale-id");
  EXPECT_EQ(events[0].last_event_id, "known");
  EXPECT_EQ(events[1].data, "2");
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, EvictedIdIsAGap) {
  GatewayCounters c;
  Hub small(HubOptions{.history_events = 3, .history_bytes = 1 << 20}, 1, c);
  for (int i = 0; i < 5; ++i) {
    auto reply = small.Publish(
        MakeRequest(1, {MakeEvent({"a"}, std::to_string(i), "id" + std::to_string(i))}));
    ASSERT_EQ(reply.status(), v1::STATUS_OK);
  }
  RecordingSubscriber gone, kept;
  EXPECT_EQ(Join(small, &gone, {"a"}, std::string("id0")), Hub::Resume::kGap);
  EXPECT_EQ(Join(small, &kept, {"a"}, std::string("id2")), Hub::Resume::kCatchingUp);
  EXPECT_THAT(kept.Data(), ElementsAre("3", "4"));
  small.Unsubscribe(&gone);
  small.Unsubscribe(&kept);
}

TEST_F(HubTest, GeneratedIdsDifferAcrossBootEpochs) {
  GatewayCounters c1, c2;
  Hub first(HubOptions{}, 1000, c1);
  Hub second(HubOptions{}, 2000, c2);
  auto a = first.Publish(MakeRequest(1, {MakeEvent({"a"}, "x")}));
  auto b = second.Publish(MakeRequest(1, {MakeEvent({"a"}, "x")}));
  EXPECT_NE(a.ids(0), b.ids(0));
}

TEST_F(HubTest, CatchUpGoesAtTheSubscribersPaceAndThenJoinsLiveEvents) {
  for (int i = 1; i <= 6; ++i) {
    ASSERT_EQ(Publish({"a"}, std::to_string(i), "e" + std::to_string(i)).status(), v1::STATUS_OK);
  }
  RecordingSubscriber s;
  uint64_t cursor = 0;
  ASSERT_EQ(hub.Subscribe(&s, {"a"}, std::string("e1"), &cursor), Hub::Resume::kCatchingUp);
  // Takes two events per turn, like a stream whose queue is full after two.
  auto take_two = [&] {
    int room = 2;
    return hub.CatchUp(&s, {"a"}, &cursor, [&](const SharedBytes& m) {
      if (room == 0) return false;
      --room;
      s.messages.push_back(m);
      return true;
    });
  };
  EXPECT_EQ(take_two(), Hub::CatchUpResult::kPaused);
  EXPECT_FALSE(s.subscribed());
  // Published while catching up: reached through history, not delivered live.
  ASSERT_EQ(Publish({"a"}, "7", "e7").status(), v1::STATUS_OK);
  EXPECT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(take_two(), Hub::CatchUpResult::kPaused);
  EXPECT_EQ(take_two(), Hub::CatchUpResult::kCaughtUp);
  EXPECT_TRUE(s.subscribed());
  ASSERT_EQ(Publish({"a"}, "8", "e8").status(), v1::STATUS_OK);
  EXPECT_THAT(s.Data(), ElementsAre("2", "3", "4", "5", "6", "7", "8"));
  // Only events the subscriber took count as replayed.
  EXPECT_EQ(counters.replayed_events_total, 6u);
  hub.Unsubscribe(&s);
}

TEST_F(HubTest, CatchUpThatFallsBehindEvictionIsLost) {
  GatewayCounters c;
  Hub small(HubOptions{.history_events = 3, .history_bytes = 1 << 20}, 1, c);
  auto publish = [&](int i) {
    auto reply = small.Publish(
        MakeRequest(1, {MakeEvent({"a"}, std::to_string(i), "id" + std::to_string(i))}));
    ASSERT_EQ(reply.status(), v1::STATUS_OK);
  };
  for (int i = 0; i < 3; ++i) publish(i);
  RecordingSubscriber s;
  uint64_t cursor = 0;
  ASSERT_EQ(small.Subscribe(&s, {"a"}, std::string("id0"), &cursor), Hub::Resume::kCatchingUp);
  for (int i = 3; i < 6; ++i) publish(i);  // id1 and id2, not yet seen, are evicted
  auto refuse = [](const SharedBytes&) { return false; };
  EXPECT_EQ(small.CatchUp(&s, {"a"}, &cursor, refuse), Hub::CatchUpResult::kLost);
  EXPECT_FALSE(s.subscribed());
}

TEST_F(HubTest, CatchUpSkipsOtherTopicsWithoutOfferingThem) {
  ASSERT_EQ(Publish({"a"}, "1", "a1").status(), v1::STATUS_OK);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Publish({"other"}, "x").status(), v1::STATUS_OK);
  RecordingSubscriber s;
  uint64_t cursor = 0;
  ASSERT_EQ(hub.Subscribe(&s, {"a"}, std::string("a1"), &cursor), Hub::Resume::kCatchingUp);
  int offers = 0;
  EXPECT_EQ(hub.CatchUp(&s, {"a"}, &cursor,
                        [&](const SharedBytes&) {
                          ++offers;
                          return true;
                        }),
            Hub::CatchUpResult::kCaughtUp);
  EXPECT_EQ(offers, 0);
  hub.Unsubscribe(&s);
}

}  // namespace
}  // namespace ssegw
