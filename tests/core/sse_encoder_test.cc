#include "core/sse_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "testutil/sse_parser.h"

namespace ssegw {
namespace {

using namespace std::string_literals;
using ::ssegw::testing::ParsedEvent;
using ::ssegw::testing::SseParser;

std::string Encode(std::string_view data, std::string_view id = {}, std::string_view type = {},
                   uint32_t retry_ms = 0) {
  EventFields e{.id = id, .type = type, .data = data, .retry_ms = retry_ms};
  EXPECT_TRUE(ValidateEventFields(e).ok());
  return std::string(EncodeEvent(e).view());
}

// What a browser makes of `bytes`: exactly one event is expected.
ParsedEvent ParseOne(std::string_view bytes) {
  SseParser parser;
  parser.Feed(bytes);
  std::vector<ParsedEvent> events = parser.TakeEvents();
  EXPECT_EQ(events.size(), 1u) << bytes;
  return events.empty() ? ParsedEvent{} : events[0];
}

// --- Encoder: exact bytes -------------------------------------------------------------

TEST(SseEncoderTest, SingleLine) {
  EXPECT_EQ(Encode("hello"), "data: hello\n\n");
}

TEST(SseEncoderTest, EmptyDataStillDispatches) {
  EXPECT_EQ(Encode(""), "data:\n\n");
  EXPECT_EQ(ParseOne(Encode("")).data, "");
}

TEST(SseEncoderTest, SplitsOnLf) {
  EXPECT_EQ(Encode("a\nb"), "data: a\ndata: b\n\n");
}

TEST(SseEncoderTest, SplitsOnCr) {
  EXPECT_EQ(Encode("a\rb"), "data: a\ndata: b\n\n");
}

TEST(SseEncoderTest, CrlfIsOneBreak) {
  EXPECT_EQ(Encode("a\r\nb"), "data: a\ndata: b\n\n");
}

TEST(SseEncoderTest, LfCrIsTwoBreaks) {
  EXPECT_EQ(Encode("a\n\rb"), "data: a\ndata:\ndata: b\n\n");
}

TEST(SseEncoderTest, MixedBreaks) {
  EXPECT_EQ(Encode("1\r\n2\n3\r4\r\r\n5"),
            "data: 1\ndata: 2\ndata: 3\ndata: 4\ndata:\ndata: 5\n\n");
  EXPECT_EQ(ParseOne(Encode("1\r\n2\n3\r4\r\r\n5")).data, "1\n2\n3\n4\n\n5");
}

TEST(SseEncoderTest, TrailingLfKeepsEmptyLastLine) {
  EXPECT_EQ(Encode("a\n"), "data: a\ndata:\n\n");
  EXPECT_EQ(ParseOne(Encode("a\n")).data, "a\n");
}

TEST(SseEncoderTest, TrailingCr) {
  EXPECT_EQ(Encode("a\r"), "data: a\ndata:\n\n");
  EXPECT_EQ(ParseOne(Encode("a\r")).data, "a\n");
}

TEST(SseEncoderTest, TrailingCrlf) {
  EXPECT_EQ(Encode("a\r\n"), "data: a\ndata:\n\n");
}

TEST(SseEncoderTest, OnlyBreaks) {
  EXPECT_EQ(Encode("\n"), "data:\ndata:\n\n");
  EXPECT_EQ(Encode("\r\n"), "data:\ndata:\n\n");
  EXPECT_EQ(Encode("\r"), "data:\ndata:\n\n");
  EXPECT_EQ(ParseOne(Encode("\n")).data, "\n");
}

TEST(SseEncoderTest, MultipleBlankLines) {
  EXPECT_EQ(Encode("a\n\n\nb"), "data: a\ndata:\ndata:\ndata: b\n\n");
  EXPECT_EQ(Encode("\n\na"), "data:\ndata:\ndata: a\n\n");
  EXPECT_EQ(ParseOne(Encode("a\n\n\nb")).data, "a\n\n\nb");
}

TEST(SseEncoderTest, LeadingSpaceSurvives) {
  EXPECT_EQ(Encode(" x"), "data:  x\n\n");
  EXPECT_EQ(ParseOne(Encode(" x")).data, " x");
  EXPECT_EQ(ParseOne(Encode("a\n  b")).data, "a\n  b");
  EXPECT_EQ(ParseOne(Encode(" ")).data, " ");
}

TEST(SseEncoderTest, ColonsAndNulInDataAreJustData) {
  EXPECT_EQ(Encode(":not a comment"), "data: :not a comment\n\n");
  EXPECT_EQ(Encode("a\0b"s), "data: a\0b\n\n"s);
  EXPECT_EQ(ParseOne(Encode("id: 7\nevent: x")).data, "id: 7\nevent: x");
}

TEST(SseEncoderTest, LongLinesCrossWordBoundaries) {
  // Breaks at every offset within an 8-byte word of the scanner.
  for (size_t at = 0; at < 20; ++at) {
    std::string data(20, 'x');
    data[at] = '\n';
    const std::string expected = (at == 0 ? "data:\n"s : "data: " + data.substr(0, at) + "\n") +
                                 (at == 19 ? "data:\n"s : "data: " + data.substr(at + 1) + "\n") +
                                 "\n";
    EXPECT_EQ(Encode(data), expected) << at;
  }
}

TEST(SseEncoderTest, IdTypeRetryPresence) {
  EXPECT_EQ(Encode("d", "42"), "id: 42\ndata: d\n\n");
  EXPECT_EQ(Encode("d", "", "update"), "event: update\ndata: d\n\n");
  EXPECT_EQ(Encode("d", "", "", 3000), "retry: 3000\ndata: d\n\n");
  EXPECT_EQ(Encode("d", "7", "t", 1), "id: 7\nevent: t\nretry: 1\ndata: d\n\n");
  EXPECT_EQ(Encode("d", "", "", 4294967295u), "retry: 4294967295\ndata: d\n\n");
  EXPECT_EQ(Encode("d", "ü", "ß"), "id: ü\nevent: ß\ndata: d\n\n");
}

TEST(SseEncoderTest, ParsedBackWithIdTypeRetry) {
  SseParser parser;
  parser.Feed(Encode("x\ny", "id-1", "tick", 2500));
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"tick", "x\ny", "id-1"}));
  EXPECT_EQ(parser.retry(), 2500u);
  parser.Feed(Encode("z"));
  // No id line: the browser keeps the previous last event id.
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"message", "z", "id-1"}));
}

TEST(SseEncoderTest, IdWithLeadingSpaceSurvives) {
  EXPECT_EQ(ParseOne(Encode("d", " spaced")).last_event_id, " spaced");
  EXPECT_EQ(ParseOne(Encode("d", "", " t")).type, " t");
}

TEST(SseEncoderTest, OutputIsFreshBuffer) {
  SharedBytes a = EncodeEvent({.data = "x"});
  EXPECT_EQ(a.use_count(), 1u);
}

// --- Validation ---------------------------------------------------------------------

TEST(SseEncoderValidateTest, AcceptsOrdinaryEvents) {
  EXPECT_TRUE(ValidateEventFields({}).ok());
  EXPECT_TRUE(ValidateEventFields({.id = "1", .type = "t", .data = "a\r\nb\0c"s}).ok());
}

TEST(SseEncoderValidateTest, IdWithLineBreakOrNul) {
  for (std::string id : {"a\nb"s, "a\rb"s, "a\0b"s, "\n"s, "x\r\n"s}) {
    Status s = ValidateEventFields({.id = id});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), Error::kIdHasLineBreakOrNul);
  }
}

TEST(SseEncoderValidateTest, IdNotUtf8) {
  Status s = ValidateEventFields({.id = "a\xFF"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kIdNotUtf8);
}

TEST(SseEncoderValidateTest, TypeWithLineBreakOrNul) {
  for (std::string type : {"a\nb"s, "a\rb"s, "a\0b"s}) {
    Status s = ValidateEventFields({.type = type});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), Error::kTypeHasLineBreakOrNul);
  }
}

TEST(SseEncoderValidateTest, TypeNotUtf8) {
  Status s = ValidateEventFields({.type = "\xED\xA0\x80"});  // a surrogate
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kTypeNotUtf8);
}

TEST(SseEncoderValidateTest, DataNotUtf8) {
  Status s = ValidateEventFields({.data = "ok\n\xC0\x80"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kDataNotUtf8);
}

TEST(SseEncoderValidateTest, IdIsCheckedBeforeTypeAndData) {
  Status s = ValidateEventFields({.id = "\n", .type = "\n", .data = "\xFF"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kIdHasLineBreakOrNul);
}

// --- Fixed messages -----------------------------------------------------------------

TEST(SseEncoderTest, KeepAliveIsCommentAndSharesOneBuffer) {
  SharedBytes a = EncodeKeepAlive();
  SharedBytes b = EncodeKeepAlive();
  EXPECT_EQ(a.view(), ": keepalive\n\n");
  EXPECT_EQ(a.data(), b.data());
  SseParser parser;
  parser.Feed(a.view());
  EXPECT_TRUE(parser.TakeEvents().empty());
  EXPECT_EQ(parser.comments(), 1u);
}

TEST(SseEncoderTest, RetryPreamble) {
  EXPECT_EQ(EncodeRetryPreamble(5000).view(), "retry: 5000\n\n");
  EXPECT_EQ(EncodeRetryPreamble(1).view(), "retry: 1\n\n");
  SseParser parser;
  parser.Feed(EncodeRetryPreamble(750).view());
  EXPECT_TRUE(parser.TakeEvents().empty());
  EXPECT_EQ(parser.retry(), 750u);
}

TEST(SseEncoderTest, GapWithResumeId) {
  EXPECT_EQ(EncodeGap("old-9", "new-3").view(), "id: new-3\nevent: gap\ndata: old-9\n\n");
  SseParser parser;
  parser.Feed(EncodeGap("old-9", "new-3").view());
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"gap", "old-9", "new-3"}));
  EXPECT_EQ(parser.last_event_id(), "new-3");
}

TEST(SseEncoderTest, GapWithoutResumeId) {
  EXPECT_EQ(EncodeGap("old-9", "").view(), "event: gap\ndata: old-9\n\n");
}

// --- The test parser itself: it is the oracle for the tests above ------------------

std::vector<ParsedEvent> ParseAll(std::string_view bytes) {
  SseParser parser;
  parser.Feed(bytes);
  return parser.TakeEvents();
}

TEST(SseParserTest, BlankLineDispatchesAndDefaultsToMessage) {
  EXPECT_THAT(ParseAll("data: a\n\n"), ::testing::ElementsAre(ParsedEvent{"message", "a", ""}));
  EXPECT_TRUE(ParseAll("data: a\n").empty());  // no blank line yet
}

TEST(SseParserTest, AllLineEndings) {
  EXPECT_THAT(ParseAll("data: a\r\ndata: b\rdata: c\n\r\n"),
              ::testing::ElementsAre(ParsedEvent{"message", "a\nb\nc", ""}));
  EXPECT_THAT(
      ParseAll("data: a\r\rdata: b\n\n"),
      ::testing::ElementsAre(ParsedEvent{"message", "a", ""}, ParsedEvent{"message", "b", ""}));
}

TEST(SseParserTest, CrlfSplitAcrossChunksIsOneBreak) {
  SseParser parser;
  parser.Feed("data: a\r");
  parser.Feed("\ndata: b\r");
  parser.Feed("\n\r");
  parser.Feed("\n");
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"message", "a\nb", ""}));
}

TEST(SseParserTest, FieldParsing) {
  // No space, one space stripped, only one; no colon means an empty value.
  EXPECT_EQ(ParseAll("data:x\n\n")[0].data, "x");
  EXPECT_EQ(ParseAll("data:  x\n\n")[0].data, " x");
  EXPECT_EQ(ParseAll("data\n\n")[0].data, "");
  EXPECT_EQ(ParseAll("data:a:b\n\n")[0].data, "a:b");
  EXPECT_TRUE(ParseAll("Data: x\n\n").empty());  // field names are case-sensitive
  EXPECT_TRUE(ParseAll("foo: bar\n\n").empty());
}

TEST(SseParserTest, EmptyDataBufferDispatchesNothingAndResetsType) {
  EXPECT_THAT(ParseAll("event: t\n\ndata: x\n\n"),
              ::testing::ElementsAre(ParsedEvent{"message", "x", ""}));
}

TEST(SseParserTest, IdRules) {
  SseParser parser;
  parser.Feed("id: 1\n\n");  // no event, but sets the last event id
  EXPECT_TRUE(parser.TakeEvents().empty());
  EXPECT_EQ(parser.last_event_id(), "1");
  parser.Feed("id: a\0b\ndata: x\n\n"s);  // NUL: the id field is ignored
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"message", "x", "1"}));
  parser.Feed("id\ndata: y\n\n");  // empty id resets
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"message", "y", ""}));
}

TEST(SseParserTest, RetryOnlyDigits) {
  SseParser parser;
  parser.Feed("retry: 12a\n\n");
  EXPECT_FALSE(parser.retry().has_value());
  parser.Feed("retry: \n\n");
  EXPECT_FALSE(parser.retry().has_value());
  parser.Feed("retry: 300\n\n");
  EXPECT_EQ(parser.retry(), 300u);
  parser.Feed("retry: -1\n\n");
  EXPECT_EQ(parser.retry(), 300u);
}

TEST(SseParserTest, CommentsCounted) {
  SseParser parser;
  parser.Feed(":a\n: b\n:\ndata: x\n\n");
  EXPECT_EQ(parser.comments(), 3u);
  EXPECT_EQ(parser.TakeEvents().size(), 1u);
}

TEST(SseParserTest, LeadingBomStrippedOnceEvenWhenSplit) {
  SseParser parser;
  parser.Feed("\xEF");
  parser.Feed("\xBB");
  parser.Feed(
      "\xBF"
      "data: a\n\n");
  EXPECT_THAT(parser.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"message", "a", ""}));
  // A second BOM is part of the next line: here it makes an unknown field name.
  parser.Feed(
      "\xEF\xBB\xBF"
      "data: b\n\n");
  EXPECT_TRUE(parser.TakeEvents().empty());
}

TEST(SseParserTest, NotABomIsKept) {
  SseParser parser;
  parser.Feed("\xEF");
  parser.Feed("data: a\n\n");  // the held byte becomes part of the field name
  EXPECT_TRUE(parser.TakeEvents().empty());
  EXPECT_THAT(ParseAll("d"), ::testing::IsEmpty());
  SseParser short_start;
  short_start.Feed("d");
  short_start.Feed("ata: z\n\n");
  EXPECT_THAT(short_start.TakeEvents(), ::testing::ElementsAre(ParsedEvent{"message", "z", ""}));
}

TEST(SseParserTest, IncompleteEventIsNotDispatched) {
  SseParser parser;
  parser.Feed("data: a\n\ndata: b\n");
  EXPECT_EQ(parser.TakeEvents().size(), 1u);
  EXPECT_TRUE(parser.TakeEvents().empty());
}

}  // namespace
}  // namespace ssegw
