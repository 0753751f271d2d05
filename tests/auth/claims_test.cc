#include "auth/claims.h"

#include <gtest/gtest.h>

#include <string>

#include "testutil/auth_printers.h"

namespace ssegw::auth {
namespace {

constexpr int64_t kNow = 1'750'000'000;

std::string Time(int64_t t) {
  return std::to_string(t);
}

std::variant<Claims, InvalidReason> Check(const std::string& json, const ClaimRules& rules = {}) {
  return CheckClaims(json, rules, kNow);
}

InvalidReason ReasonOf(const std::variant<Claims, InvalidReason>& result) {
  EXPECT_TRUE(std::holds_alternative<InvalidReason>(result)) << "claims were accepted";
  const auto* reason = std::get_if<InvalidReason>(&result);
  return reason ? *reason : InvalidReason::kBadPayload;
}

bool Accepted(const std::variant<Claims, InvalidReason>& result) {
  return std::holds_alternative<Claims>(result);
}

std::string WithExp(int64_t exp, const std::string& more = "") {
  return R"({"exp":)" + Time(exp) + more + "}";
}

TEST(ClaimsTest, ExpIsRequiredAndNumeric) {
  EXPECT_EQ(ReasonOf(Check("{}")), InvalidReason::kMissingExpiry);
  EXPECT_EQ(ReasonOf(Check(R"({"nbf":1})")), InvalidReason::kMissingExpiry);
  for (const char* bad : {R"("1900000000")", "null", "true", "[1900000000]", "{}"}) {
    EXPECT_EQ(ReasonOf(Check(std::string(R"({"exp":)") + bad + "}")), InvalidReason::kBadTimeClaim)
        << bad;
  }
}

TEST(ClaimsTest, ValidUntilExpWithoutLeeway) {
  const auto ok = Check(WithExp(kNow + 1));
  ASSERT_TRUE(Accepted(ok));
  EXPECT_EQ(std::get<Claims>(ok).expires_at, kNow + 1);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow))), InvalidReason::kExpired);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow - 1))), InvalidReason::kExpired);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow - 61))), InvalidReason::kExpired);
}

TEST(ClaimsTest, FractionalTimesRoundTowardRefusal) {
  // exp rounds down: 0.5 s left is not a second left.
  EXPECT_EQ(ReasonOf(Check(R"({"exp":)" + Time(kNow) + ".5}")), InvalidReason::kExpired);
  const auto ok = Check(R"({"exp":)" + Time(kNow + 1) + ".9}");
  ASSERT_TRUE(Accepted(ok));
  EXPECT_EQ(std::get<Claims>(ok).expires_at, kNow + 1);
  // nbf rounds up.
  EXPECT_TRUE(Accepted(Check(WithExp(kNow + 100, R"(,"nbf":)" + Time(kNow + 59) + ".5"))));
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 100, R"(,"nbf":)" + Time(kNow + 60) + ".5"))),
            InvalidReason::kNotYetValid);
  EXPECT_TRUE(Accepted(Check(R"({"exp":1e10})")));
}

TEST(ClaimsTest, NbfHasSixtySecondsLeeway) {
  const int64_t exp = kNow + 3600;
  EXPECT_TRUE(Accepted(Check(WithExp(exp, R"(,"nbf":)" + Time(kNow)))));
  EXPECT_TRUE(Accepted(Check(WithExp(exp, R"(,"nbf":)" + Time(kNow + 60)))));
  EXPECT_EQ(ReasonOf(Check(WithExp(exp, R"(,"nbf":)" + Time(kNow + 61)))),
            InvalidReason::kNotYetValid);
  EXPECT_EQ(ReasonOf(Check(WithExp(exp, R"(,"nbf":"soon")"))), InvalidReason::kBadTimeClaim);
}

TEST(ClaimsTest, IatInTheFutureBeyondLeewayIsRefused) {
  const int64_t exp = kNow + 3600;
  EXPECT_TRUE(Accepted(Check(WithExp(exp, R"(,"iat":)" + Time(kNow - 1000)))));
  EXPECT_TRUE(Accepted(Check(WithExp(exp, R"(,"iat":)" + Time(kNow + 60)))));
  EXPECT_EQ(ReasonOf(Check(WithExp(exp, R"(,"iat":)" + Time(kNow + 61)))),
            InvalidReason::kIssuedInFuture);
  EXPECT_EQ(ReasonOf(Check(WithExp(exp, R"(,"iat":null)"))), InvalidReason::kBadTimeClaim);
}

TEST(ClaimsTest, OutOfRangeTimesAreRefused) {
  EXPECT_EQ(ReasonOf(Check(R"({"exp":18446744073709551615})")), InvalidReason::kBadTimeClaim);
  EXPECT_EQ(ReasonOf(Check(R"({"exp":1e300})")), InvalidReason::kBadTimeClaim);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"nbf":-1e300)"))), InvalidReason::kBadTimeClaim);
  EXPECT_EQ(ReasonOf(Check(R"({"exp":-9223372036854775808})")), InvalidReason::kBadTimeClaim);
}

TEST(ClaimsTest, PayloadMustBeAJsonObject) {
  for (const char* bad : {"", "[]", "1", "\"x\"", "{", R"({"exp":1,})", "{'exp':1}",
                          "{\"exp\":1}garbage", "{\"a\":\"\xff\"}"}) {
    EXPECT_EQ(ReasonOf(Check(bad)), InvalidReason::kBadPayload) << bad;
  }
}

TEST(ClaimsTest, DuplicateNamesTakeTheLastOne) {
  EXPECT_TRUE(Accepted(Check(R"({"exp":1,"exp":)" + Time(kNow + 10) + "}")));
  EXPECT_EQ(ReasonOf(Check(R"({"exp":)" + Time(kNow + 10) + R"(,"exp":1})")),
            InvalidReason::kExpired);
}

TEST(ClaimsTest, AudienceCheckedOnlyWhenConfigured) {
  const ClaimRules rules{.audience = "sse", .issuer = std::nullopt};
  EXPECT_TRUE(Accepted(Check(WithExp(kNow + 10, R"(,"aud":"sse")"), rules)));
  EXPECT_TRUE(Accepted(Check(WithExp(kNow + 10, R"(,"aud":["api","sse"])"), rules)));
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"aud":"api")"), rules)),
            InvalidReason::kWrongAudience);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"aud":["api"])"), rules)),
            InvalidReason::kWrongAudience);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"aud":"SSE")"), rules)),
            InvalidReason::kWrongAudience);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10), rules)), InvalidReason::kWrongAudience);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"aud":{"sse":1})"), rules)),
            InvalidReason::kWrongAudience);
  EXPECT_TRUE(Accepted(Check(WithExp(kNow + 10, R"(,"aud":"api")"))));
}

TEST(ClaimsTest, IssuerCheckedOnlyWhenConfigured) {
  const ClaimRules rules{.audience = std::nullopt, .issuer = "https://auth.example"};
  EXPECT_TRUE(Accepted(Check(WithExp(kNow + 10, R"(,"iss":"https://auth.example")"), rules)));
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"iss":"https://evil.example")"), rules)),
            InvalidReason::kWrongIssuer);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, R"(,"iss":["https://auth.example"])"), rules)),
            InvalidReason::kWrongIssuer);
  EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10), rules)), InvalidReason::kWrongIssuer);
  EXPECT_TRUE(Accepted(Check(WithExp(kNow + 10, R"(,"iss":"anyone")"))));
}

TEST(ClaimsTest, ReadsTheGrant) {
  const auto result = Check(WithExp(
      kNow + 10,
      R"(,"ssegw":{"subscribe":["orders/42","news/*"],"publish":["user/alice/**"],"x":1})"));
  ASSERT_TRUE(Accepted(result));
  const Claims& claims = std::get<Claims>(result);
  EXPECT_TRUE(claims.CanSubscribe("orders/42"));
  EXPECT_TRUE(claims.CanSubscribe("news/a"));
  EXPECT_FALSE(claims.CanSubscribe("user/alice/x"));
  EXPECT_TRUE(claims.CanPublish("user/alice/x"));
  EXPECT_FALSE(claims.CanPublish("orders/42"));
  ASSERT_EQ(claims.subscribe.patterns().size(), 2u);
  EXPECT_EQ(claims.subscribe.patterns()[1].text(), "news/*");
}

TEST(ClaimsTest, MissingGrantGrantsNothing) {
  for (const char* more : {"", R"(,"ssegw":{})", R"(,"ssegw":{"subscribe":[]})"}) {
    const auto result = Check(WithExp(kNow + 10, more));
    ASSERT_TRUE(Accepted(result)) << more;
    EXPECT_TRUE(std::get<Claims>(result).subscribe.empty());
    EXPECT_TRUE(std::get<Claims>(result).publish.empty());
  }
}

TEST(ClaimsTest, MalformedGrantIsInvalid) {
  for (const char* bad :
       {R"(,"ssegw":["news"])", R"(,"ssegw":"news")", R"(,"ssegw":{"subscribe":"news"})",
        R"(,"ssegw":{"subscribe":[1]})", R"(,"ssegw":{"publish":[null]})"}) {
    EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, bad))), InvalidReason::kBadGrant) << bad;
  }
  for (const char* bad :
       {R"(,"ssegw":{"subscribe":["news/**/x"]})", R"(,"ssegw":{"subscribe":["ok","a*b"]})",
        R"(,"ssegw":{"publish":[""]})", R"(,"ssegw":{"publish":["a b"]})"}) {
    EXPECT_EQ(ReasonOf(Check(WithExp(kNow + 10, bad))), InvalidReason::kBadPattern) << bad;
  }
}

}  // namespace
}  // namespace ssegw::auth
