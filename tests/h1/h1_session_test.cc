// h1::Session back to back: raw request bytes in, the exact response bytes out.
#include <gtest/gtest.h>

#include <string>

#include "h1_harness.h"
#include "testutil/sse_parser.h"

namespace ssegw::h1::testing {
namespace {

constexpr std::string_view kHealthz =
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 3\r\n"
    "connection: keep-alive\r\n\r\nok\n";
constexpr std::string_view kEventStreamHead =
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
    "x-accel-buffering: no\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n";

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// A 1 KiB stream buffer, a 2 s slow-consumer grace, no keep-alives.
http::SessionOptions SlowConsumerOptions() {
  http::SessionOptions options;
  options.stream_buffer_bytes = 1024;
  options.slow_consumer_grace_ms = 2000;
  options.keepalive_ms = 0;
  return options;
}

TEST(H1SessionTest, HealthzExactBytesAndTheConnectionStaysOpen) {
  H1Harness h;
  ASSERT_TRUE(h.Send(Get("/healthz")));
  EXPECT_GT(h.output_pending, 0u);
  EXPECT_EQ(h.Output(), kHealthz);
  EXPECT_FALSE(h.session().Finished());
  ASSERT_TRUE(h.Send(Get("/healthz")));
  EXPECT_EQ(h.Output(), kHealthz);
}

TEST(H1SessionTest, PipelinedRequestsAreAnsweredInOrder) {
  H1Harness h;
  ASSERT_TRUE(h.Send(Get("/healthz") + "HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/nope") +
                     "DELETE /events/a HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string out = h.Output();
  const size_t ok = out.find("HTTP/1.1 200 OK");
  const size_t head = out.find("HTTP/1.1 200 OK", ok + 1);
  const size_t not_found = out.find("HTTP/1.1 404 Not Found");
  const size_t not_allowed = out.find("HTTP/1.1 405 Method Not Allowed");
  ASSERT_NE(not_allowed, std::string::npos) << out;
  EXPECT_LT(ok, head);
  EXPECT_LT(head, not_found);
  EXPECT_LT(not_found, not_allowed);
  // HEAD: the same headers, no body.
  EXPECT_EQ(out.substr(head, not_found - head),
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 3\r\n"
            "connection: keep-alive\r\n\r\n");
  EXPECT_NE(out.find("allow: GET, HEAD\r\n", not_allowed), std::string::npos);
  EXPECT_FALSE(h.session().Finished());
}

TEST(H1SessionTest, ByteByByteInput) {
  H1Harness h;
  for (char c : Get("/healthz")) ASSERT_TRUE(h.Send(std::string_view(&c, 1)));
  EXPECT_EQ(h.Output(), kHealthz);
}

TEST(H1SessionTest, EventStreamIsChunkedAndCarriesTheEventBytes) {
  H1Harness h;
  ASSERT_TRUE(h.Send(Get("/events/news")));
  EXPECT_EQ(h.Output(), kEventStreamHead);  // headers at once, before any event
  EXPECT_EQ(h.session().open_sse_streams(), 1u);
  EXPECT_EQ(h.env().counters().streams, 1);
  h.env().Publish({"news"}, "a\nb", "e1", "update");
  const std::string event = "id: e1\nevent: update\ndata: a\ndata: b\n\n";
  char size[16];
  snprintf(size, sizeof size, "%zx\r\n", event.size());
  EXPECT_EQ(h.Output(), std::string(size) + event + "\r\n");
}

TEST(H1SessionTest, RequestBehindAnEventStreamWaitsForItsEnd) {
  http::SessionOptions options;
  options.max_stream_age_ms = 10'000;
  H1Harness h(options);
  ASSERT_TRUE(h.Send(Get("/events/news") + Get("/healthz")));
  EXPECT_EQ(h.Output(), kEventStreamHead);
  ASSERT_TRUE(h.Tick(10'000));  // the age limit (with its jitter) has passed
  const std::string out = h.Output();
  EXPECT_EQ(out, std::string("0\r\n\r\n") + std::string(kHealthz));
  EXPECT_EQ(h.session().open_sse_streams(), 0u);
  EXPECT_EQ(h.env().counters().streams, 0);
  EXPECT_FALSE(h.session().Finished());
}

TEST(H1SessionTest, ReplayFromLastEventIdHeaderAndParameter) {
  H1Harness h;
  h.env().Publish({"t"}, "one", "1");
  h.env().Publish({"t"}, "two", "2");
  h.env().Publish({"t"}, "three", "3");
  ASSERT_TRUE(h.Send(Get("/events/t", "Last-Event-ID: 1\r\n")));
  bool complete = false;
  std::string out = h.Output();
  ASSERT_EQ(out.substr(0, kEventStreamHead.size()), kEventStreamHead);
  EXPECT_EQ(Dechunk(std::string_view(out).substr(kEventStreamHead.size()), &complete),
            "id: 2\ndata: two\n\nid: 3\ndata: three\n\n");

  H1Harness q;
  q.env().Publish({"t"}, "one", "1");
  q.env().Publish({"t"}, "two", "2");
  ASSERT_TRUE(q.Send(Get("/events/t?lastEventId=1")));
  out = q.Output();
  EXPECT_EQ(Dechunk(std::string_view(out).substr(kEventStreamHead.size()), &complete),
            "id: 2\ndata: two\n\n");
}

TEST(H1SessionTest, KeepAliveCommentOnAnIdleStream) {
  http::SessionOptions options;
  options.keepalive_ms = 15'000;
  H1Harness h(options);
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  ASSERT_TRUE(h.Tick(15'000));
  bool complete = true;
  const std::string body = Dechunk(h.Output(), &complete);
  EXPECT_FALSE(complete);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body[0], ':');
}

TEST(H1SessionTest, SlowConsumerEndsWithTheLastChunkAfterWhatIsQueued) {
  http::SessionOptions options;
  options.stream_buffer_bytes = 1024;
  H1Harness h(options);
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  const std::string data(300, 'x');
  for (int i = 0; i < 10; ++i) h.env().Publish({"t"}, data);  // nobody drains meanwhile
  EXPECT_EQ(h.env().counters().slow_consumer_closes_total, 1u);
  bool complete = false;
  const std::string body = Dechunk(h.Output(), &complete);
  EXPECT_TRUE(complete);
  ssegw::testing::SseParser parser;
  parser.Feed(body);
  const auto events = parser.TakeEvents();
  EXPECT_GE(events.size(), 1u);
  EXPECT_LT(events.size(), 10u);
  EXPECT_EQ(h.session().open_sse_streams(), 0u);
  // The connection goes on: the client reconnects on it with its last id.
  ASSERT_TRUE(h.Send(Get("/healthz")));
  EXPECT_EQ(h.Output(), kHealthz);
}

TEST(H1SessionTest, SlowConsumerThatTakesNothingIsClosedAfterTheGrace) {
  H1Harness h(SlowConsumerOptions());
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  for (int i = 0; i < 10; ++i) h.env().Publish({"t"}, std::string(300, 'x'));
  EXPECT_EQ(h.env().counters().slow_consumer_closes_total, 1u);
  // Never drained (no Output() call: the client does not read). It leaves the router at
  // the next tick at the latest, and the connection goes after the grace.
  EXPECT_TRUE(h.Tick(1000));
  EXPECT_EQ(h.env().subscriber_count(), 0u);
  EXPECT_TRUE(h.Tick(1999));
  EXPECT_FALSE(h.Tick(1));
  EXPECT_EQ(h.env().subscriber_count(), 0u);
}

TEST(H1SessionTest, ShutdownEndsTheStreamAndFinishes) {
  H1Harness h;
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  h.session().Shutdown();
  EXPECT_EQ(h.Output(), "0\r\n\r\n");
  EXPECT_TRUE(h.session().Finished());
  EXPECT_EQ(h.env().counters().streams, 0);
}

TEST(H1SessionTest, Http10StreamIsCloseDelimited) {
  H1Harness h;
  ASSERT_TRUE(h.Send("GET /events/t HTTP/1.0\r\n\r\n"));
  const std::string head = h.Output();
  EXPECT_EQ(head.find("transfer-encoding"), std::string::npos) << head;
  EXPECT_NE(head.find("connection: close\r\n"), std::string::npos) << head;
  h.env().Publish({"t"}, "x", "1");
  EXPECT_EQ(h.Output(), "id: 1\ndata: x\n\n");
  h.session().Shutdown();
  EXPECT_EQ(h.Output(), "");
  EXPECT_TRUE(h.session().Finished());
}

TEST(H1SessionTest, ConnectionCloseIsHonoured) {
  H1Harness h;
  ASSERT_TRUE(h.Send(Get("/healthz", "Connection: close\r\n") + Get("/healthz")));
  const std::string out = h.Output();
  EXPECT_EQ(Count(out, "HTTP/1.1 "), 1u) << out;
  EXPECT_NE(out.find("connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(h.session().Finished());
}

TEST(H1SessionTest, CorsHeadersMatchHttp2) {
  H1Harness h;
  h.env().access.allowed_origins = {"https://app.example"};
  ASSERT_TRUE(h.Send(Get("/events/t", "Origin: https://app.example\r\n")));
  const std::string out = h.Output();
  EXPECT_NE(out.find("access-control-allow-origin: https://app.example\r\n"), std::string::npos);
  EXPECT_NE(out.find("access-control-allow-credentials: true\r\n"), std::string::npos);
  EXPECT_NE(out.find("vary: origin\r\n"), std::string::npos);
}

struct BadRequest {
  const char* name;
  std::string bytes;
  int status;
};

class H1RejectTest : public ::testing::TestWithParam<BadRequest> {};

TEST_P(H1RejectTest, AnsweredOnceThenFinished) {
  H1Harness h;
  // A good request first: it is answered before the bad one.
  ASSERT_TRUE(h.Send(Get("/healthz") + GetParam().bytes));
  ASSERT_TRUE(h.Send(Get("/healthz")));  // never answered: the connection is done
  const std::string out = h.Output();
  ASSERT_EQ(out.substr(0, kHealthz.size()), kHealthz);
  const std::string rest = out.substr(kHealthz.size());
  EXPECT_EQ(rest.substr(0, 13), "HTTP/1.1 " + std::to_string(GetParam().status) + " ") << rest;
  EXPECT_NE(rest.find("connection: close\r\n"), std::string::npos) << rest;
  EXPECT_EQ(Count(rest, "HTTP/1.1 "), 1u) << rest;
  EXPECT_TRUE(h.session().Finished());
}

INSTANTIATE_TEST_SUITE_P(
    Smuggling, H1RejectTest,
    ::testing::Values(
        BadRequest{"ContentLengthAndTransferEncoding",
                   "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                   400},
        BadRequest{"ObsFold", "GET /healthz HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", 400},
        BadRequest{"ObsFoldTab", "GET /healthz HTTP/1.1\r\nHost: t\r\nX: a\r\n\tb\r\n\r\n", 400},
        BadRequest{"BareCrInValue", "GET /healthz HTTP/1.1\r\nHost: t\rX: b\r\n\r\n", 400},
        BadRequest{"BareCrInRequestLine", "GET /healthz\r HTTP/1.1\r\nHost: t\r\n\r\n", 400},
        BadRequest{"DifferentContentLengths",
                   "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
                   "Content-Length: 2\r\n\r\nab",
                   400},
        BadRequest{"InvalidChunkedFraming",
                   "GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                   400},
        BadRequest{"UnknownTransferCoding",
                   "GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
        BadRequest{"SpaceBeforeColon", "GET /healthz HTTP/1.1\r\nHost : t\r\n\r\n", 400},
        BadRequest{"ControlByteInValue", "GET /healthz HTTP/1.1\r\nHost: t\r\nX: a\x01z\r\n\r\n",
                   400},
        BadRequest{"MissingHost", "GET /healthz HTTP/1.1\r\n\r\n", 400},
        BadRequest{"TwoHosts", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        BadRequest{"Garbage", "\x16\x03\x01\x02\x00 hello\r\n\r\n", 400},
        BadRequest{"BodyOnGet", "GET /events/t HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab",
                   400},
        BadRequest{"ChunkedBodyOnGet",
                   "GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "2\r\nab\r\n0\r\n\r\n",
                   400},
        BadRequest{"BodyOnPost",
                   "POST /events/t HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab", 405},
        BadRequest{"LongRequestLine",
                   "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n", 414},
        BadRequest{"TooManyHeaders",
                   [] {
                     std::string r = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
                     for (int i = 0; i < 80; ++i) r += "X-" + std::to_string(i) + ": y\r\n";
                     return r + "\r\n";
                   }(),
                   431},
        BadRequest{"HugeHeader",
                   "GET /healthz HTTP/1.1\r\nHost: t\r\nX: " + std::string(20000, 'y') + "\r\n\r\n",
                   431},
        BadRequest{"Connect", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", 404},
        BadRequest{"Http20", "GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n", 505},
        BadRequest{"Http12", "GET /events/t HTTP/1.2\r\nHost: t\r\n\r\n", 505},
        BadRequest{"Http30NoHost", "GET /healthz HTTP/3.0\r\n\r\n", 505}),
    [](const ::testing::TestParamInfo<BadRequest>& param) { return param.param.name; });

TEST(H1SessionTest, AbsoluteFormTargetIsRouted) {
  H1Harness h;
  ASSERT_TRUE(h.Send("GET http://gw.example/healthz HTTP/1.1\r\nHost: gw.example\r\n\r\n"));
  EXPECT_EQ(h.Output(), kHealthz);
}

TEST(H1SessionTest, Http2PrefaceIsNotHttp1) {
  H1Harness h;
  ASSERT_TRUE(h.Send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  EXPECT_EQ(h.Output().substr(0, 13), "HTTP/1.1 400 ");
  EXPECT_TRUE(h.session().Finished());
}

TEST(H1SessionTest, UnansweredInputPastTheBufferLimitIsFatal) {
  Limits limits;
  limits.max_buffered_input = 1024;
  H1Harness h({}, limits);
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  std::string pipelined;
  while (pipelined.size() <= 1024) pipelined += Get("/healthz");
  EXPECT_FALSE(h.Send(pipelined));
}

TEST(H1SessionTest, IdleConnectionTimesOut) {
  Limits limits;
  limits.idle_timeout_ms = 60'000;
  H1Harness h({}, limits);
  ASSERT_TRUE(h.Tick(30'000));
  ASSERT_TRUE(h.Send("GET /healthz HTTP/1.1\r\n"));  // a head that never completes
  EXPECT_FALSE(h.Tick(30'000));
}

TEST(H1SessionTest, OpenStreamIsNotIdle) {
  Limits limits;
  limits.idle_timeout_ms = 60'000;
  H1Harness h({}, limits);
  ASSERT_TRUE(h.Send(Get("/events/t")));
  EXPECT_TRUE(h.Tick(120'000));
}

// The connection arms one timer for NextDeadlineMs(): idleness, then the stream's
// keep-alive, then idleness again once the stream is over.
TEST(H1SessionTest, TheTimerFollowsIdlenessAndTheStreamsKeepAlive) {
  http::SessionOptions options;
  options.keepalive_ms = 15'000;
  options.max_stream_age_ms = 0;
  Limits limits;
  limits.idle_timeout_ms = 60'000;
  H1Harness h(options, limits);
  const uint64_t t0 = h.now_ms();
  EXPECT_EQ(h.wake_by, t0 + 60'000);
  EXPECT_EQ(h.session().NextDeadlineMs(), t0 + 60'000);
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  EXPECT_EQ(h.session().NextDeadlineMs(), t0 + 15'000);
  ASSERT_TRUE(h.Tick(15'000));
  h.Output();
  EXPECT_EQ(h.session().NextDeadlineMs(), t0 + 30'000);
  h.session().Shutdown();
  h.Output();
  EXPECT_EQ(h.session().NextDeadlineMs(), 0u);  // nothing left to wait for
}

TEST(H1SessionTest, ASlowConsumerAsksForTheTimerAtOnce) {
  H1Harness h(SlowConsumerOptions());
  ASSERT_TRUE(h.Send(Get("/events/t")));
  h.Output();
  h.wake_by = 0;
  for (int i = 0; i < 10; ++i) h.env().Publish({"t"}, std::string(300, 'x'));
  EXPECT_EQ(h.wake_by, h.now_ms());
  ASSERT_TRUE(h.Tick(1000));
  EXPECT_EQ(h.session().NextDeadlineMs(), h.now_ms() + 2000);
}

}  // namespace
}  // namespace ssegw::h1::testing
