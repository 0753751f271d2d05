// ClosedStreams with plain values: which frames on streams that are no longer open are
// errors, and which are ignored.
#include "h2/closed_streams.h"

#include <gtest/gtest.h>

namespace ssegw::h2 {
namespace {

using Verdict = ClosedStreams::Verdict;

TEST(ClosedStreamsTest, StreamsTheClientClosedDrawStreamClosedForEver) {
  ClosedStreams closed;
  for (int32_t id = 1; id <= 2001; id += 2) closed.Opened(id);
  EXPECT_EQ(closed.Judge(1, /*headers=*/false), Verdict::kStreamClosed);
  EXPECT_EQ(closed.Judge(1, /*headers=*/true), Verdict::kStreamClosed);
  EXPECT_EQ(closed.Judge(2001, false), Verdict::kStreamClosed);
}

TEST(ClosedStreamsTest, AboveTheHighestOpenedIsNotOurs) {
  ClosedStreams closed;
  EXPECT_EQ(closed.Judge(1, false), Verdict::kIgnore);
  closed.Opened(1);
  EXPECT_EQ(closed.Judge(3, true), Verdict::kIgnore);
}

TEST(ClosedStreamsTest, StreamsTheServerResetAreIgnored) {
  ClosedStreams closed;
  closed.Opened(1);
  closed.Opened(3);
  closed.ResetByServer(1);
  closed.ResetByServer(1);
  EXPECT_EQ(closed.Judge(1, false), Verdict::kIgnore);
  EXPECT_EQ(closed.Judge(1, true), Verdict::kIgnore);
  EXPECT_EQ(closed.Judge(3, false), Verdict::kStreamClosed);
}

TEST(ClosedStreamsTest, OnlyTheMostRecentResetsAreRemembered) {
  ClosedStreams closed;
  const int32_t n = static_cast<int32_t>(ClosedStreams::kRememberedResets) + 10;
  for (int32_t i = 0; i < n; ++i) {
    closed.Opened(2 * i + 1);
    closed.ResetByServer(2 * i + 1);
  }
  EXPECT_EQ(closed.Judge(1, false), Verdict::kStreamClosed);  // forgotten: §5.1 allows it
  EXPECT_EQ(closed.Judge(19, false), Verdict::kStreamClosed);
  EXPECT_EQ(closed.Judge(21, false), Verdict::kIgnore);
  EXPECT_EQ(closed.Judge(2 * n - 1, false), Verdict::kIgnore);
}

TEST(ClosedStreamsTest, HeadersOnASkippedIdIsAProtocolError) {
  ClosedStreams closed;
  closed.Opened(5);  // skips 1 and 3
  closed.Opened(7);
  closed.Opened(13);  // skips 9 and 11
  EXPECT_EQ(closed.Judge(1, true), Verdict::kProtocolError);
  EXPECT_EQ(closed.Judge(3, true), Verdict::kProtocolError);
  EXPECT_EQ(closed.Judge(11, true), Verdict::kProtocolError);
  EXPECT_EQ(closed.Judge(7, true), Verdict::kStreamClosed);
  EXPECT_EQ(closed.Judge(3, false), Verdict::kStreamClosed);  // DATA: a closed stream
}

TEST(ClosedStreamsTest, ARefusedIdIsIgnoredEvenInsideAGap) {
  ClosedStreams closed;
  closed.ResetByServer(1);  // refused before it opened
  closed.Opened(3);
  EXPECT_EQ(closed.Judge(1, true), Verdict::kIgnore);
  EXPECT_EQ(closed.Judge(1, false), Verdict::kIgnore);
}

}  // namespace
}  // namespace ssegw::h2
