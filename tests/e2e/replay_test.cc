// Resuming through the real gateway: Last-Event-ID header and lastEventId parameter,
// the gap event for an unknown id, and duplicate publish ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

class ReplayTest : public GatewayTest {
 protected:
  // Publishes events "<prefix>first".."<prefix>last" on `topic`, one request each.
  void PublishRange(Publisher& publisher, const std::string& topic, int first, int last,
                    const std::string& prefix = "e") {
    for (int i = first; i <= last; ++i) {
      PublishOk(publisher, MakeRequest(static_cast<uint64_t>(i),
                                       {MakeEvent({topic}, "payload " + std::to_string(i),
                                                  prefix + std::to_string(i))}));
    }
  }

  static std::vector<std::string> Range(int first, int last, const std::string& prefix = "e") {
    std::vector<std::string> ids;
    for (int i = first; i <= last; ++i) ids.push_back(prefix + std::to_string(i));
    return ids;
  }

  // Subscribes to `path` (with `headers`), expects the replay of `replayed` events, then
  // publishes 11 and 12 and expects exactly replayed + those, in order.
  void ExpectResume(const std::string& path, const Headers& headers) {
    auto client = Connect();
    ASSERT_TRUE(client);
    auto publisher = ConnectPublisher();
    ASSERT_TRUE(publisher);
    PublishRange(*publisher, "r", 1, 10);
    // Another topic's events interleave in history and must not leak into the replay.
    PublishOk(*publisher, MakeRequest(100, {MakeEvent({"other"}, "not for r", "x1")}));

    StreamState* s = client->stream(client->Get(path, headers));
    ASSERT_TRUE(WaitForEvents(*client, s, 5)) << "status " << s->status << ", body: " << s->body;
    EXPECT_THAT(Ids(s->events), ElementsAreArray(Range(6, 10)));
    PublishRange(*publisher, "r", 11, 12);
    ASSERT_TRUE(WaitForEvents(*client, s, 7));
    // Nothing may trail behind 12: a last event makes sure anything stray has arrived.
    PublishOk(*publisher, MakeRequest(200, {MakeEvent({"r"}, "last", "end")}));
    ASSERT_TRUE(client->RunUntil([&] { return s->events.back().last_event_id == "end"; }, kWait));
    std::vector<std::string> expected = Range(6, 12);
    expected.push_back("end");
    EXPECT_THAT(Ids(s->events), ElementsAreArray(expected));
    for (size_t i = 0; i + 1 < s->events.size(); ++i) {
      EXPECT_EQ(s->events[i].data, "payload " + std::to_string(i + 6));
    }
  }
};

TEST_F(ReplayTest, LastEventIdHeaderResumesWithNoGapAndNoDuplicate) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  ExpectResume("/events/r", {{"last-event-id", "e5"}});
}

TEST_F(ReplayTest, LastEventIdQueryParameterResumesWithNoGapAndNoDuplicate) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  ExpectResume("/events/r?lastEventId=e5", {});
}

TEST_F(ReplayTest, LastEventIdQueryParameterWorksWithTopicParameters) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  ExpectResume("/events?topic=r&lastEventId=e5&topic=nothing-here", {});
}

TEST_F(ReplayTest, ResumeWithGatewayAssignedIdsAcrossTopics) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* live = client->stream(client->Get("/events?topic=p&topic=q"));
  ASSERT_TRUE(client->RunUntil([&] { return live->headers_received; }, kWait));
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    const std::string topic = i % 2 ? "q" : "p";
    auto got = PublishOk(*publisher, MakeRequest(i + 1, {MakeEvent({topic}, std::to_string(i))}));
    ASSERT_EQ(got.size(), 1u);
    ids.push_back(got[0]);
  }
  ASSERT_TRUE(WaitForEvents(*client, live, 6));
  EXPECT_THAT(Ids(live->events), ElementsAreArray(ids));
  // A browser that saw the first two reconnects with what its parser remembers.
  StreamState* resumed =
      client->stream(client->Get("/events?topic=q&topic=p", {{"last-event-id", ids[1]}}));
  ASSERT_TRUE(WaitForEvents(*client, resumed, 4));
  EXPECT_THAT(Ids(resumed->events), ElementsAre(ids[2], ids[3], ids[4], ids[5]));
  auto last = PublishOk(*publisher, MakeRequest(7, {MakeEvent({"q"}, "6")}));
  ASSERT_EQ(last.size(), 1u);
  ASSERT_TRUE(WaitForEvents(*client, resumed, 5));
  ASSERT_TRUE(WaitForEvents(*client, live, 7));
  EXPECT_THAT(Ids(resumed->events), ElementsAre(ids[2], ids[3], ids[4], ids[5], last[0]));
  EXPECT_EQ(resumed->parser.last_event_id(), last[0]);
}

TEST_F(ReplayTest, WithoutLastEventIdOnlyLiveEventsArrive) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishRange(*publisher, "r", 1, 3);
  // No Last-Event-ID: live events only, nothing from history.
  StreamState* fresh = client->stream(client->Get("/events/r"));
  ASSERT_TRUE(client->RunUntil([&] { return fresh->headers_received; }, kWait));
  PublishRange(*publisher, "r", 4, 4);
  ASSERT_TRUE(WaitForEvents(*client, fresh, 1));
  EXPECT_THAT(Ids(fresh->events), ElementsAre("e4"));
}

TEST_F(ReplayTest, ReplayLargerThanStreamBufferArrivesWhole) {
  // A reader with a wide-open window is not slow, however long its replay: the contract
  // sends every retained event after the id, then live events.
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--stream-buffer", "4096"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  for (int i = 1; i <= 100; ++i) {
    PublishOk(*publisher,
              MakeRequest(static_cast<uint64_t>(i),
                          {MakeEvent({"long"}, std::string(500, 'r'), "e" + std::to_string(i))}));
  }
  StreamState* s = client->stream(client->Get("/events/long", {{"last-event-id", "e1"}}));
  ASSERT_TRUE(WaitForEvents(*client, s, 99))
      << "got " << s->events.size() << " of 99 replayed events (closed=" << s->closed
      << ", END_STREAM=" << s->end_stream_received << ", " << s->body.size() << " bytes)";
  EXPECT_THAT(Ids(s->events), ElementsAreArray(Range(2, 100)));
  PublishOk(*publisher, MakeRequest(101, {MakeEvent({"long"}, "live", "e101")}));
  ASSERT_TRUE(WaitForEvents(*client, s, 100));
  EXPECT_EQ(s->events.back().last_event_id, "e101");
}

TEST_F(ReplayTest, ResumeRacingPipelinedPublishesHasNoGapAndNoDuplicate) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishRange(*publisher, "race", 1, 10);
  // 300 requests go out without waiting for replies while several resumes are opened:
  // wherever each subscription lands among them, replay must hand over to live exactly.
  std::vector<StreamState*> resumed;
  for (int i = 11; i <= 310; ++i) {
    ASSERT_TRUE(publisher->Send(MakeRequest(
        static_cast<uint64_t>(i),
        {MakeEvent({"race"}, "payload " + std::to_string(i), "e" + std::to_string(i))})));
    if (i % 60 == 0) {
      resumed.push_back(client->stream(client->Get("/events/race", {{"last-event-id", "e10"}})));
      client->Pump(0);
    }
  }
  for (int i = 11; i <= 310; ++i) {
    const auto reply = publisher->ReadReply(kWait);
    ASSERT_TRUE(reply) << publisher->error();
    EXPECT_EQ(reply->seq(), static_cast<uint64_t>(i));
    EXPECT_EQ(reply->status(), v1::STATUS_OK);
  }
  PublishOk(*publisher, MakeRequest(999, {MakeEvent({"race"}, "last", "end")}));
  ASSERT_TRUE(client->RunUntil(
      [&] {
        for (StreamState* s : resumed) {
          if (s->events.empty() || s->events.back().last_event_id != "end") return false;
        }
        return true;
      },
      kWait));
  std::vector<std::string> expected = Range(11, 310);
  expected.push_back("end");
  for (StreamState* s : resumed) EXPECT_THAT(Ids(s->events), ElementsAreArray(expected)) << s->id;
}

TEST_F(ReplayTest, UnknownIdStartsWithAGapEventThenLiveEvents) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishRange(*publisher, "g", 1, 3);
  for (const auto& [path, headers] : std::vector<std::pair<std::string, Headers>>{
           {"/events/g", {{"last-event-id", "no-such-id"}}},
           {"/events/g?lastEventId=no-such-id", {}}}) {
    StreamState* s = client->stream(client->Get(path, headers));
    ASSERT_TRUE(WaitForEvents(*client, s, 1)) << path << " status " << s->status;
    EXPECT_EQ(s->events[0].type, "gap") << path;
    EXPECT_EQ(s->events[0].data, "no-such-id") << path;
    // The stale id must not be what the browser resumes from next time.
    EXPECT_NE(s->parser.last_event_id(), "no-such-id") << path;
  }
  PublishRange(*publisher, "g", 4, 4);
  for (const auto& [id, state] : client->streams()) {
    StreamState* s = state.get();
    ASSERT_TRUE(WaitForEvents(*client, s, 2)) << id;
    ASSERT_EQ(s->events.size(), 2u) << id;  // gap, then live only: no replay of e1..e3
    EXPECT_EQ(s->events[1], (ParsedEvent{"message", "payload 4", "e4"})) << id;
  }
}

TEST_F(ReplayTest, EvictedIdGivesAGapEvent) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--history", "3"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishRange(*publisher, "h", 1, 6);  // e1..e3 are gone from history
  StreamState* s = client->stream(client->Get("/events/h", {{"last-event-id", "e2"}}));
  ASSERT_TRUE(WaitForEvents(*client, s, 1)) << "status " << s->status;
  EXPECT_EQ(s->events[0].type, "gap");
  EXPECT_EQ(s->events[0].data, "e2");
}

TEST_F(ReplayTest, DuplicateIdsAreAcknowledgedButNotSentAgain) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* s = client->stream(client->Get("/events/d"));
  ASSERT_TRUE(client->RunUntil([&] { return s->headers_received; }, kWait));

  auto first = publisher->Publish(
      MakeRequest(1, {MakeEvent({"d"}, "one", "d1"), MakeEvent({"d"}, "two", "d2")}), kWait);
  ASSERT_TRUE(first) << publisher->error();
  EXPECT_EQ(first->status(), v1::STATUS_OK);
  EXPECT_EQ(first->duplicates(), 0u);
  EXPECT_THAT(first->ids(), ElementsAre("d1", "d2"));

  // A retry after a "lost" reply: d2 again, plus a new d3.
  auto retry = publisher->Publish(
      MakeRequest(2, {MakeEvent({"d"}, "two again", "d2"), MakeEvent({"d"}, "three", "d3")}),
      kWait);
  ASSERT_TRUE(retry) << publisher->error();
  EXPECT_EQ(retry->seq(), 2u);
  EXPECT_EQ(retry->status(), v1::STATUS_OK);
  EXPECT_EQ(retry->duplicates(), 1u);
  EXPECT_THAT(retry->ids(), ElementsAre("d2", "d3"));

  // The same request repeated whole from another publisher: all duplicates.
  auto other = ConnectPublisher();
  ASSERT_TRUE(other);
  auto again = other->Publish(
      MakeRequest(9, {MakeEvent({"d"}, "one", "d1"), MakeEvent({"d"}, "two", "d2")}), kWait);
  ASSERT_TRUE(again) << other->error();
  EXPECT_EQ(again->status(), v1::STATUS_OK);
  EXPECT_EQ(again->duplicates(), 2u);

  PublishOk(*publisher, MakeRequest(3, {MakeEvent({"d"}, "end", "end")}));
  ASSERT_TRUE(client->RunUntil(
      [&] { return !s->events.empty() && s->events.back().last_event_id == "end"; }, kWait));
  EXPECT_THAT(Ids(s->events), ElementsAre("d1", "d2", "d3", "end"));
  EXPECT_EQ(s->events[1].data, "two");  // the first d2 is the one kept

  // Replay has no duplicates either.
  StreamState* resumed = client->stream(client->Get("/events/d", {{"last-event-id", "d1"}}));
  ASSERT_TRUE(WaitForEvents(*client, resumed, 3));
  EXPECT_THAT(Ids(resumed->events), ElementsAre("d2", "d3", "end"));
}

}  // namespace
}  // namespace ssegw::testing
