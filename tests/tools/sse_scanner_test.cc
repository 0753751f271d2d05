// The sse-bench receive path: event counting and stamp extraction over arbitrary splits.
#include "sse_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "payload.h"

namespace ssebench {
namespace {

// Feeds `body` in pieces of `piece` bytes and returns the stamps of the events seen.
std::vector<uint64_t> Scan(const std::string& body, size_t piece) {
  SseScanner scanner;
  std::vector<uint64_t> stamps;
  for (size_t at = 0; at < body.size(); at += piece) {
    const size_t n = std::min(piece, body.size() - at);
    scanner.Feed(body.data() + at, body.data() + at + n,
                 [&](uint64_t stamp) { stamps.push_back(stamp); });
  }
  return stamps;
}

std::string Event(const std::string& id, const std::string& data) {
  return "id: " + id + "\ndata: " + data + "\n\n";
}

TEST(SseScannerTest, CountsEventsAndReadsStamps) {
  std::string a, b;
  FormatPayload(1234567890123, 100, &a);
  FormatPayload(42, 21, &b);
  const std::string body = Event("1", a) + Event("2", b) + Event("3", "no stamp here");
  for (size_t piece = 1; piece <= body.size(); ++piece) {
    EXPECT_EQ(Scan(body, piece), (std::vector<uint64_t>{1234567890123, 42, 0})) << piece;
  }
}

TEST(SseScannerTest, IgnoresCommentsAndBlocksWithoutData) {
  const std::string body =
      ": keepalive\n\nretry: 3000\n\nid: 7\n\n" + Event("8", "@00000000000000000005 x");
  for (size_t piece = 1; piece <= body.size(); ++piece) {
    EXPECT_EQ(Scan(body, piece), (std::vector<uint64_t>{5})) << piece;
  }
}

TEST(SseScannerTest, EmptyDataAndMultiLineDataAreOneEventEach) {
  const std::string body = "data:\n\nevent: x\ndata: a\ndata: b\n\ndata\n\n";
  for (size_t piece = 1; piece <= body.size(); ++piece) {
    // A bare "data" line is a data field with an empty value, as in the WHATWG parser.
    EXPECT_EQ(Scan(body, piece).size(), 3u) << piece;
  }
}

TEST(SseScannerTest, FieldsThatMerelyStartLikeDataAreNotData) {
  EXPECT_TRUE(Scan("dat: 1\n\ndatum: 2\n\n", 3).empty());
}

TEST(PayloadTest, HasTheRequestedSizeAndAtLeastTheStamp) {
  std::string p;
  FormatPayload(9, 100, &p);
  EXPECT_EQ(p.size(), 100u);
  EXPECT_EQ(p.substr(0, 21), "@0000000000000000009 ");
  FormatPayload(9, 5, &p);
  EXPECT_EQ(p.size(), kMinPayloadBytes);
}

}  // namespace
}  // namespace ssebench
