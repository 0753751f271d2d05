#include "target.h"

#include <gtest/gtest.h>

namespace ssebench {
namespace {

TEST(TargetTest, OneTopic) {
  std::string error;
  const auto t = ParseTarget("https://127.0.0.1:8443/events/news", 1, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, "8443");
  EXPECT_EQ(t->authority, "127.0.0.1:8443");
  EXPECT_EQ(t->topics, std::vector<std::string>{"news"});
  EXPECT_EQ(t->PathOf(7), "/events/news");
}

TEST(TargetTest, ManyTopicsSpreadStreams) {
  std::string error;
  const auto t = ParseTarget("https://[::1]/events/t", 3, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, "443");
  EXPECT_EQ(t->PathOf(4), "/events/t-1");
  EXPECT_EQ(t->TopicOf(5), 2u);
}

TEST(TargetTest, AnyPathWithoutTopicsButNotForMany) {
  std::string error;
  const auto t = ParseTarget("https://localhost:1/events?topic=a&topic=b", 1, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_TRUE(t->topics.empty());
  EXPECT_EQ(t->PathOf(0), "/events?topic=a&topic=b");
  EXPECT_FALSE(ParseTarget("https://localhost:1/events?topic=a", 2, &error));
  EXPECT_FALSE(ParseTarget("ftp://localhost:1/events/a", 1, &error));
  EXPECT_FALSE(ParseTarget("https://localhost:x/events/a", 1, &error));
}

TEST(TargetTest, HttpMeansH2cWithPriorKnowledge) {
  std::string error;
  const auto t = ParseTarget("http://127.0.0.1/events/news", 1, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->port, "80");
  EXPECT_EQ(t->topics, std::vector<std::string>{"news"});
  const auto tls = ParseTarget("https://127.0.0.1:8443/events/news", 1, &error);
  ASSERT_TRUE(tls) << error;
  EXPECT_TRUE(tls->tls);
}

}  // namespace
}  // namespace ssebench
