#include "core/history.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

namespace ssegw {
namespace {

using Topics = std::vector<std::string>;

SharedBytes Bytes(size_t size, char fill = 'x') {
  return SharedBytes(std::string(size, fill));
}

// Ids of the entries visited by a replay, in visit order.
std::vector<std::string> ReplayIds(const History& history, std::string_view after,
                                   const Topics& topics, History::Replay* result = nullptr) {
  std::vector<std::string> ids;
  History::Replay r = history.ForEachAfter(
      after, topics, [&](const HistoryEntry& entry) { ids.push_back(entry.id); });
  if (result != nullptr) *result = r;
  return ids;
}

TEST(HistoryTest, EmptyHistory) {
  History history(10, 1000);
  EXPECT_EQ(history.size(), 0u);
  EXPECT_EQ(history.bytes(), 0u);
  EXPECT_EQ(history.newest(), nullptr);
  EXPECT_FALSE(history.Contains("a"));
  History::Replay r;
  EXPECT_TRUE(ReplayIds(history, "a", {"t"}, &r).empty());
  EXPECT_EQ(r, History::Replay::kGap);
}

TEST(HistoryTest, AppendAssignsIncreasingSeqFromOne) {
  History history(10, 1000);
  const HistoryEntry& first = history.Append("a", {"t"}, Bytes(3));
  EXPECT_EQ(first.seq, 1u);
  EXPECT_EQ(first.id, "a");
  EXPECT_EQ(history.Append("b", {"t"}, Bytes(3)).seq, 2u);
  ASSERT_NE(history.newest(), nullptr);
  EXPECT_EQ(history.newest()->id, "b");
  EXPECT_EQ(history.newest()->seq, 2u);
  EXPECT_TRUE(history.Contains("a"));
  EXPECT_TRUE(history.Contains("b"));
  EXPECT_FALSE(history.Contains("c"));
  EXPECT_FALSE(history.Contains(""));
}

TEST(HistoryTest, MessageIsSharedNotCopied) {
  History history(10, 1000);
  SharedBytes message("id: a\ndata: x\n\n");
  const HistoryEntry& entry = history.Append("a", {"t"}, message);
  EXPECT_EQ(entry.message.data(), message.data());
  EXPECT_EQ(message.use_count(), 2u);
}

TEST(HistoryTest, EvictsOldestByCount) {
  History history(3, 1 << 20);
  for (int i = 0; i < 5; ++i) (void)history.Append("e" + std::to_string(i), {"t"}, Bytes(1));
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(history.evicted_total(), 2u);
  EXPECT_FALSE(history.Contains("e0"));
  EXPECT_FALSE(history.Contains("e1"));
  EXPECT_TRUE(history.Contains("e2"));
  EXPECT_TRUE(history.Contains("e4"));
  EXPECT_EQ(history.newest()->seq, 5u);
  EXPECT_EQ(history.bytes(), 3u * (1 + 2 + 1));
}

TEST(HistoryTest, EvictsOldestByBytesWithExactAccounting) {
  // Each entry: message 10 + id 2 + topics "ab" + "cde" = 17 bytes.
  History history(100, 50);
  (void)history.Append("i0", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.bytes(), 17u);
  (void)history.Append("i1", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.bytes(), 34u);
  // 51 > 50: the oldest goes.
  (void)history.Append("i2", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.size(), 2u);
  EXPECT_EQ(history.bytes(), 34u);
  EXPECT_EQ(history.evicted_total(), 1u);
  EXPECT_FALSE(history.Contains("i0"));
  EXPECT_TRUE(history.Contains("i1"));
  EXPECT_TRUE(history.Contains("i2"));
}

TEST(HistoryTest, ByteCapIsInclusiveAndEvictsOnlyWhatIsNeeded) {
  // Entries of 17 bytes; a cap of 51 holds exactly three.
  History history(100, 51);
  for (int i = 0; i < 3; ++i) {
    (void)history.Append("i" + std::to_string(i), {"ab", "cde"}, Bytes(10));
  }
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(history.bytes(), 51u);
  EXPECT_EQ(history.evicted_total(), 0u);

  (void)history.Append("i3", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(history.bytes(), 51u);
  EXPECT_EQ(history.evicted_total(), 1u);
  EXPECT_FALSE(history.Contains("i0"));

  // 34 bytes (message 30 + id 2 + topic 2): 85, then 68, then 51 - two entries leave.
  (void)history.Append("i4", {"ab"}, Bytes(30));
  EXPECT_EQ(history.size(), 2u);
  EXPECT_EQ(history.bytes(), 51u);
  EXPECT_EQ(history.evicted_total(), 3u);
  EXPECT_TRUE(history.Contains("i3"));
  EXPECT_TRUE(history.Contains("i4"));
}

TEST(HistoryTest, OversizeEntryIsHeldAlone) {
  History history(100, 20);
  (void)history.Append("a", {"t"}, Bytes(5));
  (void)history.Append("b", {"t"}, Bytes(5));
  const HistoryEntry& big = history.Append("big", {"t"}, Bytes(1000));
  EXPECT_EQ(big.id, "big");
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.bytes(), 1000u + 3u + 1u);
  EXPECT_TRUE(history.Contains("big"));
  EXPECT_FALSE(history.Contains("a"));
  EXPECT_FALSE(history.Contains("b"));

  // The next append pushes the oversize entry out.
  (void)history.Append("c", {"t"}, Bytes(5));
  EXPECT_EQ(history.size(), 1u);
  EXPECT_FALSE(history.Contains("big"));
  EXPECT_EQ(history.bytes(), 7u);
}

TEST(HistoryTest, ZeroEventCapStillHoldsTheNewest) {
  History history(0, 0);
  (void)history.Append("a", {"t"}, Bytes(1));
  (void)history.Append("b", {"t"}, Bytes(1));
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.newest()->id, "b");
  History::Replay r;
  EXPECT_TRUE(ReplayIds(history, "b", {"t"}, &r).empty());
  EXPECT_EQ(r, History::Replay::kFound);
}

TEST(HistoryTest, ReplayReturnsLaterMatchingEntriesInOrder) {
  History history(100, 1 << 20);
  (void)history.Append("1", {"a"}, Bytes(1));
  (void)history.Append("2", {"b"}, Bytes(1));
  (void)history.Append("3", {"a"}, Bytes(1));
  (void)history.Append("4", {"c"}, Bytes(1));
  (void)history.Append("5", {"a"}, Bytes(1));
  (void)history.Append("6", {"a", "b"}, Bytes(1));

  History::Replay r;
  EXPECT_EQ(ReplayIds(history, "1", {"a"}, &r), (Topics{"3", "5", "6"}));
  EXPECT_EQ(r, History::Replay::kFound);
  EXPECT_EQ(ReplayIds(history, "3", {"a"}), (Topics{"5", "6"}));
  EXPECT_EQ(ReplayIds(history, "2", {"b"}), (Topics{"6"}));
  // The after-id itself is never replayed, whatever its topics.
  EXPECT_EQ(ReplayIds(history, "4", {"c"}), Topics{});
  // The after-id need not match the subscriber's topics.
  EXPECT_EQ(ReplayIds(history, "4", {"a"}), (Topics{"5", "6"}));
}

TEST(HistoryTest, ReplayVisitsEntryOnSeveralSubscribedTopicsOnce) {
  History history(100, 1 << 20);
  (void)history.Append("0", {"x"}, Bytes(1));
  (void)history.Append("1", {"a", "b", "c"}, Bytes(1));
  (void)history.Append("2", {"b", "d"}, Bytes(1));
  (void)history.Append("3", {"c"}, Bytes(1));
  (void)history.Append("4", {"d", "e"}, Bytes(1));
  (void)history.Append("5", {"e"}, Bytes(1));
  (void)history.Append("6", {"a", "f"}, Bytes(1));

  EXPECT_EQ(ReplayIds(history, "0", {"a", "b", "c"}), (Topics{"1", "2", "3", "6"}));
  EXPECT_EQ(ReplayIds(history, "0", {"b", "e"}), (Topics{"1", "2", "4", "5"}));
  EXPECT_EQ(ReplayIds(history, "0", {"d"}), (Topics{"2", "4"}));
  EXPECT_EQ(ReplayIds(history, "0", {"f", "z"}), (Topics{"6"}));
  EXPECT_EQ(ReplayIds(history, "0", {"g", "h"}), Topics{});
  // Subscriber topics that sort between and around an entry's, sharing prefixes.
  EXPECT_EQ(ReplayIds(history, "0", {"aa", "bb", "cc"}), Topics{});
  EXPECT_EQ(ReplayIds(history, "0", {}), Topics{});
}

TEST(HistoryTest, ReplayAfterNewestIsEmptyButFound) {
  History history(100, 1 << 20);
  (void)history.Append("a", {"t"}, Bytes(1));
  (void)history.Append("b", {"t"}, Bytes(1));
  History::Replay r;
  EXPECT_TRUE(ReplayIds(history, "b", {"t"}, &r).empty());
  EXPECT_EQ(r, History::Replay::kFound);
}

TEST(HistoryTest, ReplayAfterEvictedOrUnknownIdIsGapAndVisitsNothing) {
  History history(3, 1 << 20);
  for (int i = 0; i < 6; ++i) (void)history.Append("e" + std::to_string(i), {"t"}, Bytes(1));

  History::Replay r = History::Replay::kFound;
  EXPECT_TRUE(ReplayIds(history, "e2", {"t"}, &r).empty());  // evicted
  EXPECT_EQ(r, History::Replay::kGap);
  r = History::Replay::kFound;
  EXPECT_TRUE(ReplayIds(history, "nope", {"t"}, &r).empty());  // never seen
  EXPECT_EQ(r, History::Replay::kGap);
  r = History::Replay::kFound;
  EXPECT_TRUE(ReplayIds(history, "", {"t"}, &r).empty());
  EXPECT_EQ(r, History::Replay::kGap);

  // The oldest still held is a valid resume point.
  EXPECT_EQ(ReplayIds(history, "e3", {"t"}, &r), (Topics{"e4", "e5"}));
  EXPECT_EQ(r, History::Replay::kFound);
}

TEST(HistoryTest, EvictedIdMayBePublishedAgain) {
  History history(2, 1 << 20);
  (void)history.Append("dup", {"t"}, Bytes(1));
  (void)history.Append("x", {"t"}, Bytes(1));
  (void)history.Append("y", {"t"}, Bytes(1));
  ASSERT_FALSE(history.Contains("dup"));
  const HistoryEntry& again = history.Append("dup", {"t"}, Bytes(1));
  EXPECT_EQ(again.seq, 4u);
  EXPECT_TRUE(history.Contains("dup"));
  EXPECT_EQ(ReplayIds(history, "y", {"t"}), (Topics{"dup"}));
  EXPECT_EQ(ReplayIds(history, "dup", {"t"}), Topics{});
}

// Long, mixed sequences against a simple model. Ids of both short (inline) and long
// (heap) lengths, re-published after eviction; the ASan build catches any read of an
// evicted entry. `max_events` picks how full the id index runs (95 of 128 slots is its
// highest load, where probe runs are longest and deletions shift most).
void RunAgainstModel(size_t max_events, size_t max_bytes, uint32_t seed) {
  struct ModelEntry {
    uint64_t seq;
    std::string id;
    Topics topics;
    size_t bytes;
  };
  const Topics all_topics = {"a", "b", "c", "d"};
  std::mt19937 rng(seed);
  History history(max_events, max_bytes);
  std::deque<ModelEntry> model;
  size_t model_bytes = 0;
  uint64_t model_evicted = 0;
  uint64_t seq = 0;

  for (int step = 0; step < 20000; ++step) {
    // A small id space, so evicted ids come back.
    std::string id = std::to_string(rng() % (4 * max_events + 8));
    if (rng() % 2) id += std::string(20 + rng() % 20, 'L');
    Topics topics;
    for (const std::string& t : all_topics) {
      if (rng() % 3 == 0) topics.push_back(t);
    }
    if (topics.empty()) topics.push_back("a");
    size_t size = rng() % 200;
    if (rng() % 500 == 0) size = max_bytes + 1;  // oversize now and then

    bool held = false;
    for (const ModelEntry& m : model) held = held || m.id == id;
    ASSERT_EQ(history.Contains(id), held) << "step " << step;
    if (held) continue;

    size_t bytes = size + id.size();
    for (const std::string& t : topics) bytes += t.size();
    const HistoryEntry& entry = history.Append(id, topics, Bytes(size));
    ASSERT_EQ(entry.seq, ++seq);
    ASSERT_EQ(entry.id, id);
    model.push_back({seq, id, topics, bytes});
    model_bytes += bytes;
    while (model.size() > 1 && (model.size() > max_events || model_bytes > max_bytes)) {
      model_bytes -= model.front().bytes;
      model.pop_front();
      ++model_evicted;
    }
    ASSERT_EQ(history.size(), model.size());
    ASSERT_EQ(history.bytes(), model_bytes);
    ASSERT_EQ(history.evicted_total(), model_evicted);
    ASSERT_EQ(history.newest()->seq, seq);

    if (step % 97 == 0) {
      for (const ModelEntry& m : model) ASSERT_TRUE(history.Contains(m.id)) << m.id;
      // Replay from a random held entry for a random subscription.
      size_t from = rng() % model.size();
      Topics sub;
      for (const std::string& t : all_topics) {
        if (rng() % 2) sub.push_back(t);
      }
      Topics expected;
      for (size_t i = from + 1; i < model.size(); ++i) {
        bool match = false;
        for (const std::string& t : model[i].topics) {
          for (const std::string& s : sub) match = match || t == s;
        }
        if (match) expected.push_back(model[i].id);
      }
      History::Replay r;
      ASSERT_EQ(ReplayIds(history, model[from].id, sub, &r), expected) << "step " << step;
      ASSERT_EQ(r, History::Replay::kFound);
    }
  }
  EXPECT_GT(model_evicted, 10000u);
}

TEST(HistoryTest, LongRandomSequenceMatchesModel) {
  RunAgainstModel(50, 3000, 12345);
}
TEST(HistoryTest, LongRandomSequenceFullIndex) {
  RunAgainstModel(95, 1 << 20, 777);
}
TEST(HistoryTest, LongRandomSequenceByteCapped) {
  RunAgainstModel(1000, 2000, 4242);
}
TEST(HistoryTest, LongRandomSequenceSingleEntry) {
  RunAgainstModel(1, 1 << 20, 99);
}

// A count cap far above what the index starts with: it must grow while the log does.
TEST(HistoryTest, IndexGrowsWithTheLog) {
  History history(size_t{1} << 20, size_t{1} << 30);
  const SharedBytes message = Bytes(8);
  constexpr int kCount = 300'000;
  for (int i = 0; i < kCount; ++i) (void)history.Append("g" + std::to_string(i), {"t"}, message);
  EXPECT_EQ(history.size(), size_t{kCount});
  EXPECT_EQ(history.evicted_total(), 0u);
  for (int i = 0; i < kCount; i += 7) ASSERT_TRUE(history.Contains("g" + std::to_string(i))) << i;
  EXPECT_FALSE(history.Contains("g" + std::to_string(kCount)));
  EXPECT_EQ(ReplayIds(history, "g" + std::to_string(kCount - 3), {"t"}),
            (Topics{"g" + std::to_string(kCount - 2), "g" + std::to_string(kCount - 1)}));
}

}  // namespace
}  // namespace ssegw
