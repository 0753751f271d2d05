// FrameScanner against frames built by hand: where each frame starts, its header, and
// the same answers whatever pieces the bytes arrive in.
#include "h2/frame_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testutil/h2_frames.h"

namespace ssegw::h2 {
namespace {

using namespace ssegw::testing;  // NOLINT: frame builders

struct Seen {
  FrameHeader header;
  size_t offset;  // in the whole stream
};

// Scans `bytes` cut into pieces of `piece` bytes; offsets are made absolute.
std::vector<Seen> Scan(const std::string& bytes, size_t piece) {
  FrameScanner scanner;
  std::vector<Seen> seen;
  for (size_t base = 0; base < bytes.size(); base += piece) {
    const std::string chunk = bytes.substr(base, piece);
    const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(chunk.data()),
                                        chunk.size());
    size_t pos = 0;
    FrameHeader header;
    size_t start = 0;
    while (scanner.Next(span, &pos, &header, &start)) {
      // A frame that began in an earlier piece reports 0: its real start is further back.
      seen.push_back({header, start == 0 && base > 0 ? SIZE_MAX : base + start});
    }
    EXPECT_EQ(pos, chunk.size());
  }
  return seen;
}

TEST(FrameScannerTest, FindsEveryFrameAfterThePreface) {
  HeaderEncoder encoder;
  const std::string headers = HeadersFrame(1, encoder.Request("GET", "/events/t"), false);
  const std::string bytes = std::string(kClientPreface) + SettingsFrame({{4, 100}}) + headers +
                            DataFrame(1, "body", true) + PriorityFrame(3, 3, 200) +
                            RstStreamFrame(1, 8) + Frame(kPriority, 0, 5, "abcdef");
  const std::vector<Seen> seen = Scan(bytes, bytes.size());
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].header.type, kSettings);
  EXPECT_EQ(seen[0].offset, kClientPreface.size());
  EXPECT_EQ(seen[0].header.length, 6u);
  EXPECT_EQ(seen[1].header.type, kHeaders);
  EXPECT_EQ(seen[1].header.stream_id, 1);
  EXPECT_EQ(seen[1].header.flags, kEndHeaders);
  EXPECT_EQ(seen[2].header.type, kData);
  EXPECT_EQ(seen[2].header.flags, kEndStream);
  EXPECT_EQ(seen[2].offset, kClientPreface.size() + 15 + headers.size());
  EXPECT_EQ(seen[3].header.type, kPriority);
  EXPECT_EQ(seen[3].header.stream_id, 3);
  EXPECT_EQ(seen[3].header.dependency, 3);
  EXPECT_EQ(seen[4].header.type, kRstStream);
  // A PRIORITY frame of the wrong size has no dependency to report.
  EXPECT_EQ(seen[5].header.type, kPriority);
  EXPECT_EQ(seen[5].header.length, 6u);
  EXPECT_EQ(seen[5].header.dependency, 0);
}

TEST(FrameScannerTest, SameFramesInAnyPieces) {
  HeaderEncoder encoder;
  const std::string bytes = std::string(kClientPreface) + SettingsFrame() + PingFrame(7) +
                            HeadersFrame(1, encoder.Request("GET", "/"), true) +
                            PriorityFrame(1, 0x7fffffff) +
                            DataFrame(3, std::string(70000, 'x'), false) + GoawayFrame(0, 0);
  const std::vector<Seen> whole = Scan(bytes, bytes.size());
  ASSERT_EQ(whole.size(), 6u);
  for (size_t piece : {1u, 2u, 7u, 9u, 13u, 1000u}) {
    const std::vector<Seen> split = Scan(bytes, piece);
    ASSERT_EQ(split.size(), whole.size()) << piece;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(split[i].header.type, whole[i].header.type) << piece;
      EXPECT_EQ(split[i].header.length, whole[i].header.length) << piece;
      EXPECT_EQ(split[i].header.stream_id, whole[i].header.stream_id) << piece;
      EXPECT_EQ(split[i].header.dependency, whole[i].header.dependency) << piece;
      if (split[i].offset != SIZE_MAX) {
        EXPECT_EQ(split[i].offset, whole[i].offset) << piece;
      }
    }
  }
  EXPECT_EQ(whole[3].header.dependency, 0x7fffffff);
}

TEST(FrameScannerTest, ReservedBitsAreCleared) {
  std::string frame = PriorityFrame(1, 5);
  frame[5] = static_cast<char>(frame[5] | 0x80);  // reserved bit of the stream id
  frame[9] = static_cast<char>(frame[9] | 0x80);  // exclusive flag of the dependency
  const std::vector<Seen> seen = Scan(std::string(kClientPreface) + frame, 4);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header.stream_id, 1);
  EXPECT_EQ(seen[0].header.dependency, 5);
}

}  // namespace
}  // namespace ssegw::h2
