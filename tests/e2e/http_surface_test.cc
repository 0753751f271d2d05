// The HTTP surface of the real gateway over TLS HTTP/2: response headers, the exact bytes
// of events, status codes of the other routes, and keep-alive comments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;

class HttpSurfaceTest : public GatewayTest {};

TEST_F(HttpSurfaceTest, SubscribeHeadersAreExactAndArriveBeforeAnyEvent) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->alpn(), "h2");
  StreamState* s = client->stream(client->Get("/events/news"));
  ASSERT_TRUE(s);
  // Nothing has been published: the headers alone must come, at once.
  ASSERT_TRUE(client->RunUntil([&] { return s->headers_received || s->closed; }, kWait));
  ASSERT_TRUE(s->headers_received) << "stream closed with error " << s->close_error_code;
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->body_bytes_at_headers, 0u);
  EXPECT_TRUE(s->events.empty());
  EXPECT_FALSE(s->closed);
  EXPECT_EQ(s->HeaderCount(":status"), 1u);
  EXPECT_EQ(s->Header("content-type"), "text/event-stream");
  EXPECT_EQ(s->HeaderCount("content-type"), 1u);
  EXPECT_EQ(s->Header("cache-control"), "no-cache");
  EXPECT_EQ(s->HeaderCount("cache-control"), 1u);
  EXPECT_EQ(s->Header("x-accel-buffering"), "no");
  EXPECT_EQ(s->HeaderCount("x-accel-buffering"), 1u);
  // RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2.
  for (const char* forbidden :
       {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}) {
    EXPECT_EQ(s->HeaderCount(forbidden), 0u) << forbidden;
  }
  // The stream is still open and receives what is published after the headers.
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"news"}, "hello", "n1")}));
  ASSERT_TRUE(WaitForEvents(*client, s, 1));
  EXPECT_EQ(s->events[0].data, "hello");
}

TEST_F(HttpSurfaceTest, PublishedEventsArriveAsTheExactBytes) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* s = client->stream(client->Get("/events/bytes"));
  ASSERT_TRUE(client->RunUntil([&] { return s->headers_received; }, kWait));
  const size_t start = s->body.size();

  // CR, LF and CRLF all split lines; an empty line is "data:" with no space; a leading
  // space in a line is kept because the prefix always carries exactly one space.
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"bytes"}, "line1\nline2\r\nline3\rline4", "ev-1",
                                                  "update", 2500)}));
  const std::string first =
      "id: ev-1\nevent: update\nretry: 2500\n"
      "data: line1\ndata: line2\ndata: line3\ndata: line4\n\n";
  ASSERT_TRUE(client->RunUntil([&] { return s->body.size() >= start + first.size(); }, kWait));
  EXPECT_EQ(s->body.substr(start), first);

  const std::vector<std::string> ids = PublishOk(
      *publisher,
      MakeRequest(2, {MakeEvent({"bytes"}, ""), MakeEvent({"bytes"}, " lead\n\ntail\n")}));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_FALSE(ids[0].empty());
  EXPECT_NE(ids[0], ids[1]);
  const std::string rest = "id: " + ids[0] + "\ndata:\n\n" + "id: " + ids[1] +
                           "\ndata:  lead\ndata:\ndata: tail\ndata:\n\n";
  ASSERT_TRUE(client->RunUntil([&] { return s->body.size() >= start + first.size() + rest.size(); },
                               kWait));
  EXPECT_EQ(s->body.substr(start + first.size()), rest);

  // What a browser makes of those bytes.
  ASSERT_EQ(s->events.size(), 3u);
  EXPECT_EQ(s->events[0], (ParsedEvent{"update", "line1\nline2\nline3\nline4", "ev-1"}));
  EXPECT_EQ(s->events[1], (ParsedEvent{"message", "", ids[0]}));
  EXPECT_EQ(s->events[2], (ParsedEvent{"message", " lead\n\ntail\n", ids[1]}));
  EXPECT_EQ(s->parser.retry(), 2500u);
}

TEST_F(HttpSurfaceTest, RetryFlagIsSentAtTheStartOfEveryStream) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--retry", "3000"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* a = client->stream(client->Get("/events/r"));
  StreamState* b = client->stream(client->Get("/events?topic=r&topic=q"));
  const std::string preamble = "retry: 3000\n\n";
  ASSERT_TRUE(client->RunUntil(
      [&] { return a->body.size() >= preamble.size() && b->body.size() >= preamble.size(); },
      kWait));
  EXPECT_EQ(a->body, preamble);
  EXPECT_EQ(b->body, preamble);
  EXPECT_EQ(a->parser.retry(), 3000u);
  EXPECT_TRUE(a->events.empty());
}

TEST_F(HttpSurfaceTest, HealthzAnswersOk) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  const StreamState* s = client->Fetch("/healthz");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_THAT(s->body, ::testing::StartsWith("ok"));
  EXPECT_TRUE(s->end_stream_received);
}

TEST_F(HttpSurfaceTest, BadTopicsAndMissingTopicGet400) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  const std::string too_long = "/events/" + std::string(257, 'a');
  for (const std::string& path : std::vector<std::string>{
           "/events", "/events/", "/events?", "/events?foo=bar",
           "/events?topic=", "/events/bad%20topic", "/events/a%zz", "/events/a%",
           "/events/caf%C3%A9", "/events/a*b", "/events?topic=ok&topic=b%21d", too_long}) {
    const StreamState* s = client->Fetch(path);
    ASSERT_TRUE(s) << path;
    EXPECT_EQ(s->status, 400) << path;
    EXPECT_TRUE(s->end_stream_received) << path;
    EXPECT_EQ(s->close_error_code, 0u) << path;
  }
  // The longest legal topic is accepted.
  StreamState* ok = client->stream(client->Get("/events/" + std::string(256, 'a')));
  ASSERT_TRUE(client->RunUntil([&] { return ok->headers_received || ok->closed; }, kWait));
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpSurfaceTest, UnknownPathsGet404) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  for (const char* path : {"/nope", "/eventsx", "/healthz/x", "/metrics2", "/favicon.ico"}) {
    const StreamState* s = client->Fetch(path);
    ASSERT_TRUE(s) << path;
    EXPECT_EQ(s->status, 404) << path;
    EXPECT_TRUE(s->end_stream_received) << path;
  }
}

TEST_F(HttpSurfaceTest, OtherMethodsOnEventsGet405WithAllow) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    for (const char* path : {"/events/t", "/events?topic=t"}) {
      const StreamState* s = client->Fetch(method, path, {});
      ASSERT_TRUE(s) << method << " " << path;
      EXPECT_EQ(s->status, 405) << method << " " << path;
      EXPECT_EQ(s->Header("allow"), "GET, HEAD") << method << " " << path;
      EXPECT_TRUE(s->end_stream_received);
    }
  }
}

TEST_F(HttpSurfaceTest, IdleStreamsGetKeepAliveComments) {
  // The same period paces the connection's PINGs, and one still unanswered a period later
  // closes it: 3 s leave the test's client room to be slow between reads.
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--keepalive", "3"}));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = client->stream(client->Get("/events/quiet"));
  // Two comments prove it repeats; at 3 s each that takes about 6 s.
  ASSERT_TRUE(client->RunUntil([&] { return s->parser.comments() >= 2 || s->closed; }, kLongWait))
      << "body so far: " << s->body;
  EXPECT_FALSE(s->closed);
  EXPECT_TRUE(s->events.empty());
  EXPECT_EQ(s->body[0], ':') << s->body;
  // Comments only: every line is empty or starts with ':'.
  size_t start = 0;
  for (size_t end; (end = s->body.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = s->body.substr(start, end - start);
    EXPECT_TRUE(line.empty() || line[0] == ':') << line;
  }
  // The connection is alive and well after the idle period; the client keeps reading
  // while the publish is answered.
  ASSERT_TRUE(publisher->Send(MakeRequest(1, {MakeEvent({"quiet"}, "wake")})));
  ASSERT_TRUE(WaitForEvents(*client, s, 1));
  EXPECT_EQ(s->events[0].data, "wake");
  const auto reply = publisher->ReadReply();
  ASSERT_TRUE(reply.has_value()) << publisher->error();
  EXPECT_EQ(reply->status(), v1::STATUS_OK);
}

TEST_F(HttpSurfaceTest, TopicsArePercentDecodedAndMayContainSlashes) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  StreamState* plain = client->stream(client->Get("/events/room/42@x:y~z"));
  StreamState* encoded = client->stream(client->Get("/events/room%2F42%40x%3Ay~z"));
  StreamState* query = client->stream(client->Get("/events?topic=room%2F42%40x%3Ay%7Ez"));
  ASSERT_TRUE(client->RunUntil(
      [&] {
        return plain->headers_received && encoded->headers_received && query->headers_received;
      },
      kWait));
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"room/42@x:y~z"}, "hi", "p1")}));
  for (StreamState* s : {plain, encoded, query}) {
    ASSERT_TRUE(WaitForEvents(*client, s, 1)) << s->id << " status " << s->status;
    EXPECT_THAT(Ids(s->events), ElementsAre("p1"));
  }
}

}  // namespace
}  // namespace ssegw::testing
