#include "core/topics.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ssegw {
namespace {

using namespace std::string_literals;

constexpr std::string_view kAllowedPunctuation = "-_.~:/@";

bool IsAllowed(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         kAllowedPunctuation.find(static_cast<char>(c)) != std::string_view::npos;
}

TEST(ValidateTopicTest, AcceptsEveryAllowedCharacterAlone) {
  for (int c = 0; c < 256; ++c) {
    if (!IsAllowed(c)) continue;
    const std::string topic(1, static_cast<char>(c));
    EXPECT_TRUE(ValidateTopic(topic).ok()) << "byte " << c;
  }
}

TEST(ValidateTopicTest, AcceptsTypicalTopics) {
  EXPECT_TRUE(ValidateTopic("news").ok());
  EXPECT_TRUE(ValidateTopic("chat/room-1").ok());
  EXPECT_TRUE(ValidateTopic("user:42@tenant.example").ok());
  EXPECT_TRUE(ValidateTopic("A_b~C.d").ok());
  EXPECT_TRUE(ValidateTopic("/").ok());
  EXPECT_TRUE(ValidateTopic("a//b").ok());
}

TEST(ValidateTopicTest, RejectsEveryOtherByteAnywhereInTheTopic) {
  int rejected = 0;
  for (int c = 0; c < 256; ++c) {
    if (IsAllowed(c)) continue;
    const char ch = static_cast<char>(c);
    for (const std::string& topic :
         {std::string(1, ch), "ab"s + ch, ch + "ab"s, "a"s + ch + "b"s}) {
      Status s = ValidateTopic(topic);
      ASSERT_FALSE(s.ok()) << "byte " << c;
      EXPECT_EQ(s.error(), Error::kTopicBadCharacter) << "byte " << c;
    }
    ++rejected;
  }
  // 256 bytes minus 26 + 26 + 10 + 7 allowed ones.
  EXPECT_EQ(rejected, 256 - 69);
}

TEST(ValidateTopicTest, RejectsNamedForbiddenCharacters) {
  for (std::string_view topic :
       {"a b", "a%20b", "a?b", "a#b", "a+b", "a;b", "a,b", "a=b", "a&b", "a\"b", "a\\b",
        "a<b", "a'b",   "a*b", "a!b", "a$b", "a(b", "a[b", "a{b", "a|b", "a^b",  "a`b"}) {
    Status s = ValidateTopic(topic);
    ASSERT_FALSE(s.ok()) << topic;
    EXPECT_EQ(s.error(), Error::kTopicBadCharacter) << topic;
  }
  for (const std::string& topic :
       {"a\0b"s, "a\tb"s, "a\rb"s, "a\nb"s, "a\x7f"s, "a\x1f"s, "caf\xc3\xa9"s, "\x80"s, "\xff"s}) {
    Status s = ValidateTopic(topic);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), Error::kTopicBadCharacter);
  }
}

TEST(ValidateTopicTest, Empty) {
  Status s = ValidateTopic("");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kTopicEmpty);
}

TEST(ValidateTopicTest, LengthLimitIs256Bytes) {
  EXPECT_TRUE(ValidateTopic(std::string(kMaxTopicBytes, 'a')).ok());
  EXPECT_TRUE(ValidateTopic(std::string(256, 'z')).ok());

  Status s = ValidateTopic(std::string(257, 'a'));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kTopicTooLong);
}

TEST(ValidateTopicTest, TooLongWinsOverBadCharacter) {
  // Length is checked first so an oversized topic is reported as such whatever it holds.
  Status s = ValidateTopic(std::string(300, ' '));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kTopicTooLong);
}

void ExpectDecodes(Result<std::string> r, const std::string& want) {
  ASSERT_TRUE(r.ok()) << Describe(r.error());
  EXPECT_EQ(r.value(), want);
}

void ExpectBadEncoding(Result<std::string> r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::kBadPercentEncoding);
}

TEST(PercentDecodeTest, PlainTextIsUnchanged) {
  ExpectDecodes(PercentDecode(""), "");
  ExpectDecodes(PercentDecode("news"), "news");
  ExpectDecodes(PercentDecode("a/b:c@d"), "a/b:c@d");
}

TEST(PercentDecodeTest, UpperAndLowerHex) {
  ExpectDecodes(PercentDecode("%41%42"), "AB");
  ExpectDecodes(PercentDecode("%6e%65%77%73"), "news");
  ExpectDecodes(PercentDecode("%6E%65%77%73"), "news");
  ExpectDecodes(PercentDecode("%c3%A9"), "\xc3\xa9");
  ExpectDecodes(PercentDecode("%ff"), "\xff");
}

TEST(PercentDecodeTest, EncodedSlashBecomesSlash) {
  ExpectDecodes(PercentDecode("a%2Fb"), "a/b");
  ExpectDecodes(PercentDecode("a%2fb"), "a/b");
}

TEST(PercentDecodeTest, PlusStaysPlus) {
  ExpectDecodes(PercentDecode("a+b"), "a+b");
  ExpectDecodes(PercentDecode("%2B"), "+");
}

TEST(PercentDecodeTest, DecodesOnlyOnce) {
  // "%2541" is "%41" after one decoding; decoding it again would be a security bug.
  ExpectDecodes(PercentDecode("%2541"), "%41");
}

TEST(PercentDecodeTest, MalformedEscapes) {
  ExpectBadEncoding(PercentDecode("%"));
  ExpectBadEncoding(PercentDecode("%2"));
  ExpectBadEncoding(PercentDecode("a%"));
  ExpectBadEncoding(PercentDecode("a%2"));
  ExpectBadEncoding(PercentDecode("%zz"));
  ExpectBadEncoding(PercentDecode("%2z"));
  ExpectBadEncoding(PercentDecode("%z2"));
  ExpectBadEncoding(PercentDecode("%%41"));
  ExpectBadEncoding(PercentDecode("%41%"));
  ExpectBadEncoding(PercentDecode("% 4"));
  ExpectBadEncoding(PercentDecode("%+4"));
}

TEST(PercentDecodeTest, NeverReadsPastTheEndOfTheView) {
  // The bytes after the view would complete the escape; they must not be looked at.
  const std::string buffer = "a%2F";
  ExpectBadEncoding(PercentDecode(std::string_view(buffer).substr(0, 3)));
  ExpectBadEncoding(FormDecode(std::string_view(buffer).substr(0, 3)));
  ExpectBadEncoding(PercentDecode(std::string_view(buffer).substr(0, 2)));
}

TEST(PercentDecodeTest, NulDecodesButIsNotATopic) {
  Result<std::string> r = PercentDecode("a%00b");
  ExpectDecodes(r, "a\0b"s);
  ASSERT_TRUE(r.ok());
  Status s = ValidateTopic(r.value());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kTopicBadCharacter);
}

TEST(FormDecodeTest, PlusBecomesSpace) {
  ExpectDecodes(FormDecode("a+b"), "a b");
  ExpectDecodes(FormDecode("+++"), "   ");
  ExpectDecodes(FormDecode("%20"), " ");
}

TEST(FormDecodeTest, EncodedPlusStaysPlus) {
  ExpectDecodes(FormDecode("a%2Bb"), "a+b");
  ExpectDecodes(FormDecode("%2b+"), "+ ");
}

TEST(FormDecodeTest, SameEscapesAsPercentDecode) {
  ExpectDecodes(FormDecode("chat%2Froom%3a1"), "chat/room:1");
  ExpectDecodes(FormDecode(""), "");
  ExpectBadEncoding(FormDecode("%"));
  ExpectBadEncoding(FormDecode("ab%2"));
  ExpectBadEncoding(FormDecode("%zz"));
}

TEST(NormalizeTest, SortsAndRemovesDuplicates) {
  TopicSet topics = {"b", "a", "c", "a", "b", "a"};
  Normalize(&topics);
  EXPECT_EQ(topics, (TopicSet{"a", "b", "c"}));
}

TEST(NormalizeTest, ByteOrder) {
  TopicSet topics = {"a", "B", "a/b", "a-b", "A"};
  Normalize(&topics);
  EXPECT_EQ(topics, (TopicSet{"A", "B", "a", "a-b", "a/b"}));
}

TEST(NormalizeTest, EmptyAndSingle) {
  TopicSet empty;
  Normalize(&empty);
  EXPECT_TRUE(empty.empty());
  TopicSet one = {"x"};
  Normalize(&one);
  EXPECT_EQ(one, (TopicSet{"x"}));
}

TEST(IntersectsTest, Basics) {
  const TopicSet abc = {"a", "b", "c"};
  const TopicSet c = {"c"};
  const TopicSet de = {"d", "e"};
  const TopicSet empty;
  EXPECT_TRUE(Intersects(abc, c));
  EXPECT_TRUE(Intersects(c, abc));
  EXPECT_TRUE(Intersects(abc, abc));
  EXPECT_FALSE(Intersects(abc, de));
  EXPECT_FALSE(Intersects(de, abc));
  EXPECT_FALSE(Intersects(abc, empty));
  EXPECT_FALSE(Intersects(empty, abc));
  EXPECT_FALSE(Intersects(empty, empty));
}

TEST(IntersectsTest, InterleavedSets) {
  const TopicSet odd = {"a", "c", "e", "g"};
  const TopicSet even = {"b", "d", "f", "h"};
  EXPECT_FALSE(Intersects(odd, even));
  const TopicSet late = {"b", "d", "f", "g"};
  EXPECT_TRUE(Intersects(odd, late));
  EXPECT_TRUE(Intersects(late, odd));
}

TEST(IntersectsTest, AgreesWithBruteForce) {
  // Every pair of subsets of a small alphabet: the merge must agree with the obvious
  // quadratic check.
  const TopicSet alphabet = {"a", "b", "c", "d", "e"};
  auto subset = [&](unsigned mask) {
    TopicSet out;
    for (size_t i = 0; i < alphabet.size(); ++i) {
      if (mask & (1u << i)) out.push_back(alphabet[i]);
    }
    return out;
  };
  for (unsigned m1 = 0; m1 < 32; ++m1) {
    for (unsigned m2 = 0; m2 < 32; ++m2) {
      EXPECT_EQ(Intersects(subset(m1), subset(m2)), (m1 & m2) != 0) << m1 << " " << m2;
    }
  }
}

}  // namespace
}  // namespace ssegw
