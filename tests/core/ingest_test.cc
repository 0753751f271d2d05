#include "core/ingest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ssegw {
namespace {

EventDraft Draft(std::vector<std::string> topics, std::string data, std::string id = "",
                 std::string type = "") {
  EventDraft draft;
  draft.topics = std::move(topics);
  draft.data = std::move(data);
  draft.id = std::move(id);
  draft.type = std::move(type);
  return draft;
}

std::string Check(std::vector<EventDraft> batch) {
  std::optional<IngestError> error = ValidateBatch(&batch);
  return error ? Describe(*error) : "ok";
}

TEST(IngestTest, AcceptsAndNormalizesTopics) {
  std::vector<EventDraft> batch = {Draft({"b", "a", "b"}, "x")};
  EXPECT_FALSE(ValidateBatch(&batch).has_value());
  EXPECT_EQ(batch[0].topics, (std::vector<std::string>{"a", "b"}));
}

TEST(IngestTest, NamesTheFirstBadEventAndTheReason) {
  EXPECT_EQ(Check({Draft({"a"}, "fine"), Draft({"a"}, std::string("\xff\xfe", 2))}),
            "event 1: event data is not valid UTF-8");
  EXPECT_EQ(Check({}), "request holds no events");
  EXPECT_EQ(Check({Draft({}, "x")}), "event 0: event has no topic");
  EXPECT_EQ(Check({Draft({"bad topic"}, "x")}),
            "event 0: topic may hold only A-Z a-z 0-9 - _ . ~ : / @");
  EXPECT_EQ(Check({Draft({""}, "x")}), "event 0: topic is empty");
  EXPECT_EQ(Check({Draft({std::string(257, 'a')}, "x")}),
            "event 0: topic is longer than 256 bytes");
  EXPECT_EQ(Check({Draft({"a"}, "x", "a\nb")}), "event 0: event id must not contain CR, LF or NUL");
  EXPECT_EQ(Check({Draft({"a"}, "x", std::string("a\0b", 3))}),
            "event 0: event id must not contain CR, LF or NUL");
  EXPECT_EQ(Check({Draft({"a"}, "x", "", "t\r")}),
            "event 0: event type must not contain CR, LF or NUL");
  EXPECT_EQ(Check({Draft({"a"}, "x", std::string("\xc3", 1))}),
            "event 0: event id is not valid UTF-8");
}

TEST(IngestTest, AtMost64DistinctTopicsPerEvent) {
  std::vector<std::string> topics;
  for (int i = 0; i < 64; ++i) topics.push_back("t" + std::to_string(i));
  EXPECT_EQ(Check({Draft(topics, "x")}), "ok");
  // Repeats do not count: the cap is on distinct topics, as for a subscription.
  std::vector<std::string> repeated = topics;
  repeated.insert(repeated.end(), topics.begin(), topics.end());
  EXPECT_EQ(Check({Draft(repeated, "x")}), "ok");
  topics.push_back("t64");
  EXPECT_EQ(Check({Draft(topics, "x")}), "event 0: event names more than 64 distinct topics");
}

TEST(IngestTest, EncodesWithTheGivenId) {
  EventDraft draft = Draft({"a"}, "x\ny", "", "tick");
  draft.retry_ms = 250;
  EXPECT_EQ(EncodeDraft(draft, "id1").view(),
            "id: id1\nevent: tick\nretry: 250\ndata: x\ndata: y\n\n");
}

}  // namespace
}  // namespace ssegw
