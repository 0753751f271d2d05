// The cluster log's pure parts, with plain values: positions and assigned ids, the
// Nats-Msg-Id of a request, and where a starting gateway begins reading.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cluster/log_position.h"
#include "cluster/message_id.h"
#include "cluster/warm_start.h"

namespace ssegw::cluster {
namespace {

TEST(LogPosition, OrdersEventsByMessageThenIndex) {
  EXPECT_LT(LogPosition(1, 0), LogPosition(1, 1));
  EXPECT_LT(LogPosition(1, kMaxEventsPerMessage - 1), LogPosition(2, 0));
  EXPECT_LT(LogPosition(1, kMaxEventsPerMessage - 1), LogPosition(1, kEndOfMessage));
  EXPECT_LT(LogPosition(1, kEndOfMessage), LogPosition(2, 0));
  EXPECT_EQ(StreamSeqOf(LogPosition(123456789, 42)), 123456789u);
  EXPECT_EQ(IndexOf(LogPosition(123456789, 42)), 42u);
  EXPECT_GT(LogPosition(1, 0), 0u);  // never 0: stream sequences start at 1
}

TEST(AssignedId, NamesTheStreamIncarnationAndThePosition) {
  const std::string epoch = StreamEpoch(1700000000123456789);  // microseconds, base 36
  EXPECT_EQ(epoch, "gqll7vdgzk");
  EXPECT_EQ(AssignedId(epoch, LogPosition(36, 0)), "gqll7vdgzk-10-0");
  EXPECT_EQ(AssignedId(epoch, LogPosition(1, 35)), "gqll7vdgzk-1-z");
  const auto parts = ParseAssignedId("gqll7vdgzk-10-z");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->epoch, "gqll7vdgzk");
  EXPECT_EQ(parts->position, LogPosition(36, 35));
}

TEST(AssignedId, ParsesOnlyItsOwnCanonicalForm) {
  for (const char* id : {"", "abc", "a-1", "a-1-2-3", "-1-0", "a--0", "a-1-", "A-1-0", "a-01-0",
                         "a-0-0",     // stream sequences start at 1
                         "a-1-1ekf",  // index 65535 is "end of message", never an event's
                         "a-1-0 ", "a-1-0~", "lzq3v8k0-1a",  // the in-process log's form
                         "a-zzzzzzzzzzzzzz-0"}) {
    EXPECT_FALSE(ParseAssignedId(id).has_value()) << id;
  }
  EXPECT_TRUE(ParseAssignedId("0-1-0").has_value());
  const uint64_t big = LogPosition(uint64_t{1} << 40, kMaxEventsPerMessage - 1);
  const auto round = ParseAssignedId(AssignedId("e", big));
  ASSERT_TRUE(round.has_value());
  EXPECT_EQ(round->position, big);
}

EventDraft WithId(std::string id) {
  EventDraft draft;
  draft.topics = {"t"};
  draft.id = std::move(id);
  return draft;
}

TEST(MessageIdFor, TheSameIdsInTheSameOrderGiveTheSameId) {
  const std::vector<EventDraft> one = {WithId("order-1")};
  // SHA-256 of the 8-byte little-endian length and the id: pinned, since gateways of
  // different versions must agree on it within the duplicate window.
  EXPECT_EQ(MessageIdFor(one), "6535871cfb0fc12b4eaba8cddbc51136596ca54042649ff77515d8d802421ce1");
  const std::vector<EventDraft> ab = {WithId("a"), WithId("b")};
  const std::vector<EventDraft> ba = {WithId("b"), WithId("a")};
  EXPECT_EQ(MessageIdFor(ab), "cf6ab613e3942391f88ed698557e1680f160bd10e88c6b668c50360c10930e2b");
  EXPECT_NE(MessageIdFor(ab), MessageIdFor(ba));
  const std::vector<EventDraft> split1 = {WithId("ab"), WithId("c")};
  const std::vector<EventDraft> split2 = {WithId("a"), WithId("bc")};
  EXPECT_NE(MessageIdFor(split1), MessageIdFor(split2));
}

TEST(MessageIdFor, NoneWhenTheGatewayNamesAnyEvent) {
  const std::vector<EventDraft> mixed = {WithId("a"), WithId("")};
  EXPECT_EQ(MessageIdFor(mixed), "");
  EXPECT_EQ(MessageIdFor({}), "");
}

TEST(WarmStartSeq, ReadsTheLastHistoryWorthOfMessages) {
  // 1000 messages of 100 bytes; a history of 10 events.
  EXPECT_EQ(WarmStartSeq({1, 1000, 1000, 100000}, 10, 1 << 20), 991u);
  // The byte cap is the smaller one: 2,000 bytes are 20 messages.
  EXPECT_EQ(WarmStartSeq({1, 1000, 1000, 100000}, 500, 2000), 981u);
  // Never before the first message the stream holds.
  EXPECT_EQ(WarmStartSeq({995, 1000, 6, 600}, 10, 1 << 20), 995u);
  EXPECT_EQ(WarmStartSeq({1, 5, 5, 500}, 10, 1 << 20), 1u);
  // A byte cap below one message still reads one.
  EXPECT_EQ(WarmStartSeq({1, 1000, 1000, 100000}, 10, 1), 1000u);
}

TEST(WarmStartSeq, AnEmptyStreamStartsAfterItsLastMessage) {
  EXPECT_EQ(WarmStartSeq({0, 0, 0, 0}, 10, 100), 1u);
  EXPECT_EQ(WarmStartSeq({51, 50, 0, 0}, 10, 100), 51u);  // everything was removed
}

}  // namespace
}  // namespace ssegw::cluster
