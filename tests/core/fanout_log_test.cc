// The Fanout with a log that keeps more than the tail and can lose events (the cluster
// log): seqs that are not contiguous, a tail that begins in the middle of the log,
// catch-up from slices read from the log, and gap notices where the log lost events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/fanout.h"
#include "core/ingest.h"
#include "testutil/recording_subscriber.h"

namespace ssegw {
namespace {

using ssegw::testing::RecordingSubscriber;
using ::testing::ElementsAre;

// Positions like the cluster log's: message number in the high bits.
constexpr uint64_t At(uint64_t message, uint64_t index = 0) {
  return (message << 16) | index;
}

LogEventPtr Event(uint64_t seq, std::string id, std::string topic, std::string data) {
  EventDraft draft;
  draft.topics = {std::move(topic)};
  draft.data = std::move(data);
  auto event = std::make_shared<LogEvent>();
  event->seq = seq;
  event->message = EncodeDraft(draft, id);
  event->id = std::move(id);
  event->topics = std::move(draft.topics);
  return event;
}

// Records what the fanout asks of the log; the test answers.
class Host final : public FanoutHost {
 public:
  void Locate(uint64_t request, const std::string& id) override {
    locates.emplace_back(request, id);
  }
  void ReadAfter(uint64_t request, uint64_t seq) override { reads.emplace_back(request, seq); }
  void OnPumpNeeded() override {}

  std::vector<std::pair<uint64_t, std::string>> locates;
  std::vector<std::pair<uint64_t, uint64_t>> reads;
};

class FanoutLogTest : public ::testing::Test {
 protected:
  void Commit(std::vector<LogEventPtr> events, uint64_t oldest) { fanout.Publish(events, oldest); }
  // Subscribes with a Last-Event-ID and answers the lookup with `seq`.
  void Resume(RecordingSubscriber& s, std::optional<uint64_t> seq) {
    fanout.Subscribe(&s, {"a"}, "last");
    ASSERT_FALSE(host.locates.empty());
    fanout.OnLocated(host.locates.back().first, seq);
    fanout.Pump(SIZE_MAX);
  }
  // Answers the newest read request.
  void AnswerRead(LogRead read) {
    ASSERT_FALSE(host.reads.empty());
    const uint64_t request = host.reads.back().first;
    host.reads.pop_back();
    fanout.OnRead(request, std::move(read));
    fanout.Pump(SIZE_MAX);
  }
  static std::vector<std::string> Seen(const RecordingSubscriber& s) {
    std::vector<std::string> seen;
    for (const auto& e : s.Events()) seen.push_back(e.type == "gap" ? "gap:" + e.data : e.data);
    return seen;
  }

  GatewayCounters counters;
  Host host;
  Fanout fanout{host, counters};
};

TEST_F(FanoutLogTest, AGapReachesEveryLiveSubscriberAtOnceNamingTheLastEventBeforeIt) {
  RecordingSubscriber a(fanout), b(fanout);
  fanout.Subscribe(&a, {"a"}, std::nullopt);
  fanout.Subscribe(&b, {"b"}, std::nullopt);
  Commit({Event(At(1), "e1", "a", "1")}, At(1));
  EXPECT_EQ(fanout.OnGap(At(2)), 2u);
  Commit({Event(At(4), "e4", "b", "4")}, At(1));
  EXPECT_THAT(Seen(a), ElementsAre("1", "gap:e1"));
  EXPECT_THAT(Seen(b), ElementsAre("gap:e1", "4"));
  // The notice carries no id: a browser's Last-Event-ID stays at what it last received.
  EXPECT_EQ(b.Events()[0].last_event_id, "");
}

TEST_F(FanoutLogTest, ACatchUpGetsTheGapWhereItsReplayCrossesIt) {
  Commit({Event(At(1), "e1", "a", "1")}, At(1));
  fanout.OnGap(At(2));
  Commit({Event(At(3), "e3", "a", "3"), Event(At(3, 1), "e3.1", "a", "3.1")}, At(1));
  RecordingSubscriber s(fanout);
  Resume(s, At(1));
  EXPECT_THAT(Seen(s), ElementsAre("gap:e1", "3", "3.1"));
  EXPECT_TRUE(s.subscribed());
}

TEST_F(FanoutLogTest, AGapAfterTheNewestEventIsNotSkippedByACatchUpThatGoesLive) {
  Commit({Event(At(1), "e1", "a", "1"), Event(At(2), "e2", "a", "2")}, At(1));
  fanout.OnGap(At(3));
  RecordingSubscriber s(fanout);
  Resume(s, At(1));
  EXPECT_THAT(Seen(s), ElementsAre("2", "gap:e2"));
  EXPECT_TRUE(s.subscribed());
  Commit({Event(At(5), "e5", "a", "5")}, At(1));
  EXPECT_THAT(Seen(s), ElementsAre("2", "gap:e2", "5"));
}

TEST_F(FanoutLogTest, ACatchUpWithoutRoomForTheGapNoticeWaitsAtTheHole) {
  Commit({Event(At(1), "e1", "a", "1")}, At(1));
  fanout.OnGap(At(2));
  Commit({Event(At(3), "e3", "a", "3")}, At(1));
  RecordingSubscriber s(fanout, /*room=*/0);
  Resume(s, At(1));
  EXPECT_TRUE(s.refused);
  EXPECT_TRUE(s.messages.empty());
  s.Take();
  fanout.Pump(SIZE_MAX);
  EXPECT_TRUE(s.refused);  // still no room: nothing was skipped
  EXPECT_TRUE(s.messages.empty());
}

TEST_F(FanoutLogTest, ACursorOlderThanTheTailIsFedFromTheLogThenFromTheTail) {
  // The tail begins in the middle of the log, as after a gateway's start.
  Commit({Event(At(5), "e5", "a", "5"), Event(At(6), "e6", "b", "6")}, At(5));
  RecordingSubscriber s(fanout);
  Resume(s, At(2));
  ASSERT_EQ(host.reads.size(), 1u);
  EXPECT_EQ(host.reads[0].second, At(2));
  EXPECT_FALSE(s.subscribed());
  // As the log answers: up to the first event the tail holds.
  AnswerRead(LogRead{
      {Event(At(3), "e3", "a", "3"), Event(At(4), "e4", "a", "4"), Event(At(5), "e5", "a", "5")},
      false,
      false});
  EXPECT_TRUE(host.reads.empty());
  EXPECT_TRUE(s.subscribed());
  Commit({Event(At(7), "e7", "a", "7")}, At(5));
  EXPECT_THAT(Seen(s), ElementsAre("3", "4", "5", "7"));
  EXPECT_EQ(counters.replayed_events_total.value(), 3u);
}

TEST_F(FanoutLogTest, ASliceThatEndsJustBeforeTheTailIsFollowedByAnotherRead) {
  Commit({Event(At(5), "e5", "a", "5")}, At(5));
  RecordingSubscriber s(fanout);
  Resume(s, At(2));
  // Nothing tells the fanout that no event lies between At(4) and the tail's At(5).
  AnswerRead(LogRead{{Event(At(4), "e4", "a", "4")}, false, false});
  ASSERT_EQ(host.reads.size(), 1u);
  EXPECT_EQ(host.reads[0].second, At(4));
  AnswerRead(LogRead{{Event(At(5), "e5", "a", "5")}, false, false});
  EXPECT_TRUE(s.subscribed());
  EXPECT_THAT(Seen(s), ElementsAre("4", "5"));
}

TEST_F(FanoutLogTest, ReadsGoOnUntilTheCursorIsBackInsideTheTail) {
  Commit({Event(At(9), "e9", "a", "9")}, At(9));
  RecordingSubscriber s(fanout);
  Resume(s, At(1));
  AnswerRead(LogRead{{Event(At(2), "e2", "a", "2")}, false, false});
  // Still older than the tail: the next slice starts after what was offered.
  ASSERT_EQ(host.reads.size(), 1u);
  EXPECT_EQ(host.reads[0].second, At(2));
  AnswerRead(LogRead{{Event(At(3), "e3", "a", "3"), Event(At(9), "e9", "a", "9")}, false, false});
  EXPECT_TRUE(host.reads.empty());
  EXPECT_TRUE(s.subscribed());
  EXPECT_THAT(Seen(s), ElementsAre("2", "3", "9"));  // e9 once, from the slice
}

TEST_F(FanoutLogTest, ASliceReadAcrossAHoleStartsWithAGapNotice) {
  Commit({Event(At(9), "e9", "a", "9")}, At(9));
  RecordingSubscriber s(fanout);
  Resume(s, At(1));
  AnswerRead(LogRead{{Event(At(7), "e7", "a", "7"), Event(At(9), "e9", "a", "9")}, true, false});
  EXPECT_THAT(Seen(s), ElementsAre("gap:", "7", "9"));
}

TEST_F(FanoutLogTest, ASliceWaitsForRoomLikeTheTail) {
  Commit({Event(At(9), "e9", "a", "9")}, At(9));
  RecordingSubscriber s(fanout, /*room=*/1);
  Resume(s, At(1));
  AnswerRead(LogRead{
      {Event(At(2), "e2", "a", "2"), Event(At(3), "e3", "a", "3"), Event(At(9), "e9", "a", "9")},
      false,
      false});
  EXPECT_THAT(Seen(s), ElementsAre("2"));
  EXPECT_TRUE(s.refused);
  s.Take();
  fanout.Pump(SIZE_MAX);
  EXPECT_THAT(Seen(s), ElementsAre("2", "3"));
  s.Take();
  fanout.Pump(SIZE_MAX);
  EXPECT_THAT(Seen(s), ElementsAre("2", "3", "9"));
  EXPECT_TRUE(host.reads.empty());  // the slice was kept, not read again
}

TEST_F(FanoutLogTest, ALogThatCannotReadOnLetsTheSubscriberGo) {
  Commit({Event(At(9), "e9", "a", "9")}, At(9));
  RecordingSubscriber s(fanout);
  Resume(s, At(1));
  LogRead lost;
  lost.lost = true;
  AnswerRead(std::move(lost));
  EXPECT_TRUE(s.lost);
  EXPECT_FALSE(s.attached());
}

TEST_F(FanoutLogTest, UnsubscribingWhileAReadIsPendingDropsItsAnswer) {
  Commit({Event(At(9), "e9", "a", "9")}, At(9));
  auto s = std::make_unique<RecordingSubscriber>(fanout);
  Resume(*s, At(1));
  s.reset();
  AnswerRead(LogRead{{Event(At(2), "e2", "a", "2")}, false, false});
  EXPECT_EQ(fanout.attached_count(), 0u);
}

TEST_F(FanoutLogTest, AnUnknownIdOnATailThatBeganInTheMiddleReadsNothingFromTheLog) {
  RecordingSubscriber s(fanout);
  fanout.Subscribe(&s, {"a"}, "last");  // before anything reached the tail
  Commit({Event(At(5), "e5", "a", "5")}, At(5));
  fanout.OnLocated(host.locates.back().first, std::nullopt);
  fanout.Pump(SIZE_MAX);
  EXPECT_TRUE(host.reads.empty());
  EXPECT_TRUE(s.subscribed());
  Commit({Event(At(6), "e6", "a", "6")}, At(5));
  EXPECT_THAT(Seen(s), ElementsAre("gap:last", "5", "6"));
}

}  // namespace
}  // namespace ssegw
