#include "auth/compact_jws.h"

#include <gtest/gtest.h>

#include <string>

#include "testutil/auth_printers.h"
#include "testutil/jwt_signer.h"

namespace ssegw::auth {
namespace {

using testing::Base64UrlEncode;

InvalidReason ReasonOf(std::string_view token) {
  const auto result = ParseCompactJws(token);
  EXPECT_TRUE(std::holds_alternative<InvalidReason>(result)) << "parsed: " << token;
  const auto* reason = std::get_if<InvalidReason>(&result);
  return reason ? *reason : InvalidReason::kBadPayload;
}

std::string Token(std::string_view header, std::string_view payload = "{}",
                  std::string_view signature = "sig") {
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + "." +
         Base64UrlEncode(signature);
}

TEST(CompactJwsTest, SplitsAndDecodes) {
  const std::string token = Token(R"({"alg":"ES256","kid":"k1","typ":"JWT"})", R"({"exp":1})");
  const auto result = ParseCompactJws(token);
  ASSERT_TRUE(std::holds_alternative<CompactJws>(result));
  const CompactJws& jws = std::get<CompactJws>(result);
  EXPECT_EQ(jws.alg, "ES256");
  EXPECT_EQ(jws.kid, "k1");
  EXPECT_EQ(jws.signature, "sig");
  EXPECT_EQ(jws.signing_input, token.substr(0, token.rfind('.')));
  EXPECT_EQ(jws.payload, Base64UrlEncode(R"({"exp":1})"));
}

TEST(CompactJwsTest, KidIsOptional) {
  const auto result = ParseCompactJws(Token(R"({"alg":"HS256"})"));
  ASSERT_TRUE(std::holds_alternative<CompactJws>(result));
  EXPECT_FALSE(std::get<CompactJws>(result).kid.has_value());
}

TEST(CompactJwsTest, NeedsThreePartsWithHeaderAndPayload) {
  const std::string h = Base64UrlEncode(R"({"alg":"ES256"})");
  for (const std::string& bad :
       {std::string(), std::string("abc"), h, h + ".e30", h + ".e30.c2ln.c2ln",
        "." + std::string("e30.c2ln"), h + "..c2ln", std::string("..")}) {
    EXPECT_EQ(ReasonOf(bad), InvalidReason::kNotCompactJws) << bad;
  }
  // An empty signature part is well-formed here (alg "none" makes one); the verifier
  // refuses it by algorithm.
  EXPECT_TRUE(std::holds_alternative<CompactJws>(ParseCompactJws(h + ".e30.")));
}

TEST(CompactJwsTest, RefusesBadBase64InHeaderOrSignature) {
  const std::string h = Base64UrlEncode(R"({"alg":"ES256"})");
  EXPECT_EQ(ReasonOf(h + "=.e30.c2ln"), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf("eyJ+.e30.c2ln"), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf(h + ".e30.c2ln="), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf(h + ".e30.c2l/"), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf(h + ".e30.c2l n"), InvalidReason::kBadBase64);
}

TEST(CompactJwsTest, RefusesBadHeaders) {
  for (const char* bad : {"null", "[]", "{", R"({"alg":1})", R"({"typ":"JWT"})", R"({"alg":null})",
                          R"({"alg":"ES256","kid":7})", "\xff"}) {
    EXPECT_EQ(ReasonOf(Token(bad)), InvalidReason::kBadHeader) << bad;
  }
  EXPECT_EQ(ReasonOf(Token(R"({"alg":"ES256","crit":["b64"],"b64":false})")),
            InvalidReason::kCriticalHeader);
}

TEST(CompactJwsTest, SizeIsBoundedBeforeParsing) {
  // Not even three parts: refused for its size, so nothing was looked at.
  EXPECT_EQ(ReasonOf(std::string(kMaxTokenBytes + 1, 'A')), InvalidReason::kTooLarge);
  EXPECT_EQ(ReasonOf(std::string(10 * 1024 * 1024, '.')), InvalidReason::kTooLarge);

  // Exactly at the bound is parsed.
  std::string token = Token(R"({"alg":"ES256"})", "{}", "");
  token.insert(token.find('.') + 1, std::string(kMaxTokenBytes - token.size(), 'A'));
  ASSERT_EQ(token.size(), kMaxTokenBytes);
  EXPECT_TRUE(std::holds_alternative<CompactJws>(ParseCompactJws(token)));
}

}  // namespace
}  // namespace ssegw::auth
