#include "auth/base64url.h"

#include <gtest/gtest.h>

#include <string>

#include "testutil/jwt_signer.h"

namespace ssegw::auth {
namespace {

using namespace std::string_literals;
using testing::Base64UrlEncode;

TEST(Base64UrlTest, DecodesRfc4648Vectors) {
  // RFC 4648 §10, without padding.
  EXPECT_EQ(Base64UrlDecode(""), "");
  EXPECT_EQ(Base64UrlDecode("Zg"), "f");
  EXPECT_EQ(Base64UrlDecode("Zm8"), "fo");
  EXPECT_EQ(Base64UrlDecode("Zm9v"), "foo");
  EXPECT_EQ(Base64UrlDecode("Zm9vYg"), "foob");
  EXPECT_EQ(Base64UrlDecode("Zm9vYmE"), "fooba");
  EXPECT_EQ(Base64UrlDecode("Zm9vYmFy"), "foobar");
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  EXPECT_EQ(Base64UrlDecode("-_8"), "\xfb\xff"s);
  EXPECT_FALSE(Base64UrlDecode("+/8").has_value());
}

TEST(Base64UrlTest, RoundTripsEveryByteAtEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>((i * 151 + 7) & 0xFF));
    const std::string text = Base64UrlEncode(bytes);
    ASSERT_EQ(Base64UrlDecode(text), bytes) << "length " << bytes.size();
  }
}

TEST(Base64UrlTest, RefusesPadding) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm8=").has_value());
  EXPECT_FALSE(Base64UrlDecode("=").has_value());
}

TEST(Base64UrlTest, RefusesCharactersOutsideTheAlphabet) {
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool in_alphabet = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                             (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    const std::string text = "Zm9v"s + ch + "mFy";  // the odd byte in the middle
    EXPECT_EQ(Base64UrlDecode(text).has_value(), in_alphabet) << "byte " << c;
  }
  EXPECT_FALSE(Base64UrlDecode("Zm9v\nYmFy").has_value());
  EXPECT_FALSE(Base64UrlDecode(" Zm9v").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9v\0"s).has_value());
}

TEST(Base64UrlTest, RefusesALengthThatLeavesOneCharacterOver) {
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());
}

TEST(Base64UrlTest, RefusesNonCanonicalTrailingBits) {
  // "Zg" is "f"; "Zh" carries the same byte with a non-zero unused bit.
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9").has_value());  // "fo" is "Zm8"
  EXPECT_TRUE(Base64UrlDecode("Zm8").has_value());
}

}  // namespace
}  // namespace ssegw::auth
