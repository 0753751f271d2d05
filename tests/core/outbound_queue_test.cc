#include "core/outbound_queue.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ssegw {
namespace {

std::vector<std::string> DrainPieces(OutboundQueue& q, size_t n) {
  std::vector<std::string> pieces;
  q.Drain(n, [&](std::string_view piece) { pieces.emplace_back(piece); });
  return pieces;
}

TEST(OutboundQueueTest, QueueThatNeverEmptiesKeepsOrderAndReleasesSentBuffers) {
  // Always a few messages behind: drained slots must be compacted away without ever
  // emptying the queue, and each buffer released as soon as its last byte is sent.
  OutboundQueue q(1 << 20);
  std::string expected;
  std::string got;
  std::vector<SharedBytes> sent;
  for (int i = 0; i < 1000; ++i) {
    SharedBytes message("m" + std::to_string(i) + ";");
    sent.push_back(message);
    expected += message.view();
    ASSERT_TRUE(q.Push(message));
    if (i >= 3) {
      const size_t n = sent[i - 3].size();
      q.Drain(n, [&](std::string_view piece) { got.append(piece); });
      EXPECT_EQ(sent[i - 3].use_count(), 1u);  // only our copy is left
    }
  }
  q.Drain(q.pending_bytes(), [&](std::string_view piece) { got.append(piece); });
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(q.empty());
}

TEST(OutboundQueueTest, AcceptsUpToExactlyTheLimit) {
  OutboundQueue q(10);
  EXPECT_EQ(q.limit(), 10u);
  EXPECT_TRUE(q.Push(SharedBytes("1234")));
  EXPECT_TRUE(q.Push(SharedBytes("567890")));
  EXPECT_EQ(q.pending_bytes(), 10u);
  EXPECT_FALSE(q.Push(SharedBytes("x")));
  EXPECT_EQ(q.pending_bytes(), 10u);
}

TEST(OutboundQueueTest, RejectsOneByteOverTheLimitAndQueuesNothing) {
  OutboundQueue q(10);
  EXPECT_TRUE(q.Push(SharedBytes("1234")));
  EXPECT_FALSE(q.Push(SharedBytes("5678901")));
  EXPECT_EQ(q.pending_bytes(), 4u);
  EXPECT_EQ(DrainPieces(q, 4), std::vector<std::string>{"1234"});
  EXPECT_TRUE(q.empty());
}

TEST(OutboundQueueTest, EmptyQueueAcceptsAnOversizeMessage) {
  OutboundQueue q(4);
  EXPECT_TRUE(q.Push(SharedBytes("0123456789")));
  EXPECT_EQ(q.pending_bytes(), 10u);
  EXPECT_FALSE(q.Push(SharedBytes("a")));
  EXPECT_FALSE(q.Push(SharedBytes())) << "already past the limit";
  DrainPieces(q, 9);
  EXPECT_FALSE(q.Push(SharedBytes("abcd"))) << "not empty yet: 1 + 4 is over the limit";
  EXPECT_TRUE(q.Push(SharedBytes("abc")));  // 1 + 3: back under the limit
  DrainPieces(q, 4);
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(q.Push(SharedBytes("abcdefgh")));
}

TEST(OutboundQueueTest, ZeroLimitStillTakesOneMessageAtATime) {
  OutboundQueue q(0);
  EXPECT_TRUE(q.Push(SharedBytes("abc")));
  EXPECT_FALSE(q.Push(SharedBytes("d")));
}

TEST(OutboundQueueTest, EmptyMessageIsAcceptedAndNotStored) {
  OutboundQueue q(3);
  EXPECT_TRUE(q.Push(SharedBytes()));
  EXPECT_TRUE(q.Push(SharedBytes("")));
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(q.Push(SharedBytes("abc")));
  EXPECT_TRUE(q.Push(SharedBytes("")));  // adds no bytes, so the full queue takes it
  EXPECT_EQ(DrainPieces(q, 3), std::vector<std::string>{"abc"});
}

TEST(OutboundQueueTest, DrainSpansBuffersAndStartsMidBuffer) {
  OutboundQueue q(100);
  ASSERT_TRUE(q.Push(SharedBytes("abc")));
  ASSERT_TRUE(q.Push(SharedBytes("defg")));
  ASSERT_TRUE(q.Push(SharedBytes("h")));
  EXPECT_EQ(DrainPieces(q, 2), (std::vector<std::string>{"ab"}));
  EXPECT_EQ(q.pending_bytes(), 6u);
  EXPECT_EQ(DrainPieces(q, 4), (std::vector<std::string>{"c", "def"}));
  EXPECT_EQ(q.pending_bytes(), 2u);
  EXPECT_EQ(DrainPieces(q, 0), (std::vector<std::string>{}));
  EXPECT_EQ(DrainPieces(q, 2), (std::vector<std::string>{"g", "h"}));
  EXPECT_TRUE(q.empty());
}

TEST(OutboundQueueTest, PiecesPointIntoTheSharedBufferWithoutCopying) {
  SharedBytes message("hello world");
  OutboundQueue q(100);
  ASSERT_TRUE(q.Push(message));
  std::vector<const char*> starts;
  q.Drain(6, [&](std::string_view piece) { starts.push_back(piece.data()); });
  q.Drain(5, [&](std::string_view piece) { starts.push_back(piece.data()); });
  EXPECT_EQ(starts, (std::vector<const char*>{message.data(), message.data() + 6}));
}

TEST(OutboundQueueTest, BufferIsReleasedOnceFullyDrained) {
  SharedBytes a("hello");
  SharedBytes b("world");
  OutboundQueue q(100);
  ASSERT_TRUE(q.Push(a));
  ASSERT_TRUE(q.Push(b));
  EXPECT_EQ(a.use_count(), 2u);
  EXPECT_EQ(b.use_count(), 2u);
  DrainPieces(q, 4);
  EXPECT_EQ(a.use_count(), 2u) << "one byte of a is still pending";
  DrainPieces(q, 1);
  EXPECT_EQ(a.use_count(), 1u);
  EXPECT_EQ(b.use_count(), 2u);
  DrainPieces(q, 5);
  EXPECT_EQ(b.use_count(), 1u);
}

TEST(OutboundQueueTest, RejectedMessageKeepsNoReference) {
  SharedBytes big("0123456789");
  OutboundQueue q(5);
  ASSERT_TRUE(q.Push(SharedBytes("x")));
  EXPECT_FALSE(q.Push(big));
  EXPECT_EQ(big.use_count(), 1u);
}

TEST(OutboundQueueTest, DestroyingTheQueueReleasesItsBuffers) {
  SharedBytes a("abc");
  {
    OutboundQueue q(100);
    ASSERT_TRUE(q.Push(a));
    DrainPieces(q, 1);
    EXPECT_EQ(a.use_count(), 2u);
  }
  EXPECT_EQ(a.use_count(), 1u);
}

// Random pushes and drains against a plain string as the model of the pending bytes.
TEST(OutboundQueueTest, MatchesStringModelUnderRandomOperations) {
  std::mt19937 rng(20240611);
  for (int round = 0; round < 50; ++round) {
    const size_t limit = std::uniform_int_distribution<size_t>(0, 64)(rng);
    OutboundQueue q(limit);
    std::string model;
    char next = 'a';
    for (int op = 0; op < 400; ++op) {
      if (std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
        const size_t size = std::uniform_int_distribution<size_t>(0, 24)(rng);
        std::string bytes;
        for (size_t i = 0; i < size; ++i) {
          bytes.push_back(next);
          next = next == 'z' ? 'a' : static_cast<char>(next + 1);
        }
        const bool expect_accept = model.empty() || model.size() + size <= limit;
        ASSERT_EQ(q.Push(SharedBytes(bytes)), expect_accept)
            << "round " << round << " op " << op << " pending " << model.size() << " size " << size
            << " limit " << limit;
        if (expect_accept) model += bytes;
      } else {
        const size_t n = std::uniform_int_distribution<size_t>(0, model.size())(rng);
        std::string drained;
        q.Drain(n, [&](std::string_view piece) {
          EXPECT_FALSE(piece.empty());
          drained.append(piece);
        });
        ASSERT_EQ(drained, model.substr(0, n)) << "round " << round << " op " << op;
        model.erase(0, n);
      }
      ASSERT_EQ(q.pending_bytes(), model.size());
      ASSERT_EQ(q.empty(), model.empty());
    }
  }
}

}  // namespace
}  // namespace ssegw
