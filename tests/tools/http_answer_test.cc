#include "http_answer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUrl[] = "https://gw:8443/publish";

HttpAnswer ProtobufAnswer(long status, const v1::PublishReply& reply,
                          std::string type = "application/x-protobuf") {
  return {.status = status, .content_type = std::move(type), .body = reply.SerializeAsString()};
}

TEST(HttpAnswerTest, AcceptedWithIdsAndDuplicates) {
  v1::PublishReply reply;
  reply.set_seq(3);
  reply.add_ids("a");
  reply.add_ids("b");
  reply.set_duplicates(1);
  const PublishOutcome outcome = OutcomeOf(ProtobufAnswer(200, reply), kUrl);
  EXPECT_TRUE(outcome.accepted);
  EXPECT_EQ(outcome.status, 0);
  EXPECT_THAT(outcome.ids, ElementsAre("a", "b"));
  EXPECT_EQ(outcome.duplicates, 1u);
  // The media type's case and parameters do not matter.
  EXPECT_TRUE(OutcomeOf(ProtobufAnswer(200, reply, "Application/X-Protobuf; charset=binary"), kUrl)
                  .accepted);
}

TEST(HttpAnswerTest, ARejectionCarriesTheGatewaysReason) {
  v1::PublishReply reply;
  reply.set_status(v1::STATUS_INVALID_ARGUMENT);
  reply.set_error("event 0: topic may hold only ...");
  const PublishOutcome invalid = OutcomeOf(ProtobufAnswer(400, reply), kUrl);
  EXPECT_FALSE(invalid.accepted);
  EXPECT_EQ(invalid.status, v1::STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(invalid.error, "event 0: topic may hold only ...");

  reply.set_status(v1::STATUS_OVERLOADED);
  reply.set_error("overloaded");
  HttpAnswer busy = ProtobufAnswer(503, reply);
  busy.retry_after = "1";
  const PublishOutcome overloaded = OutcomeOf(busy, kUrl);
  EXPECT_FALSE(overloaded.accepted);
  EXPECT_EQ(overloaded.error, "overloaded (the gateway asks to retry after 1 s)");
}

TEST(HttpAnswerTest, TokenRefusalsSayWhatWasWrongWithTheToken) {
  const PublishOutcome invalid = OutcomeOf({.status = 401,
                                            .content_type = "text/plain",
                                            .www_authenticate = R"(Bearer error="invalid_token")",
                                            .body = "unauthorized\n"},
                                           kUrl);
  EXPECT_FALSE(invalid.accepted);
  EXPECT_EQ(invalid.status, 401);
  EXPECT_THAT(invalid.error, HasSubstr("401 unauthorized: the gateway refused the token"));
  const PublishOutcome none = OutcomeOf(
      {.status = 401, .www_authenticate = R"(Bearer realm="sse-gateway")", .body = ""}, kUrl);
  EXPECT_EQ(none.error, "401 unauthorized: the gateway found no token in the request");
  const PublishOutcome forbidden =
      OutcomeOf({.status = 403, .www_authenticate = R"(Bearer error="insufficient_scope")"}, kUrl);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_THAT(forbidden.error, HasSubstr("403 forbidden: the token does not grant publishing"));
}

TEST(HttpAnswerTest, OtherStatusesQuoteTheFirstLineOfATextBody) {
  const PublishOutcome missing =
      OutcomeOf({.status = 404,
                 .content_type = "text/plain",
                 .body = "not found: publishing over HTTP needs --auth-key\n"},
                kUrl);
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.error, HasSubstr("404 at https://gw:8443/publish: not found: publishing "
                                       "over HTTP needs --auth-key (is this"));
  const PublishOutcome proxy = OutcomeOf(
      {.status = 502, .content_type = "text/html", .body = std::string(1000, 'x') + "\nmore"},
      kUrl);
  EXPECT_EQ(proxy.status, 502);
  EXPECT_EQ(proxy.error, "HTTP 502");
  const PublishOutcome long_text = OutcomeOf(
      {.status = 415, .content_type = "text/plain", .body = std::string(1000, 'x')}, kUrl);
  EXPECT_EQ(long_text.error, "HTTP 415: " + std::string(200, 'x') + "...");
}

TEST(HttpAnswerTest, AnAnswerThatIsNotAPublishReplyIsNoAnswer) {
  const PublishOutcome html =
      OutcomeOf({.status = 200, .content_type = "text/html", .body = "<html>"}, kUrl);
  EXPECT_FALSE(html.accepted);
  EXPECT_EQ(html.status, -1);
  EXPECT_THAT(html.error, HasSubstr("(HTTP 200, text/html) is not a PublishReply"));
  const PublishOutcome garbage = OutcomeOf(
      {.status = 200, .content_type = "application/x-protobuf", .body = "\xff\xff\xff"}, kUrl);
  EXPECT_FALSE(garbage.accepted);
  EXPECT_EQ(garbage.status, -1);
}

}  // namespace
}  // namespace ssegw::tools
