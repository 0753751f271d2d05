// Subscriber authorization in the routes, without a session: which token is read, the
// 401/403 answers and their www-authenticate values, public topics, and the stream's
// lifetime from the token's expiry.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/verifier.h"
#include "fake_environment.h"
#include "http/routes.h"
#include "testutil/jwt_signer.h"
#include "testutil/key_files.h"

namespace ssegw::http {
namespace {

using ssegw::testing::JwtSigner;

class AuthRoutesTest : public ::testing::Test {
 protected:
  AuthRoutesTest() : signer_(JwtSigner::Es256()) {
    const std::string key = files_.Write("dev.pub", signer_.KeyFileContents());
    auto loaded = auth::LoadVerifier(std::vector<std::string>{key}, auth::VerifierOptions{});
    EXPECT_TRUE(loaded.ok()) << loaded.error;
    env_.policy.verifier = *loaded.value;
    env_.policy.public_topics = auth::TopicGrant(
        {*auth::TopicPattern::Parse("news/*"), *auth::TopicPattern::Parse("clock")});
  }

  // A token valid for `ttl` seconds granting `subscribe`.
  std::string Token(const std::string& subscribe, int64_t ttl = 600) const {
    return signer_.Mint(R"({"exp":)" + std::to_string(env_.unix_now + ttl) +
                        R"(,"ssegw":{"subscribe":[)" + subscribe + "]}}");
  }

  Reply Get(const std::string& path,
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    RequestHead head;
    head.method = "GET";
    head.path = path;
    for (const auto& [name, value] : headers) {
      (void)AddHeader(&head, name, value, SessionOptions{}.header_limits());
    }
    return RouteRequest(head, options_, env_);
  }

  static std::string Challenge(const Reply& reply) {
    for (const Header& h : reply.headers) {
      if (h.name == "www-authenticate") return h.value;
    }
    return "";
  }

  ssegw::testing::KeyFiles files_;
  JwtSigner signer_;
  testing::FakeEnvironment env_;
  SessionOptions options_;
};

TEST_F(AuthRoutesTest, NoTokenIs401WithTheRealm) {
  const Reply reply = Get("/events/orders/42");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(Challenge(reply), R"(Bearer realm="sse-gateway")");
  EXPECT_EQ(reply.kind, Reply::Kind::kFixed);
}

TEST_F(AuthRoutesTest, BadTokensAre401InvalidTokenAndTheBodyDoesNotSayWhy) {
  const std::string expired = Token(R"("orders/42")", -1);
  const std::string other_key =
      JwtSigner::Es256().Mint(R"({"exp":)" + std::to_string(env_.unix_now + 60) +
                              R"(,"ssegw":{"subscribe":["orders/42"]}})");
  std::string bodies;
  for (const std::string& token : {std::string("not.a.token"), expired, other_key, std::string()}) {
    const Reply reply = Get("/events/orders/42", {{"authorization", "Bearer " + token}});
    EXPECT_EQ(reply.status, 401) << token;
    EXPECT_EQ(Challenge(reply), R"(Bearer error="invalid_token")") << token;
    bodies += reply.body;
  }
  EXPECT_EQ(bodies, "unauthorized\nunauthorized\nunauthorized\nunauthorized\n");
}

TEST_F(AuthRoutesTest, AValidTokenForOtherTopicsIs403InsufficientScope) {
  const Reply reply = Get("/events?topic=orders/42&topic=orders/43",
                          {{"authorization", "Bearer " + Token(R"("orders/42")")}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(Challenge(reply), R"(Bearer error="insufficient_scope")");
}

TEST_F(AuthRoutesTest, HeaderThenCookieThenNothingElseUnlessEnabled) {
  const std::string good = Token(R"("user/alice/**")");
  // The header wins over the cookie, whatever the cookie holds.
  EXPECT_EQ(Get("/events/user/alice/inbox",
                {{"authorization", "Bearer " + good}, {"cookie", "ssegw_token=junk"}})
                .status,
            200);
  EXPECT_EQ(Get("/events/user/alice/inbox", {{"cookie", "a=1; ssegw_token=" + good}}).status, 200);
  // HTTP/2 may split cookies over several fields.
  EXPECT_EQ(Get("/events/user/alice/inbox", {{"cookie", "a=1"}, {"cookie", "ssegw_token=" + good}})
                .status,
            200);
  // A query parameter is no token while it is off.
  EXPECT_EQ(Get("/events/user/alice/inbox?access_token=" + good).status, 401);
  env_.policy.query_param = "access_token";
  EXPECT_EQ(Get("/events/user/alice/inbox?access_token=" + good).status, 200);
  // Another cookie name.
  env_.policy.cookie = "session";
  EXPECT_EQ(Get("/events/user/alice/inbox", {{"cookie", "session=" + good}}).status, 200);
}

TEST_F(AuthRoutesTest, PublicTopicsNeedNoTokenAndIgnoreABadOne) {
  EXPECT_EQ(Get("/events/news/today").status, 200);
  EXPECT_EQ(Get("/events/clock", {{"cookie", "ssegw_token=expired.or.junk"}}).status, 200);
  // "*" is one segment only.
  EXPECT_EQ(Get("/events/news/today/late").status, 401);
  // Public and private together: the token must grant the private ones.
  EXPECT_EQ(Get("/events?topic=clock&topic=orders/1").status, 401);
  EXPECT_EQ(Get("/events?topic=clock&topic=orders/1",
                {{"authorization", "Bearer " + Token(R"("orders/*")")}})
                .status,
            200);
}

TEST_F(AuthRoutesTest, TheStreamLivesUntilTheTokenExpires) {
  const Reply reply =
      Get("/events/orders/42", {{"authorization", "Bearer " + Token(R"("orders/42")", 90)}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.kind, Reply::Kind::kEventStream);
  EXPECT_EQ(reply.lifetime_ms, 90'000u);
  // A public stream has no token to outlive.
  EXPECT_EQ(Get("/events/clock").lifetime_ms, 0u);
}

TEST_F(AuthRoutesTest, WithoutKeysEveryTopicIsPublic) {
  env_.policy.verifier = nullptr;
  EXPECT_EQ(Get("/events/orders/42").status, 200);
}

TEST_F(AuthRoutesTest, PreflightAllowsTheAuthorizationAndLastEventIdHeaders) {
  options_.allowed_origins = {"https://app.example"};
  RequestHead head;
  head.method = "OPTIONS";
  head.path = "/events/orders/42";
  head.origin = "https://app.example";
  const Reply reply = RouteRequest(head, options_, env_);
  EXPECT_EQ(reply.status, 204);
  std::string allowed;
  for (const Header& h : reply.headers) {
    if (h.name == "access-control-allow-headers") allowed = h.value;
  }
  EXPECT_NE(allowed.find("authorization"), std::string::npos) << allowed;
  EXPECT_NE(allowed.find("last-event-id"), std::string::npos) << allowed;
}

}  // namespace
}  // namespace ssegw::http
