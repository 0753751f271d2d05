#include "auth/topic_pattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/grant.h"

namespace ssegw::auth {
namespace {

bool Match(std::string_view pattern, std::string_view topic) {
  const std::optional<TopicPattern> p = TopicPattern::Parse(pattern);
  EXPECT_TRUE(p.has_value()) << "pattern " << pattern;
  return p && p->Matches(topic);
}

bool Valid(std::string_view pattern) {
  return TopicPattern::Parse(pattern).has_value();
}

TEST(TopicPatternTest, ExactTopicMatchesOnlyItself) {
  EXPECT_TRUE(Match("orders/42", "orders/42"));
  EXPECT_FALSE(Match("orders/42", "orders/421"));
  EXPECT_FALSE(Match("orders/42", "orders/4"));
  EXPECT_FALSE(Match("orders/42", "orders/42/items"));
  EXPECT_FALSE(Match("orders/42", "orders"));
  EXPECT_FALSE(Match("orders/42", "Orders/42"));
  EXPECT_TRUE(Match("clock", "clock"));
  EXPECT_FALSE(Match("clock", "clock2"));
}

TEST(TopicPatternTest, StarMatchesExactlyOneSegment) {
  EXPECT_TRUE(Match("news/*", "news/sport"));
  EXPECT_TRUE(Match("news/*", "news/a"));
  EXPECT_FALSE(Match("news/*", "news"));
  EXPECT_FALSE(Match("news/*", "news/sport/football"));
  EXPECT_TRUE(Match("user/*/inbox", "user/42/inbox"));
  EXPECT_FALSE(Match("user/*/inbox", "user/42/43/inbox"));
  EXPECT_FALSE(Match("user/*/inbox", "user/inbox"));
  EXPECT_TRUE(Match("*", "news"));
  EXPECT_FALSE(Match("*", "news/sport"));
  EXPECT_TRUE(Match("*/*", "a/b"));
  EXPECT_FALSE(Match("*/*", "a"));
}

TEST(TopicPatternTest, StarNeverCrossesASlash) {
  EXPECT_TRUE(Match("a/*/c", "a/b/c"));
  for (const char* topic : {"a/b/x/c", "a/x/b/c", "a/b/c/", "a/b/c/d", "a/b/", "a/c"}) {
    EXPECT_FALSE(Match("a/*/c", topic)) << topic;
  }
  EXPECT_FALSE(Match("a/*", "a/b/c"));
  EXPECT_FALSE(Match("*/c", "a/b/c"));
}

TEST(TopicPatternTest, DoubleStarMatchesAnyNonEmptyRest) {
  EXPECT_TRUE(Match("user/alice/**", "user/alice/inbox"));
  EXPECT_TRUE(Match("user/alice/**", "user/alice/inbox/1/2/3"));
  EXPECT_FALSE(Match("user/alice/**", "user/alice"));  // the parent is not granted
  EXPECT_FALSE(Match("user/alice/**", "user/alice/"));
  EXPECT_FALSE(Match("user/alice/**", "user/alicex/inbox"));
  EXPECT_FALSE(Match("user/alice/**", "user/bob/inbox"));
  EXPECT_TRUE(Match("**", "anything/at/all"));
  EXPECT_TRUE(Match("**", "a"));
  EXPECT_TRUE(Match("*/**", "a/b"));
  EXPECT_FALSE(Match("*/**", "a"));
}

TEST(TopicPatternTest, EmptySegmentsAreLiteralAndWildcardsNeverMatchThem) {
  EXPECT_TRUE(Match("a//b", "a//b"));
  EXPECT_FALSE(Match("a//b", "a/x/b"));
  EXPECT_FALSE(Match("a/*/b", "a//b"));
  EXPECT_TRUE(Match("a/", "a/"));
  EXPECT_FALSE(Match("a/", "a"));
  EXPECT_TRUE(Match("/a", "/a"));
  EXPECT_FALSE(Match("*/a", "/a"));
  EXPECT_FALSE(Match("news/*", "news/"));
  EXPECT_TRUE(Match("news/**", "news//x"));  // the rest "/x" is not empty
}

TEST(TopicPatternTest, DoubleStarOnlyLast) {
  EXPECT_TRUE(Valid("**"));
  EXPECT_TRUE(Valid("a/**"));
  EXPECT_FALSE(Valid("**/a"));
  EXPECT_FALSE(Valid("a/**/b"));
  EXPECT_FALSE(Valid("a/**/"));
  EXPECT_FALSE(Valid("**/**"));
}

TEST(TopicPatternTest, NoOtherWildcardSyntax) {
  EXPECT_FALSE(Valid("a*b"));
  EXPECT_FALSE(Valid("news/sp*"));
  EXPECT_FALSE(Valid("news/*rt"));
  EXPECT_FALSE(Valid("***"));
  EXPECT_FALSE(Valid("a/***"));
  EXPECT_FALSE(Valid("news/{id}"));
  EXPECT_FALSE(Valid("news/.+"));  // '+' is outside the topic grammar
  EXPECT_FALSE(Valid("news/?"));
  EXPECT_FALSE(Valid("news/#"));
  EXPECT_FALSE(Valid("news sport"));
  EXPECT_FALSE(Valid(std::string("a\0b", 3)));
  EXPECT_FALSE(Valid(""));
  EXPECT_FALSE(Valid(std::string(257, 'a')));
  EXPECT_TRUE(Valid(std::string(256, 'a')));
  EXPECT_TRUE(Valid("user:42@tenant.example/~x_y-z"));
}

TEST(TopicPatternTest, ManyWildcardsAgainstADeepTopic) {
  std::string pattern;
  std::string topic;
  for (int i = 0; i < 60; ++i) pattern += "*/";
  pattern += "**";
  for (int i = 0; i < 60; ++i) topic += "a/";
  EXPECT_FALSE(Match(pattern, topic.substr(0, topic.size() - 1)));
  EXPECT_TRUE(Match(pattern, topic + "b"));
}

TEST(TopicGrantTest, GrantsWhenAnyPatternMatches) {
  std::vector<TopicPattern> patterns;
  for (const char* p : {"orders/42", "news/*", "user/alice/**"}) {
    patterns.push_back(*TopicPattern::Parse(p));
  }
  const TopicGrant grant(std::move(patterns));
  EXPECT_TRUE(grant.Grants("orders/42"));
  EXPECT_TRUE(grant.Grants("news/sport"));
  EXPECT_TRUE(grant.Grants("user/alice/x/y"));
  EXPECT_FALSE(grant.Grants("orders/43"));
  EXPECT_FALSE(grant.Grants("user/alice"));

  const std::vector<std::string> all_granted = {"news/a", "orders/42"};
  const std::vector<std::string> one_not = {"news/a", "orders/43"};
  EXPECT_TRUE(grant.GrantsAll(all_granted));
  EXPECT_FALSE(grant.GrantsAll(one_not));
  EXPECT_TRUE(grant.GrantsAll({}));
}

TEST(TopicGrantTest, EmptyGrantGrantsNothing) {
  const TopicGrant grant;
  EXPECT_TRUE(grant.empty());
  EXPECT_FALSE(grant.Grants("news"));
  const std::vector<std::string> topics = {"news"};
  EXPECT_FALSE(grant.GrantsAll(topics));
}

}  // namespace
}  // namespace ssegw::auth
