#include "core/memory_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ingest.h"

namespace ssegw {
namespace {

using ::testing::ElementsAre;

// Records what the log commits, as the log owner's sink would see it.
class RecordingSink final : public CommitSink {
 public:
  void OnCommitted(std::span<LogEventPtr> events, uint64_t oldest_retained_seq) override {
    for (LogEventPtr& event : events) committed.push_back(std::move(event));
    oldest = oldest_retained_seq;
    ++batches;
  }
  void OnGap(uint64_t) override { ADD_FAILURE() << "the in-memory log never loses events"; }
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const LogEventPtr& event : committed) ids.push_back(event->id);
    return ids;
  }
  std::vector<LogEventPtr> committed;
  uint64_t oldest = 0;
  int batches = 0;
};

EventDraft Draft(std::vector<std::string> topics, std::string data, std::string id = "") {
  EventDraft draft;
  draft.topics = std::move(topics);
  draft.data = std::move(data);
  draft.id = std::move(id);
  return draft;
}

class MemoryLogTest : public ::testing::Test {
 protected:
  PublishResult Append(std::vector<EventDraft> batch, MemoryLog* target = nullptr) {
    EXPECT_FALSE(ValidateBatch(&batch).has_value());
    PublishResult out;
    bool done = false;
    (target ? *target : log).Append(batch, [&](PublishResult r) {
      out = std::move(r);
      done = true;
    });
    EXPECT_TRUE(done);  // the in-memory log answers before Append returns
    return out;
  }
  std::optional<uint64_t> Locate(const std::string& id, MemoryLog* target = nullptr) {
    std::optional<uint64_t> out;
    bool done = false;
    (target ? *target : log).Locate(id, [&](std::optional<uint64_t> seq) {
      out = seq;
      done = true;
    });
    EXPECT_TRUE(done);
    return out;
  }

  GatewayCounters counters;
  RecordingSink sink;
  MemoryLog log{MemoryLogOptions{.history_events = 100, .history_bytes = 1 << 20}, 12345, sink,
                counters};
};

TEST_F(MemoryLogTest, AssignsIdsAndSeqsAndCommitsInOrder) {
  PublishResult result =
      Append({Draft({"a"}, "one"), Draft({"a"}, "two", "mine"), Draft({"b"}, "three")});
  EXPECT_EQ(result.status, PublishStatus::kOk);
  ASSERT_EQ(result.ids.size(), 3u);
  EXPECT_FALSE(result.ids[0].empty());
  EXPECT_EQ(result.ids[1], "mine");
  EXPECT_NE(result.ids[0], result.ids[2]);
  EXPECT_EQ(result.duplicates, 0u);
  ASSERT_EQ(sink.batches, 1);
  EXPECT_EQ(sink.Ids(), result.ids);
  EXPECT_EQ(sink.committed[0]->seq, 1u);
  EXPECT_EQ(sink.committed[2]->seq, 3u);
  EXPECT_EQ(sink.committed[1]->message.view(), "id: mine\ndata: two\n\n");
  EXPECT_EQ(sink.oldest, 1u);
  EXPECT_EQ(counters.events_published_total.value(), 3u);
  EXPECT_EQ(counters.history_events.value(), 3u);
  EXPECT_EQ(log.held_events(), 3u);
}

TEST_F(MemoryLogTest, OneBufferIsSharedByHistoryAndSink) {
  Append({Draft({"t"}, "shared")});
  // The sink's reference and the history's: one allocation.
  EXPECT_EQ(sink.committed[0]->message.use_count(), 1u);
  EXPECT_EQ(sink.committed[0].use_count(), 2);
}

TEST_F(MemoryLogTest, DuplicateIdsAreAcknowledgedButNotCommittedAgain) {
  Append({Draft({"a"}, "first", "dup")});
  PublishResult result = Append({Draft({"a"}, "again", "dup"), Draft({"a"}, "new", "fresh")});
  EXPECT_EQ(result.status, PublishStatus::kOk);
  EXPECT_THAT(result.ids, ElementsAre("dup", "fresh"));
  EXPECT_EQ(result.duplicates, 1u);
  EXPECT_THAT(sink.Ids(), ElementsAre("dup", "fresh"));
  EXPECT_EQ(counters.duplicate_events_total.value(), 1u);
  EXPECT_EQ(counters.events_published_total.value(), 2u);
}

TEST_F(MemoryLogTest, DuplicateWithinOneBatchIsCommittedOnce) {
  PublishResult result = Append({Draft({"a"}, "x", "same"), Draft({"a"}, "y", "same")});
  EXPECT_EQ(result.duplicates, 1u);
  EXPECT_THAT(result.ids, ElementsAre("same", "same"));
  EXPECT_EQ(sink.committed.size(), 1u);
}

TEST_F(MemoryLogTest, AllDuplicatesCommitNothing) {
  Append({Draft({"a"}, "x", "d")});
  Append({Draft({"a"}, "x", "d")});
  EXPECT_EQ(sink.batches, 1);
}

TEST_F(MemoryLogTest, GeneratedIdsDifferAcrossBootEpochsAndSkipHeldIds) {
  GatewayCounters c1, c2;
  RecordingSink s1, s2;
  MemoryLog first(MemoryLogOptions{}, 1000, s1, c1);
  MemoryLog second(MemoryLogOptions{}, 2000, s2, c2);
  EXPECT_NE(Append({Draft({"a"}, "x")}, &first).ids[0],
            Append({Draft({"a"}, "x")}, &second).ids[0]);
  // A publisher that took the generator's next id does not make it reuse it.
  const std::string next = "rs-1";  // base36 of 1000 is "rs"; the counter is at 1
  Append({Draft({"a"}, "x", next)}, &first);
  const std::string generated = Append({Draft({"a"}, "y")}, &first).ids[0];
  EXPECT_NE(generated, next);
  EXPECT_EQ(generated, "rs-2");
}

TEST_F(MemoryLogTest, LocatesHeldIdsOnly) {
  GatewayCounters c;
  RecordingSink s;
  MemoryLog small(MemoryLogOptions{.history_events = 3, .history_bytes = 1 << 20}, 1, s, c);
  for (int i = 0; i < 5; ++i) Append({Draft({"a"}, "x", "id" + std::to_string(i))}, &small);
  EXPECT_EQ(Locate("id4", &small), 5u);
  EXPECT_EQ(Locate("id2", &small), 3u);
  EXPECT_EQ(Locate("id1", &small), std::nullopt);  // evicted
  EXPECT_EQ(Locate("never", &small), std::nullopt);
  EXPECT_EQ(s.oldest, 3u);
  EXPECT_EQ(c.history_events.value(), 3u);
}

TEST_F(MemoryLogTest, KeepsNothingBeyondItsHistoryToReadFrom) {
  Append({Draft({"a"}, "x", "id0")});
  std::optional<LogRead> read;
  log.ReadAfter(0, [&](LogRead r) { read = std::move(r); });
  ASSERT_TRUE(read.has_value());  // answered at once
  EXPECT_TRUE(read->lost);
  EXPECT_TRUE(read->events.empty());
}

}  // namespace
}  // namespace ssegw
