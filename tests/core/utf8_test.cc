#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace ssegw {
namespace {

using namespace std::string_literals;

TEST(Utf8Test, AcceptsEmptyAndAscii) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello, world"));
  EXPECT_TRUE(IsValidUtf8("\0\x01\x7F"s));
  // Long enough to go through the word-at-a-time path, with the odd tail.
  EXPECT_TRUE(IsValidUtf8(std::string(1000, 'a')));
  EXPECT_TRUE(IsValidUtf8(std::string(1003, '\x7F')));
}

TEST(Utf8Test, AcceptsBoundariesOfEachLength) {
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));          // U+0080
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the maximum
  EXPECT_TRUE(IsValidUtf8("\xEF\xBB\xBF"));      // BOM is a valid character
  EXPECT_TRUE(IsValidUtf8("grüße, 日本, 🎉"));
}

TEST(Utf8Test, RejectsOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));              // U+0000 in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));              // U+007F in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\x80"));          // U+0000 in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));          // U+07FF in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\x80"));      // U+0000 in 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));      // U+FFFF in 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // 5-byte forms do not exist
  EXPECT_FALSE(IsValidUtf8("\xFC\x84\x80\x80\x80\x80"));
}

TEST(Utf8Test, RejectsSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xAF\xBF"));  // U+DBFF
  EXPECT_FALSE(IsValidUtf8("\xED\xB0\x80"));  // U+DC00
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));  // U+DFFF
  // A CESU-8 style surrogate pair is not UTF-8 either.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));
}

TEST(Utf8Test, RejectsAboveMaximumCodePoint) {
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8Test, RejectsStrayContinuationBytes) {
  for (int c = 0x80; c <= 0xBF; ++c) {
    const std::string s(1, static_cast<char>(c));
    EXPECT_FALSE(IsValidUtf8(s)) << std::hex << c;
    EXPECT_FALSE(IsValidUtf8("abc" + s + "def")) << std::hex << c;
  }
  // One continuation byte too many after a complete character.
  EXPECT_FALSE(IsValidUtf8("\xC3\xA9\xA9"));
}

TEST(Utf8Test, RejectsEveryTruncation) {
  const std::string chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x8E\x89", "\xF4\x8F\xBF\xBF"};
  for (const std::string& ch : chars) {
    ASSERT_TRUE(IsValidUtf8(ch));
    for (size_t cut = 1; cut < ch.size(); ++cut) {
      const std::string head = ch.substr(0, cut);
      EXPECT_FALSE(IsValidUtf8(head)) << ch.size() << "-byte char cut at " << cut;
      // Truncated in the middle of the text, followed by ASCII or by another lead byte.
      EXPECT_FALSE(IsValidUtf8("ab" + head + "cd")) << cut;
      EXPECT_FALSE(IsValidUtf8(head + ch)) << cut;
      // At the end of a long ASCII run, after the word-at-a-time path.
      EXPECT_FALSE(IsValidUtf8(std::string(17, 'x') + head)) << cut;
    }
  }
}

TEST(Utf8Test, RejectsBadContinuationInEachPosition) {
  // Replace each continuation byte in turn with ASCII or with a lead byte.
  const std::string ch = "\xF0\x9F\x8E\x89";
  for (size_t i = 1; i < ch.size(); ++i) {
    for (char bad : {'A', '\xC3', '\xF0', '\xFF'}) {
      std::string s = ch;
      s[i] = bad;
      EXPECT_FALSE(IsValidUtf8(s)) << i;
    }
  }
}

TEST(Utf8Test, FindsBadByteAtEveryOffsetOfAsciiRun) {
  // The word-at-a-time path must not skip a bad byte wherever it sits in a word.
  for (size_t len = 1; len <= 24; ++len) {
    for (size_t at = 0; at < len; ++at) {
      std::string s(len, 'a');
      s[at] = '\x80';
      EXPECT_FALSE(IsValidUtf8(s)) << len << " " << at;
      s[at] = '\x7F';
      EXPECT_TRUE(IsValidUtf8(s)) << len << " " << at;
    }
  }
}

}  // namespace
}  // namespace ssegw
