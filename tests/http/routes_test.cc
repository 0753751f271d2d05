// The routing decisions, without a session.
#include "http/routes.h"

#include <gtest/gtest.h>

#include "fake_environment.h"

namespace ssegw::http {
namespace {

RequestHead Head(std::string method, std::string path) {
  RequestHead head;
  head.method = std::move(method);
  head.path = std::move(path);
  return head;
}

TEST(MatchOriginTest, ExactOrWildcard) {
  const std::vector<std::string> exact = {"https://a.example"};
  EXPECT_EQ(MatchOrigin(std::string("https://a.example"), exact), "https://a.example");
  EXPECT_FALSE(MatchOrigin(std::string("https://b.example"), exact));
  EXPECT_FALSE(MatchOrigin(std::nullopt, exact));
  EXPECT_FALSE(MatchOrigin(std::string("https://a.example"), {}));
  EXPECT_EQ(MatchOrigin(std::string("https://b.example"), {"*"}), "https://b.example");
  EXPECT_FALSE(MatchOrigin(std::string(""), {"*"}));
}

TEST(RouteRequestTest, EventStreamCarriesTheSubscription) {
  testing::FakeEnvironment env;
  RequestHead head = Head("GET", "/events?topic=b&topic=a&lastEventId=p");
  head.last_event_id = "h";
  const Reply reply = RouteRequest(head, SessionOptions{}, env);
  ASSERT_EQ(reply.kind, Reply::Kind::kEventStream);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.subscription.topics, (TopicSet{"a", "b"}));
  EXPECT_EQ(reply.subscription.last_event_id, "h");
}

TEST(RouteRequestTest, EmptyLastEventIdHeaderKeepsTheParameter) {
  testing::FakeEnvironment env;
  RequestHead head = Head("GET", "/events/t?lastEventId=p");
  head.last_event_id = "";
  const Reply reply = RouteRequest(head, SessionOptions{}, env);
  ASSERT_EQ(reply.kind, Reply::Kind::kEventStream);
  EXPECT_EQ(reply.subscription.last_event_id, "p");
}

TEST(RouteRequestTest, StatusByMethodAndPath) {
  testing::FakeEnvironment env;
  const SessionOptions options;
  EXPECT_EQ(RouteRequest(Head("GET", "/healthz"), options, env).status, 200);
  EXPECT_EQ(RouteRequest(Head("HEAD", "/healthz"), options, env).status, 200);
  EXPECT_TRUE(RouteRequest(Head("HEAD", "/healthz"), options, env).head_only);
  EXPECT_EQ(RouteRequest(Head("POST", "/healthz"), options, env).status, 405);
  EXPECT_EQ(RouteRequest(Head("OPTIONS", "/healthz"), options, env).status, 405);
  // Without CORS, OPTIONS is just another method; with it, a preflight.
  EXPECT_EQ(RouteRequest(Head("OPTIONS", "/events/t"), options, env).status, 405);
  SessionOptions cors;
  cors.allowed_origins = {"https://app.example"};
  EXPECT_EQ(RouteRequest(Head("OPTIONS", "/events/t"), cors, env).status, 204);
  EXPECT_EQ(RouteRequest(Head("PUT", "/events/t"), options, env).status, 405);
  EXPECT_EQ(RouteRequest(Head("GET", "/healthz/"), options, env).status, 404);
  EXPECT_EQ(RouteRequest(Head("POST", "/nope"), options, env).status, 404);
  EXPECT_EQ(RouteRequest(Head("GET", "/events/"), options, env).status, 400);
  RequestHead big = Head("GET", "/events/t");
  big.too_large = true;
  EXPECT_EQ(RouteRequest(big, options, env).status, 431);
}

}  // namespace
}  // namespace ssegw::http
