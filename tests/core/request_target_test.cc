#include "core/request_target.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace ssegw {

// Readable failures for EXPECT_EQ on routes.
void PrintTo(Route route, std::ostream* os) {
  switch (route) {
    case Route::kDemoPage:
      *os << "kDemoPage";
      return;
    case Route::kHealthz:
      *os << "kHealthz";
      return;
    case Route::kReadyz:
      *os << "kReadyz";
      return;
    case Route::kPublish:
      *os << "kPublish";
      return;
    case Route::kMetrics:
      *os << "kMetrics";
      return;
    case Route::kEvents:
      *os << "kEvents";
      return;
    case Route::kNotFound:
      *os << "kNotFound";
      return;
  }
}

namespace {

using namespace std::string_literals;

struct ClassifyCase {
  std::string_view target;
  Route route;
  std::string_view path;
  std::string_view query;
};

TEST(ClassifyTargetTest, Table) {
  const ClassifyCase cases[] = {
      {"/", Route::kDemoPage, "/", ""},
      {"/?x=1", Route::kDemoPage, "/", "x=1"},
      {"/healthz", Route::kHealthz, "/healthz", ""},
      {"/healthz?", Route::kHealthz, "/healthz", ""},
      {"/metrics", Route::kMetrics, "/metrics", ""},
      {"/readyz", Route::kReadyz, "/readyz", ""},
      {"/publish", Route::kPublish, "/publish", ""},
      {"/publish/", Route::kNotFound, "/publish/", ""},
      {"/metrics?name=x", Route::kMetrics, "/metrics", "name=x"},
      {"/events", Route::kEvents, "/events", ""},
      {"/events?topic=a", Route::kEvents, "/events", "topic=a"},
      {"/events/", Route::kEvents, "/events/", ""},
      {"/events/news", Route::kEvents, "/events/news", ""},
      {"/events/a/b", Route::kEvents, "/events/a/b", ""},
      {"/events/a?topic=b&lastEventId=7", Route::kEvents, "/events/a", "topic=b&lastEventId=7"},
      // Only the first '?' splits; later ones belong to the query.
      {"/events?topic=a?b", Route::kEvents, "/events", "topic=a?b"},
      // A fragment is dropped, and a '?' inside it does not start a query.
      {"/events/a#frag", Route::kEvents, "/events/a", ""},
      {"/events/a#frag?topic=b", Route::kEvents, "/events/a", ""},
      {"/events?topic=a#frag", Route::kEvents, "/events", "topic=a"},
      {"/events?topic=a#", Route::kEvents, "/events", "topic=a"},
      {"/#", Route::kDemoPage, "/", ""},
      // Exact matches only.
      {"/eventsX", Route::kNotFound, "/eventsX", ""},
      {"/events-all", Route::kNotFound, "/events-all", ""},
      {"/Events/a", Route::kNotFound, "/Events/a", ""},
      {"/events%2Fa", Route::kNotFound, "/events%2Fa", ""},
      {"/healthz/", Route::kNotFound, "/healthz/", ""},
      {"/metrics/", Route::kNotFound, "/metrics/", ""},
      {"/healthzz", Route::kNotFound, "/healthzz", ""},
      {"//", Route::kNotFound, "//", ""},
      {"//events/a", Route::kNotFound, "//events/a", ""},
      {"/index.html", Route::kNotFound, "/index.html", ""},
      {"", Route::kNotFound, "", ""},
      {"?topic=a", Route::kNotFound, "", "topic=a"},
      {"*", Route::kNotFound, "*", ""},
      {"events/a", Route::kNotFound, "events/a", ""},
      {"https://example.com/events/a", Route::kNotFound, "https://example.com/events/a", ""},
  };
  for (const ClassifyCase& c : cases) {
    const RequestTarget t = ClassifyTarget(c.target);
    EXPECT_EQ(t.route, c.route) << c.target;
    EXPECT_EQ(t.path, c.path) << c.target;
    EXPECT_EQ(t.query, c.query) << c.target;
  }
}

TEST(ClassifyTargetTest, ViewsPointIntoTheInput) {
  const std::string target = "/events/a?topic=b";
  const RequestTarget t = ClassifyTarget(target);
  EXPECT_EQ(t.path.data(), target.data());
  EXPECT_EQ(t.query.data(), target.data() + 10);
}

Result<Subscription> Parse(std::string_view target) {
  return ParseSubscription(ClassifyTarget(target));
}

void ExpectTopics(std::string_view target, const TopicSet& want) {
  Result<Subscription> r = Parse(target);
  ASSERT_TRUE(r.ok()) << target << ": " << Describe(r.error());
  EXPECT_EQ(r.value().topics, want) << target;
}

void ExpectError(std::string_view target, Error want) {
  Result<Subscription> r = Parse(target);
  ASSERT_FALSE(r.ok()) << target;
  EXPECT_EQ(r.error(), want) << target << ": " << Describe(r.error());
}

TEST(ParseSubscriptionTest, PathTopic) {
  ExpectTopics("/events/news", {"news"});
  ExpectTopics("/events/a/b", {"a/b"});
  ExpectTopics("/events/a%2Fb", {"a/b"});
  ExpectTopics("/events/%6eews", {"news"});
  ExpectTopics("/events/user:1@x.y~z_-", {"user:1@x.y~z_-"});
  ExpectTopics("/events//", {"/"});
  ExpectTopics("/events/a#frag", {"a"});
}

TEST(ParseSubscriptionTest, PathTopicErrors) {
  ExpectError("/events/", Error::kTopicEmpty);
  ExpectError("/events/?topic=a", Error::kTopicEmpty);
  ExpectError("/events/a%", Error::kBadPercentEncoding);
  ExpectError("/events/a%2", Error::kBadPercentEncoding);
  ExpectError("/events/%zz", Error::kBadPercentEncoding);
  ExpectError("/events/a%00", Error::kTopicBadCharacter);
  ExpectError("/events/a%20b", Error::kTopicBadCharacter);
  ExpectError("/events/a%3Fb", Error::kTopicBadCharacter);
  // A path keeps '+' literally, and '+' is not in the grammar.
  ExpectError("/events/a+b", Error::kTopicBadCharacter);
  ExpectError("/events/caf%C3%A9", Error::kTopicBadCharacter);
  ExpectError("/events/" + std::string(257, 'a'), Error::kTopicTooLong);
  ExpectTopics("/events/" + std::string(256, 'a'), {std::string(256, 'a')});
}

TEST(ParseSubscriptionTest, QueryTopics) {
  ExpectTopics("/events?topic=a", {"a"});
  ExpectTopics("/events?topic=b&topic=a", {"a", "b"});
  ExpectTopics("/events?topic=chat%2Froom-1", {"chat/room-1"});
  ExpectTopics("/events?topic=a/b", {"a/b"});
  ExpectTopics("/events?x=1&topic=a&y&=z&&topic=c&", {"a", "c"});
  // Names are form-decoded too, as URLSearchParams does.
  ExpectTopics("/events?t%6Fpic=a", {"a"});
  // Parameter names are case-sensitive.
  ExpectError("/events?Topic=a", Error::kNoTopicInRequest);
  ExpectError("/events?topics=a", Error::kNoTopicInRequest);
}

TEST(ParseSubscriptionTest, PathAndQueryTopicsCombineWithoutDuplicates) {
  ExpectTopics("/events/b?topic=a&topic=b&topic=c&topic=a", {"a", "b", "c"});
  ExpectTopics("/events/a%2Fb?topic=a/b", {"a/b"});
  ExpectTopics("/events?topic=x&topic=x&topic=x", {"x"});
}

TEST(ParseSubscriptionTest, QueryTopicErrors) {
  ExpectError("/events?topic=", Error::kTopicEmpty);
  ExpectError("/events?topic", Error::kTopicEmpty);
  ExpectError("/events?topic=a&topic=", Error::kTopicEmpty);
  // '+' is a space in a query, and a space is not in the grammar.
  ExpectError("/events?topic=a+b", Error::kTopicBadCharacter);
  ExpectError("/events?topic=a%2Bb", Error::kTopicBadCharacter);
  ExpectError("/events?topic=a%", Error::kBadPercentEncoding);
  ExpectError("/events?topic=%G0", Error::kBadPercentEncoding);
  ExpectError("/events?topic=a%00", Error::kTopicBadCharacter);
  ExpectError("/events?topic=a=b", Error::kTopicBadCharacter);
  ExpectError("/events?topic=a;b", Error::kTopicBadCharacter);
  ExpectError("/events?topic=" + std::string(257, 'a'), Error::kTopicTooLong);
  // One bad topic rejects the whole request, whatever else is valid.
  ExpectError("/events/good?topic=ok&topic=b%20d", Error::kTopicBadCharacter);
}

TEST(ParseSubscriptionTest, UnknownParametersAreIgnoredEvenWhenMalformed) {
  ExpectTopics("/events?topic=a&junk=%zz", {"a"});
  ExpectTopics("/events?%zz=1&topic=a", {"a"});
  ExpectTopics("/events?topic=a&x=%0D%0A", {"a"});
}

TEST(ParseSubscriptionTest, NoTopic) {
  ExpectError("/events", Error::kNoTopicInRequest);
  ExpectError("/events?", Error::kNoTopicInRequest);
  ExpectError("/events?x=1", Error::kNoTopicInRequest);
  ExpectError("/events?lastEventId=5", Error::kNoTopicInRequest);
  ExpectError("/events#topic=a", Error::kNoTopicInRequest);
}

TEST(ParseSubscriptionTest, NonEventsRoutesHaveNoSubscription) {
  ExpectError("/", Error::kNoTopicInRequest);
  ExpectError("/healthz?topic=a", Error::kNoTopicInRequest);
  ExpectError("/eventsX?topic=a", Error::kNoTopicInRequest);
}

std::optional<std::string> LastEventId(std::string_view target) {
  Result<Subscription> r = Parse(target);
  EXPECT_TRUE(r.ok()) << target << ": " << Describe(r.error());
  if (!r.ok()) return "<error>";
  return r.value().last_event_id;
}

TEST(ParseSubscriptionTest, LastEventId) {
  EXPECT_EQ(LastEventId("/events/a"), std::nullopt);
  EXPECT_EQ(LastEventId("/events/a?lastEventId=42"), "42");
  EXPECT_EQ(LastEventId("/events?lastEventId=42&topic=a"), "42");
  EXPECT_EQ(LastEventId("/events/a?lastEventId=a+b%2Bc%25"), "a b+c%");
  EXPECT_EQ(LastEventId("/events/a?lastEventId=caf%C3%A9"), "caf\xc3\xa9");
  EXPECT_EQ(LastEventId("/events/a?lastEventId=1&lastEventId=2"), "2");
  EXPECT_EQ(LastEventId("/events/a?lastEventId="), std::nullopt);
  EXPECT_EQ(LastEventId("/events/a?lastEventId"), std::nullopt);
  // The last one wins, even when it is empty.
  EXPECT_EQ(LastEventId("/events/a?lastEventId=1&lastEventId="), std::nullopt);
  EXPECT_EQ(LastEventId("/events/a?lasteventid=1"), std::nullopt);
  EXPECT_EQ(LastEventId("/events/a?lastEventId=x#y"), "x");
}

TEST(ParseSubscriptionTest, LastEventIdErrors) {
  ExpectError("/events/a?lastEventId=1%0D", Error::kBadLastEventId);
  ExpectError("/events/a?lastEventId=1%0A2", Error::kBadLastEventId);
  ExpectError("/events/a?lastEventId=%00", Error::kBadLastEventId);
  // Any bad occurrence rejects, not only the last.
  ExpectError("/events/a?lastEventId=%0A&lastEventId=2", Error::kBadLastEventId);
  ExpectError("/events/a?lastEventId=%", Error::kBadPercentEncoding);
  ExpectError("/events/a?lastEventId=%x1", Error::kBadPercentEncoding);
}

TEST(ParseLastEventIdHeaderTest, Values) {
  Result<std::optional<std::string>> empty = ParseLastEventIdHeader("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), std::nullopt);

  Result<std::optional<std::string>> id = ParseLastEventIdHeader("abc-123");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id.value(), "abc-123");

  // A header value is taken as is: no percent-decoding, no '+' to space.
  Result<std::optional<std::string>> raw = ParseLastEventIdHeader("a+b%20 c");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.value(), "a+b%20 c");
}

TEST(ParseLastEventIdHeaderTest, RejectsLineBreaksAndNul) {
  for (const std::string& value : {"\r"s, "\n"s, "\0"s, "a\rb"s, "a\nb"s, "a\0b"s, "a\r\n"s}) {
    Result<std::optional<std::string>> r = ParseLastEventIdHeader(value);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), Error::kBadLastEventId);
  }
}

TEST(ParseSubscriptionTest, AtMost64DistinctTopics) {
  std::string query = "topic=dup&topic=dup";
  for (int i = 0; i < 63; ++i) query += "&topic=t" + std::to_string(i);
  Result<Subscription> fits = ParseSubscription(ClassifyTarget("/events?" + query));
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits.value().topics.size(), 64u);
  Result<Subscription> over = ParseSubscription(ClassifyTarget("/events?" + query + "&topic=x"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), Error::kTooManyTopics);
}

TEST(QueryParameterTest, FirstOccurrenceFormDecoded) {
  EXPECT_EQ(QueryParameter("a=1&token=x%2By+z&token=2", "token"), "x+y z");
  EXPECT_EQ(QueryParameter("token", "token"), "");
  EXPECT_EQ(QueryParameter("tokens=1", "token"), std::nullopt);
  EXPECT_EQ(QueryParameter("", "token"), std::nullopt);
  EXPECT_EQ(QueryParameter("token=%zz", "token"), std::nullopt);  // malformed: none
}

TEST(WithoutQueryParameterTest, DropsEveryOccurrenceAndKeepsTheRest) {
  EXPECT_EQ(WithoutQueryParameter("/events/a?token=s3cret", "token"), "/events/a");
  EXPECT_EQ(WithoutQueryParameter("/events?topic=a&token=x&topic=b&token", "token"),
            "/events?topic=a&topic=b");
  EXPECT_EQ(WithoutQueryParameter("/events?tokenx=1&token=2", "token"), "/events?tokenx=1");
  EXPECT_EQ(WithoutQueryParameter("/events/a", "token"), "/events/a");
  EXPECT_EQ(WithoutQueryParameter("/e?token=1#frag", "token"), "/e");
}

}  // namespace
}  // namespace ssegw
