// Randomised round trips: whatever valid event the gateway encodes, a spec-following
// parser must read back exactly, however the bytes are split into reads. Seeds are
// fixed so a failure always reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/sse_encoder.h"
#include "core/utf8.h"
#include "testutil/sse_parser.h"

namespace ssegw {
namespace {

using ::ssegw::testing::ParsedEvent;
using ::ssegw::testing::SseParser;

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int Uniform(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// Random valid UTF-8, heavy in the characters that matter to SSE framing. With
// `single_line`, no CR, LF or NUL (for ids and types).
std::string RandomText(std::mt19937& rng, int max_len, bool single_line) {
  std::string out;
  const int n = Uniform(rng, 0, max_len);
  for (int i = 0; i < n; ++i) {
    switch (Uniform(rng, 0, single_line ? 8 : 12)) {
      case 0:
        out += ' ';
        break;
      case 1:
        out += ':';
        break;
      case 2:
      case 3:
        out.push_back(static_cast<char>(Uniform(rng, 0x21, 0x7E)));
        break;
      case 4:
        AppendUtf8(static_cast<uint32_t>(Uniform(rng, 0x80, 0x7FF)), out);
        break;
      case 5: {
        uint32_t cp;
        do cp = static_cast<uint32_t>(Uniform(rng, 0x800, 0xFFFF));
        while (cp >= 0xD800 && cp <= 0xDFFF);
        AppendUtf8(cp, out);
        break;
      }
      case 6:
        AppendUtf8(static_cast<uint32_t>(Uniform(rng, 0x10000, 0x10FFFF)), out);
        break;
      case 7:
        AppendUtf8(0xFEFF, out);  // a BOM inside the text must survive
        break;
      case 8:
        // Other control characters are plain data to SSE.
        out.push_back(std::array{'\t', '\x01', '\x1F', '\x7F'}[Uniform(rng, 0, 3)]);
        break;
      case 9:
        out += '\n';
        break;
      case 10:
        out += '\r';
        break;
      case 11:
        out += "\r\n";
        break;
      case 12:
        out.push_back('\0');
        break;
    }
  }
  return out;
}

// What the browser should hand to the page: every line break becomes LF.
std::string NormalizeBreaks(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Feeds `bytes` in random pieces, empty ones included.
void FeedInRandomChunks(std::mt19937& rng, std::string_view bytes, SseParser& parser) {
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), static_cast<size_t>(Uniform(rng, 0, 9)));
    parser.Feed(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
}

TEST(SsePropertyTest, SingleEventRoundTrips) {
  for (uint32_t seed = 1; seed <= 5000; ++seed) {
    std::mt19937 rng(seed);
    const std::string data = RandomText(rng, 40, /*single_line=*/false);
    const std::string id = RandomText(rng, 6, /*single_line=*/true);
    const std::string type = RandomText(rng, 6, /*single_line=*/true);
    const uint32_t retry = Uniform(rng, 0, 3) == 0 ? static_cast<uint32_t>(rng()) : 0;
    const EventFields e{.id = id, .type = type, .data = data, .retry_ms = retry};
    ASSERT_TRUE(ValidateEventFields(e).ok()) << "seed " << seed;
    const SharedBytes bytes = EncodeEvent(e);

    SseParser parser;
    FeedInRandomChunks(rng, bytes.view(), parser);
    const std::vector<ParsedEvent> events = parser.TakeEvents();
    ASSERT_EQ(events.size(), 1u) << "seed " << seed;
    EXPECT_EQ(events[0].data, NormalizeBreaks(data)) << "seed " << seed;
    EXPECT_EQ(events[0].last_event_id, id) << "seed " << seed;
    EXPECT_EQ(events[0].type, type.empty() ? "message" : type) << "seed " << seed;
    EXPECT_EQ(parser.retry(), retry > 0 ? std::optional<uint32_t>(retry) : std::nullopt)
        << "seed " << seed;
  }
}

TEST(SsePropertyTest, StreamOfEventsRoundTripsInOrder) {
  // Events back to back, with keep-alives and a retry preamble between them: no event
  // may leak a field into the next.
  for (uint32_t seed = 1; seed <= 1000; ++seed) {
    std::mt19937 rng(seed);
    std::string stream;
    std::vector<ParsedEvent> expected;
    size_t keepalives = 0;
    std::string last_id;
    if (Uniform(rng, 0, 1)) stream += EncodeRetryPreamble(1234).view();
    const int n = Uniform(rng, 1, 6);
    for (int i = 0; i < n; ++i) {
      if (Uniform(rng, 0, 2) == 0) {
        stream += EncodeKeepAlive().view();
        ++keepalives;
      }
      const std::string data = RandomText(rng, 30, false);
      const std::string id = RandomText(rng, 5, true);
      const std::string type = RandomText(rng, 5, true);
      const EventFields e{.id = id, .type = type, .data = data};
      ASSERT_TRUE(ValidateEventFields(e).ok());
      stream += EncodeEvent(e).view();
      // An event without an id keeps the previous one, as in a browser.
      if (!id.empty()) last_id = id;
      expected.push_back({type.empty() ? "message" : type, NormalizeBreaks(data), last_id});
    }
    SseParser parser;
    FeedInRandomChunks(rng, stream, parser);
    EXPECT_EQ(parser.TakeEvents(), expected) << "seed " << seed;
    EXPECT_EQ(parser.comments(), keepalives) << "seed " << seed;
  }
}

// The parser's result must not depend on how the stream is cut into reads, including
// cuts between the CR and LF of a CRLF and inside a leading BOM. The encoder only
// emits LF, so this drives the parser with hand-rolled streams of every line ending.
TEST(SsePropertyTest, ParserIgnoresChunkBoundaries) {
  static constexpr std::string_view kPieces[] = {
      "data", "data:", "data: ", "event: ", "id: ", "id", "retry: ", "retry: 15", ":",
      " ",    "x",     "ü",      "7",       "\r",   "\n", "\r\n",    "\r\n",      "\xEF\xBB\xBF"};
  for (uint32_t seed = 1; seed <= 2000; ++seed) {
    std::mt19937 rng(seed);
    std::string stream;
    const int n = Uniform(rng, 0, 40);
    for (int i = 0; i < n; ++i) stream += kPieces[Uniform(rng, 0, std::size(kPieces) - 1)];

    SseParser whole;
    whole.Feed(stream);
    SseParser chunked;
    FeedInRandomChunks(rng, stream, chunked);
    SseParser bytewise;
    for (char c : stream) bytewise.Feed(std::string_view(&c, 1));

    const std::vector<ParsedEvent> expected = whole.TakeEvents();
    EXPECT_EQ(chunked.TakeEvents(), expected) << "seed " << seed;
    EXPECT_EQ(bytewise.TakeEvents(), expected) << "seed " << seed;
    for (const SseParser* p : {&chunked, &bytewise}) {
      EXPECT_EQ(p->comments(), whole.comments()) << "seed " << seed;
      EXPECT_EQ(p->retry(), whole.retry()) << "seed " << seed;
      EXPECT_EQ(p->last_event_id(), whole.last_event_id()) << "seed " << seed;
    }
  }
}

// A decoder written the obvious way, independently of the table-driven validator:
// decode each sequence to a code point and then check the rules on the value.
bool ReferenceIsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (b < 0x80) {
      len = 1, cp = b;
    } else if ((b >> 5) == 0x6) {
      len = 2, cp = b & 0x1F;
    } else if ((b >> 4) == 0xE) {
      len = 3, cp = b & 0x0F;
    } else if ((b >> 3) == 0x1E) {
      len = 4, cp = b & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len]) return false;  // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

TEST(SsePropertyTest, Utf8ValidatorAgreesWithReferenceDecoder) {
  std::mt19937 rng(20240601);
  int valid = 0, invalid = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    std::string s;
    const int n = Uniform(rng, 0, 24);
    for (int i = 0; i < n; ++i) {
      switch (Uniform(rng, 0, 5)) {
        case 0:  // any byte at all
          s.push_back(static_cast<char>(Uniform(rng, 0, 255)));
          break;
        case 1:  // bytes near the edges of the lead and continuation ranges
          s.push_back(static_cast<char>(std::array{0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                                   0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4,
                                                   0xF5, 0xFF}[Uniform(rng, 0, 17)]));
          break;
        case 2:
        case 3:  // a valid character of any length, possibly near a boundary
          AppendUtf8(static_cast<uint32_t>(
                         std::array{Uniform(rng, 0, 0x7F), Uniform(rng, 0x80, 0x7FF),
                                    Uniform(rng, 0x800, 0xD7FF), Uniform(rng, 0xE000, 0xFFFF),
                                    Uniform(rng, 0x10000, 0x10FFFF)}[Uniform(rng, 0, 4)]),
                     s);
          break;
        default:
          s.push_back(static_cast<char>(Uniform(rng, 0x20, 0x7E)));
          break;
      }
    }
    const bool expected = ReferenceIsValidUtf8(s);
    ASSERT_EQ(IsValidUtf8(s), expected) << ::testing::PrintToString(s);
    (expected ? valid : invalid)++;
  }
  // Both outcomes must be well represented or the agreement above proves little.
  EXPECT_GT(valid, 20000);
  EXPECT_GT(invalid, 20000);
}

}  // namespace
}  // namespace ssegw
