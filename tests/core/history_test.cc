#include "core/history.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace ssegw {
namespace {

using Topics = std::vector<std::string>;

SharedBytes Bytes(size_t size, char fill = 'x') {
  return SharedBytes(std::string(size, fill));
}

// Appends with the next seq (or the one given), as a log would.
class Appender {
 public:
  explicit Appender(History& history) : history_(history) {}
  const LogEvent& Add(std::string id, Topics topics, SharedBytes message, uint64_t seq = 0) {
    auto event = std::make_shared<LogEvent>();
    event->seq = seq != 0 ? seq : next_seq_;
    next_seq_ = event->seq + 1;
    event->id = std::move(id);
    event->topics = std::move(topics);
    event->message = std::move(message);
    const LogEvent& held = *event;
    history_.Append(std::move(event));
    return held;
  }

 private:
  History& history_;
  uint64_t next_seq_ = 1;
};

TEST(HistoryTest, EmptyHistory) {
  History history(10, 1000);
  EXPECT_EQ(history.size(), 0u);
  EXPECT_EQ(history.bytes(), 0u);
  EXPECT_TRUE(history.window().empty());
  EXPECT_EQ(history.oldest_seq(), 1u);
  EXPECT_FALSE(history.Contains("a"));
  EXPECT_EQ(history.Find("a"), nullptr);
}

TEST(HistoryTest, FindsHeldEventsById) {
  History history(10, 1000);
  Appender log(history);
  log.Add("a", {"t"}, Bytes(3));
  log.Add("b", {"t"}, Bytes(3));
  ASSERT_NE(history.Find("a"), nullptr);
  EXPECT_EQ(history.Find("a")->seq, 1u);
  EXPECT_EQ(history.Find("b")->seq, 2u);
  EXPECT_EQ(history.window().back().id, "b");
  EXPECT_TRUE(history.Contains("a"));
  EXPECT_FALSE(history.Contains("c"));
  EXPECT_FALSE(history.Contains(""));
  EXPECT_EQ(history.oldest_seq(), 1u);
}

TEST(HistoryTest, SeqsMayHaveGaps) {
  // A replicated log may skip positions; lookups do not depend on contiguity.
  History history(10, 1000);
  Appender log(history);
  log.Add("a", {"t"}, Bytes(1), 5);
  log.Add("b", {"t"}, Bytes(1), 9);
  log.Add("c", {"t"}, Bytes(1), 10);
  EXPECT_EQ(history.Find("a")->seq, 5u);
  EXPECT_EQ(history.Find("b")->seq, 9u);
  EXPECT_EQ(history.Find("c")->seq, 10u);
  EXPECT_EQ(history.oldest_seq(), 5u);
}

TEST(HistoryTest, MessageIsSharedNotCopied) {
  History history(10, 1000);
  Appender log(history);
  SharedBytes message("id: a\ndata: x\n\n");
  const LogEvent& event = log.Add("a", {"t"}, message);
  EXPECT_EQ(event.message.data(), message.data());
  EXPECT_EQ(message.use_count(), 2u);
}

TEST(HistoryTest, EvictsOldestByCount) {
  History history(3, 1 << 20);
  Appender log(history);
  for (int i = 0; i < 5; ++i) log.Add("e" + std::to_string(i), {"t"}, Bytes(1));
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(history.evicted_total(), 2u);
  EXPECT_FALSE(history.Contains("e0"));
  EXPECT_FALSE(history.Contains("e1"));
  EXPECT_TRUE(history.Contains("e2"));
  EXPECT_TRUE(history.Contains("e4"));
  EXPECT_EQ(history.window().back().seq, 5u);
  EXPECT_EQ(history.oldest_seq(), 3u);
  EXPECT_EQ(history.window().dropped_through(), 2u);
  EXPECT_EQ(history.bytes(), 3u * (1 + 2 + 1));
}

TEST(HistoryTest, EvictsOldestByBytesWithExactAccounting) {
  // Each event: message 10 + id 2 + topics "ab" + "cde" = 17 bytes.
  History history(100, 50);
  Appender log(history);
  log.Add("i0", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.bytes(), 17u);
  log.Add("i1", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.bytes(), 34u);
  // 51 > 50: the oldest goes.
  log.Add("i2", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.size(), 2u);
  EXPECT_EQ(history.bytes(), 34u);
  EXPECT_EQ(history.evicted_total(), 1u);
  EXPECT_FALSE(history.Contains("i0"));
  EXPECT_TRUE(history.Contains("i1"));
  EXPECT_TRUE(history.Contains("i2"));
}

TEST(HistoryTest, ByteCapIsInclusiveAndEvictsOnlyWhatIsNeeded) {
  // Events of 17 bytes; a cap of 51 holds exactly three.
  History history(100, 51);
  Appender log(history);
  for (int i = 0; i < 3; ++i) log.Add("i" + std::to_string(i), {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(history.bytes(), 51u);
  EXPECT_EQ(history.evicted_total(), 0u);

  log.Add("i3", {"ab", "cde"}, Bytes(10));
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(history.bytes(), 51u);
  EXPECT_EQ(history.evicted_total(), 1u);
  EXPECT_FALSE(history.Contains("i0"));

  // 34 bytes (message 30 + id 2 + topic 2): 85, then 68, then 51 - two events leave.
  log.Add("i4", {"ab"}, Bytes(30));
  EXPECT_EQ(history.size(), 2u);
  EXPECT_EQ(history.bytes(), 51u);
  EXPECT_EQ(history.evicted_total(), 3u);
  EXPECT_TRUE(history.Contains("i3"));
  EXPECT_TRUE(history.Contains("i4"));
}

TEST(HistoryTest, OversizeEventIsHeldAlone) {
  History history(100, 20);
  Appender log(history);
  log.Add("a", {"t"}, Bytes(5));
  log.Add("b", {"t"}, Bytes(5));
  log.Add("big", {"t"}, Bytes(1000));
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.bytes(), 1000u + 3u + 1u);
  EXPECT_TRUE(history.Contains("big"));
  EXPECT_FALSE(history.Contains("a"));
  EXPECT_FALSE(history.Contains("b"));

  // The next append pushes the oversize event out.
  log.Add("c", {"t"}, Bytes(5));
  EXPECT_EQ(history.size(), 1u);
  EXPECT_FALSE(history.Contains("big"));
  EXPECT_EQ(history.bytes(), 7u);
}

TEST(HistoryTest, ZeroEventCapStillHoldsTheNewest) {
  History history(0, 0);
  Appender log(history);
  log.Add("a", {"t"}, Bytes(1));
  log.Add("b", {"t"}, Bytes(1));
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(history.window().back().id, "b");
  EXPECT_EQ(history.Find("b")->seq, 2u);
}

TEST(HistoryTest, EvictedIdMayBePublishedAgain) {
  History history(2, 1 << 20);
  Appender log(history);
  log.Add("dup", {"t"}, Bytes(1));
  log.Add("x", {"t"}, Bytes(1));
  log.Add("y", {"t"}, Bytes(1));
  ASSERT_FALSE(history.Contains("dup"));
  EXPECT_EQ(log.Add("dup", {"t"}, Bytes(1)).seq, 4u);
  EXPECT_TRUE(history.Contains("dup"));
  EXPECT_EQ(history.Find("dup")->seq, 4u);
}

// Long, mixed sequences against a simple model. Ids of both short (inline) and long
// (heap) lengths, re-published after eviction; the ASan build catches any read of an
// evicted event. `max_events` picks how full the id index runs (95 of 128 slots is its
// highest load, where probe runs are longest and deletions shift most).
void RunAgainstModel(size_t max_events, size_t max_bytes, uint32_t seed) {
  struct ModelEvent {
    uint64_t seq;
    std::string id;
    size_t bytes;
  };
  const Topics all_topics = {"a", "b", "c", "d"};
  std::mt19937 rng(seed);
  History history(max_events, max_bytes);
  Appender log(history);
  std::deque<ModelEvent> model;
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
    for (const ModelEvent& m : model) held = held || m.id == id;
    ASSERT_EQ(history.Contains(id), held) << "step " << step;
    if (held) continue;

    // Seqs with occasional jumps, as a replicated log may have.
    seq += 1 + (rng() % 10 == 0 ? rng() % 3 : 0);
    size_t bytes = size + id.size();
    for (const std::string& t : topics) bytes += t.size();
    ASSERT_EQ(log.Add(id, topics, Bytes(size), seq).seq, seq);
    model.push_back({seq, id, bytes});
    model_bytes += bytes;
    while (model.size() > 1 && (model.size() > max_events || model_bytes > max_bytes)) {
      model_bytes -= model.front().bytes;
      model.pop_front();
      ++model_evicted;
    }
    ASSERT_EQ(history.size(), model.size());
    ASSERT_EQ(history.bytes(), model_bytes);
    ASSERT_EQ(history.evicted_total(), model_evicted);
    ASSERT_EQ(history.oldest_seq(), model.front().seq);

    if (step % 97 == 0) {
      for (size_t i = 0; i < model.size(); ++i) {
        const LogEvent* found = history.Find(model[i].id);
        ASSERT_NE(found, nullptr) << model[i].id;
        ASSERT_EQ(found->seq, model[i].seq);
        ASSERT_EQ(history.window().at(i).id, model[i].id);
      }
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
TEST(HistoryTest, LongRandomSequenceSingleEvent) {
  RunAgainstModel(1, 1 << 20, 99);
}

// A count cap far above what the index starts with: it must grow while the log does.
TEST(HistoryTest, IndexGrowsWithTheLog) {
  History history(size_t{1} << 20, size_t{1} << 30);
  Appender log(history);
  const SharedBytes message = Bytes(8);
  constexpr int kCount = 300'000;
  for (int i = 0; i < kCount; ++i) log.Add("g" + std::to_string(i), {"t"}, message);
  EXPECT_EQ(history.size(), size_t{kCount});
  EXPECT_EQ(history.evicted_total(), 0u);
  for (int i = 0; i < kCount; i += 7) {
    ASSERT_EQ(history.Find("g" + std::to_string(i))->seq, static_cast<uint64_t>(i + 1)) << i;
  }
  EXPECT_FALSE(history.Contains("g" + std::to_string(kCount)));
}

TEST(EventWindowTest, FirstAfterWithContiguousAndGappedSeqs) {
  EventWindow window;
  for (uint64_t seq : {3, 4, 5, 9, 10, 20}) {
    auto event = std::make_shared<LogEvent>();
    event->seq = seq;
    window.PushBack(std::move(event));
  }
  EXPECT_EQ(window.FirstAfter(0), 0u);
  EXPECT_EQ(window.FirstAfter(2), 0u);
  EXPECT_EQ(window.FirstAfter(3), 1u);
  EXPECT_EQ(window.FirstAfter(4), 2u);
  EXPECT_EQ(window.FirstAfter(5), 3u);
  EXPECT_EQ(window.FirstAfter(6), 3u);
  EXPECT_EQ(window.FirstAfter(9), 4u);
  EXPECT_EQ(window.FirstAfter(10), 5u);
  EXPECT_EQ(window.FirstAfter(19), 5u);
  EXPECT_EQ(window.FirstAfter(20), 6u);
  EXPECT_EQ(window.FirstAfter(1000), 6u);
  EXPECT_FALSE(window.LostAfter(0));
  window.PopFront();
  window.PopFront();
  EXPECT_EQ(window.dropped_through(), 4u);
  EXPECT_TRUE(window.LostAfter(3));  // event 4 was dropped unseen
  EXPECT_FALSE(window.LostAfter(4));
  EXPECT_EQ(window.newest_seq(), 20u);
}

}  // namespace
}  // namespace ssegw
