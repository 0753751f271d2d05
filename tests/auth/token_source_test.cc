#include "auth/token_source.h"

#include <gtest/gtest.h>

namespace ssegw::auth {
namespace {

TEST(BearerTokenTest, ReadsTheToken) {
  EXPECT_EQ(BearerToken("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(BearerToken("bearer abc"), "abc");
  EXPECT_EQ(BearerToken("BEARER abc"), "abc");
  EXPECT_EQ(BearerToken("  Bearer    abc  "), "abc");
}

TEST(BearerTokenTest, OtherSchemesAreNoBearerToken) {
  EXPECT_EQ(BearerToken("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(BearerToken("Bearerabc"), std::nullopt);
  EXPECT_EQ(BearerToken("Bear abc"), std::nullopt);
  EXPECT_EQ(BearerToken(""), std::nullopt);
  EXPECT_EQ(BearerToken("abc.def.ghi"), std::nullopt);
}

TEST(BearerTokenTest, AnEmptyBearerTokenIsPresentButEmpty) {
  EXPECT_EQ(BearerToken("Bearer"), "");
  EXPECT_EQ(BearerToken("Bearer   "), "");
}

TEST(CookieValueTest, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("ssegw_token=abc", "ssegw_token"), "abc");
  EXPECT_EQ(CookieValue("a=1; ssegw_token=abc; b=2", "ssegw_token"), "abc");
  EXPECT_EQ(CookieValue("a=1;ssegw_token=abc", "ssegw_token"), "abc");
  EXPECT_EQ(CookieValue("ssegw_token=\"abc\"", "ssegw_token"), "abc");
  EXPECT_EQ(CookieValue("ssegw_token=", "ssegw_token"), "");
  // The first of two wins (browsers send the most specific path first).
  EXPECT_EQ(CookieValue("ssegw_token=first; ssegw_token=second", "ssegw_token"), "first");
}

TEST(CookieValueTest, NamesMatchExactly) {
  EXPECT_EQ(CookieValue("x_ssegw_token=abc", "ssegw_token"), std::nullopt);
  EXPECT_EQ(CookieValue("ssegw_token_x=abc", "ssegw_token"), std::nullopt);
  EXPECT_EQ(CookieValue("SSEGW_TOKEN=abc", "ssegw_token"), std::nullopt);
  EXPECT_EQ(CookieValue("a=ssegw_token=abc", "ssegw_token"), std::nullopt);
  EXPECT_EQ(CookieValue("ssegw_token", "ssegw_token"), std::nullopt);
  EXPECT_EQ(CookieValue("", "ssegw_token"), std::nullopt);
  EXPECT_EQ(CookieValue(";;;", "ssegw_token"), std::nullopt);
}

}  // namespace
}  // namespace ssegw::auth
