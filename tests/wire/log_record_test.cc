#include "wire/log_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ssegw::wire {
namespace {

EventDraft Draft(TopicSet topics, std::string id, std::string type, std::string data,
                 uint32_t retry_ms) {
  EventDraft draft;
  draft.topics = std::move(topics);
  draft.id = std::move(id);
  draft.type = std::move(type);
  draft.data = std::move(data);
  draft.retry_ms = retry_ms;
  return draft;
}

void ExpectSame(const EventDraft& a, const EventDraft& b) {
  EXPECT_EQ(a.topics, b.topics);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.retry_ms, b.retry_ms);
}

TEST(LogRecordTest, EventsComeBackAsTheyWereInOrder) {
  const std::vector<EventDraft> events = {
      Draft({"a", "b.c/d"}, "given-id", "tick", "line 1\nline 2", 1500),
      Draft({"z"}, "", "", "", 0),
  };
  const std::optional<std::vector<EventDraft>> back = DecodeLogRecord(EncodeLogRecord(events));
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 2u);
  ExpectSame((*back)[0], events[0]);
  ExpectSame((*back)[1], events[1]);
}

TEST(LogRecordTest, BytesThatAreNotUtf8ComeBackForTheReaderToRefuse) {
  const std::vector<EventDraft> events = {Draft({"a"}, "", "", "\xff\xfe", 0)};
  const auto back = DecodeLogRecord(EncodeLogRecord(events));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ((*back)[0].data, "\xff\xfe");
}

TEST(LogRecordTest, TheStoredFormatKeepsItsFieldNumbers) {
  // events (1) { topics (1) "t", id (2) "i", type (3) "y", data (4) "d", retry_ms (5) 7 }:
  // records written by older gateways must stay readable.
  const std::string stored(
      "\x0a\x0e\x0a\x01t\x12\x01i\x1a\x01y\x22\x01"
      "d\x28\x07",
      16);
  const auto back = DecodeLogRecord(stored);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 1u);
  ExpectSame((*back)[0], Draft({"t"}, "i", "y", "d", 7));
  EXPECT_EQ(EncodeLogRecord(*back), stored);
}

TEST(LogRecordTest, GarbageIsNoRecord) {
  EXPECT_FALSE(DecodeLogRecord("\x0a\xff\xff\xff\xff\x0f").has_value());  // length past the end
  EXPECT_FALSE(DecodeLogRecord("\x0b").has_value());                      // a group start
  const auto empty = DecodeLogRecord("");
  ASSERT_TRUE(empty.has_value());  // no events: the reader refuses it as a batch
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace ssegw::wire
