// Subscriber authorization against the real gateway over TLS, HTTP/2 and HTTP/1.1: the
// 401/403 answers and their challenges, where the token is read, public topics, and a
// stream that ends cleanly when its token expires and resumes, with a fresh token and
// its Last-Event-ID, losing nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "e2e_support.h"
#include "testutil/jwt_signer.h"
#include "testutil/key_files.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;

class AuthTest : public GatewayTest {
 protected:
  AuthTest() : signer_(JwtSigner::Es256()) {}

  void StartWithAuth(std::vector<std::string> extra = {}) {
    const std::string key = files_.Write("subscribers.pub", signer_.KeyFileContents());
    std::vector<std::string> args = {"--auth-key", key, "--public-topic", "news/*"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_NO_FATAL_FAILURE(StartGateway(args));
  }

  std::string Token(const std::string& grants, int64_t ttl = 600) const {
    return signer_.Mint(R"({"exp":)" + std::to_string(time(nullptr) + ttl) +
                        R"(,"ssegw":{"subscribe":[)" + grants + "]}}");
  }

  // The status and www-authenticate of GET `path` over HTTP/2 with `headers`.
  std::pair<int, std::string> H2Status(const std::string& path, const Headers& headers = {}) {
    auto client = Connect();
    if (!client) return {0, ""};
    // Headers only: a 200 is an event stream, which never ends by itself.
    const StreamState* s = client->stream(client->Get(path, headers));
    if (s == nullptr ||
        !client->RunUntil([&] { return s->headers_received || s->closed; }, kWait)) {
      return {0, ""};
    }
    std::string challenge;
    if (auto it = s->headers.find("www-authenticate"); it != s->headers.end())
      challenge = it->second;
    return {s->status, challenge};
  }

  std::pair<int, std::string> H1Status(const std::string& path, const std::string& lines = "") {
    auto client = ConnectH1();
    if (!client || !client->Get(path, lines)) return {0, ""};
    const H1Response* r = client->WaitForHeaders(0);
    if (r == nullptr) return {0, ""};
    return {r->status, r->Header("www-authenticate").value_or("")};
  }

  KeyFiles files_;
  JwtSigner signer_;
};

const std::string kRealm = R"(Bearer realm="sse-gateway")";
const std::string kInvalid = R"(Bearer error="invalid_token")";
const std::string kScope = R"(Bearer error="insufficient_scope")";

TEST_F(AuthTest, EachAnswerAndChallengeOverHttp2AndHttp11) {
  ASSERT_NO_FATAL_FAILURE(StartWithAuth());
  const std::string good = Token(R"("orders/42")");
  const std::string expired = Token(R"("orders/42")", -10);
  EXPECT_EQ(H2Status("/events/orders/42"), std::make_pair(401, kRealm));
  EXPECT_EQ(H2Status("/events/orders/42", {{"authorization", "Bearer " + expired}}),
            std::make_pair(401, kInvalid));
  EXPECT_EQ(H2Status("/events/orders/42", {{"authorization", "Bearer junk"}}),
            std::make_pair(401, kInvalid));
  EXPECT_EQ(H2Status("/events/orders/43", {{"authorization", "Bearer " + good}}),
            std::make_pair(403, kScope));
  EXPECT_EQ(H2Status("/events/orders/42", {{"authorization", "Bearer " + good}}).first, 200);
  EXPECT_EQ(H2Status("/events/news/today").first, 200);

  EXPECT_EQ(H1Status("/events/orders/42"), std::make_pair(401, kRealm));
  EXPECT_EQ(H1Status("/events/orders/42", "Authorization: Bearer " + expired + "\r\n"),
            std::make_pair(401, kInvalid));
  EXPECT_EQ(H1Status("/events/orders/43", "Authorization: Bearer " + good + "\r\n"),
            std::make_pair(403, kScope));
  EXPECT_EQ(H1Status("/events/orders/42", "Authorization: Bearer " + good + "\r\n").first, 200);
  EXPECT_EQ(H1Status("/events/news/today").first, 200);
}

TEST_F(AuthTest, TokenFromHeaderCookieOrTheEnabledQueryParameter) {
  ASSERT_NO_FATAL_FAILURE(StartWithAuth({"--auth-query-param", "access_token"}));
  const std::string good = Token(R"("user/alice/**")");
  EXPECT_EQ(H2Status("/events/user/alice/inbox", {{"cookie", "x=1; ssegw_token=" + good}}).first,
            200);
  EXPECT_EQ(H1Status("/events/user/alice/inbox", "Cookie: ssegw_token=" + good + "\r\n").first,
            200);
  EXPECT_EQ(H2Status("/events/user/alice/inbox?access_token=" + good).first, 200);
  EXPECT_EQ(H2Status("/events/user/bob/inbox?access_token=" + good).first, 403);
  // The header comes first: a bad header is not rescued by a good cookie.
  EXPECT_EQ(H2Status("/events/user/alice/inbox",
                     {{"authorization", "Bearer junk"}, {"cookie", "ssegw_token=" + good}}),
            std::make_pair(401, kInvalid));
}

TEST_F(AuthTest, QueryParameterIsNoTokenByDefault) {
  ASSERT_NO_FATAL_FAILURE(StartWithAuth());
  const std::string good = Token(R"("user/alice/**")");
  EXPECT_EQ(H2Status("/events/user/alice/inbox?access_token=" + good), std::make_pair(401, kRealm));
}

TEST_F(AuthTest, StreamEndsCleanlyAtExpiryAndAFreshTokenResumesWithoutLoss) {
  ASSERT_NO_FATAL_FAILURE(StartWithAuth());
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  // Published before the request and replayed with its response, so that how fast the
  // machine delivers has nothing to race against the token's few seconds. exp is in
  // whole seconds: three leave the request at least two to be read in.
  PublishOk(*publisher,
            MakeRequest(1, {MakeEvent({"acct/1"}, "zero", "a0"), MakeEvent({"acct/1"}, "one", "a1"),
                            MakeEvent({"acct/1"}, "two", "a2")}));
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = client->stream(client->Get(
      "/events/acct/1",
      {{"authorization", "Bearer " + Token(R"("acct/1")", 3)}, {"last-event-id", "a0"}}));
  ASSERT_TRUE(client->RunUntil([&] { return s->headers_received; }, kWait));
  ASSERT_EQ(s->status, 200);
  ASSERT_TRUE(WaitForEvents(*client, s, 2));
  // The token runs out: END_STREAM after what was queued, no reset.
  ASSERT_TRUE(client->RunUntil([&] { return s->closed; }, kWait));
  EXPECT_TRUE(s->end_stream_received);
  EXPECT_FALSE(s->rst_received);
  EXPECT_THAT(Ids(s->events), ElementsAre("a1", "a2"));

  // Published while the browser was between connections.
  PublishOk(*publisher, MakeRequest(2, {MakeEvent({"acct/1"}, "three", "a3"),
                                        MakeEvent({"acct/1"}, "four", "a4")}));
  StreamState* again = client->stream(
      client->Get("/events/acct/1", {{"cookie", "ssegw_token=" + Token(R"("acct/*")")},
                                     {"last-event-id", s->events.back().last_event_id}}));
  ASSERT_TRUE(WaitForEvents(*client, again, 2));
  EXPECT_THAT(Ids(again->events), ElementsAre("a3", "a4"));
}

TEST_F(AuthTest, ExpiryOverHttp11EndsWithTheLastChunk) {
  ASSERT_NO_FATAL_FAILURE(StartWithAuth());
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  // exp is in whole seconds: a one-second token minted late in a second would run out
  // before the request is read. Three leave it at least two, also under sanitizers.
  ASSERT_TRUE(
      h1->Get("/events/acct/2", "Authorization: Bearer " + Token(R"("acct/2")", 3) + "\r\n"));
  const H1Response* r = h1->WaitForComplete(0, kWait);
  ASSERT_TRUE(r) << h1->raw();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->chunked);
}

TEST_F(AuthTest, PreflightAllowsAuthorizationAndLastEventId) {
  ASSERT_NO_FATAL_FAILURE(StartWithAuth({"--allow-origin", "https://app.example"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  const StreamState* s =
      client->Fetch("OPTIONS", "/events/orders/42",
                    {{"origin", "https://app.example"},
                     {"access-control-request-method", "GET"},
                     {"access-control-request-headers", "authorization, last-event-id"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 204);
  auto it = s->headers.find("access-control-allow-headers");
  ASSERT_NE(it, s->headers.end());
  EXPECT_THAT(it->second, ::testing::HasSubstr("authorization"));
  EXPECT_THAT(it->second, ::testing::HasSubstr("last-event-id"));
}

TEST_F(AuthTest, BadKeyFileIsAStartupErrorThatNamesIt) {
  const std::string bad = files_.Write("broken.pub", "-----BEGIN PUBLIC KEY-----\nnope\n");
  std::string error;
  const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  ASSERT_TRUE(cert) << error;
  GatewayProcess gateway(GatewayConfig{
      .binary = SSEGW_GATEWAY_BIN, .certificate = *cert, .extra_args = {"--auth-key", bad}});
  EXPECT_FALSE(gateway.Start(&error));
  ASSERT_TRUE(gateway.exit_status().has_value());
  EXPECT_EQ(WEXITSTATUS(*gateway.exit_status()), 1);
  EXPECT_THAT(gateway.Stderr(), ::testing::HasSubstr("broken.pub"));
}

}  // namespace
}  // namespace ssegw::testing
