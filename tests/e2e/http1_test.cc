// The HTTP/1.1 fallback of the real gateway over TLS: ALPN choices, curl, the same event
// bytes as HTTP/2, replay, pipelining, malformed and smuggling requests, slow consumers,
// the age limit and shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <thread>

#include "e2e_support.h"
#include "testutil/command.h"

namespace ssegw::testing {
namespace {

class Http1Test : public GatewayTest {};

TEST_F(Http1Test, AlpnPicksHttp11WhenOfferedAloneAndH2WhenBothAre) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto h1 = ConnectH1({.tls = true, .alpn = {"http/1.1"}});
  ASSERT_TRUE(h1);
  EXPECT_EQ(h1->alpn(), "http/1.1");
  ASSERT_TRUE(h1->Get("/healthz"));
  const H1Response* r = h1->WaitForComplete(0);
  ASSERT_TRUE(r) << h1->raw();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");

  H1Client both({.tls = true, .alpn = {"http/1.1", "h2"}});
  std::string error;
  ASSERT_TRUE(both.Connect(gateway().port(), &error)) << error;
  EXPECT_EQ(both.alpn(), "h2");  // server preference

  H1Client neither({.tls = true, .alpn = {"spdy/3.1"}});
  EXPECT_FALSE(neither.Connect(gateway().port(), &error));
}

TEST_F(Http1Test, TlsClientWithoutAlpnIsToldByItsFirstBytes) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto h1 = ConnectH1({.tls = true, .alpn = {}});
  ASSERT_TRUE(h1);
  EXPECT_EQ(h1->alpn(), "");
  ASSERT_TRUE(h1->Get("/healthz"));
  const H1Response* r = h1->WaitForComplete(0);
  ASSERT_TRUE(r) << h1->raw();
  EXPECT_EQ(r->status, 200);

  // And an HTTP/2 client without ALPN: the client preface says HTTP/2.
  auto h2 = Connect({.offer_alpn = false});
  ASSERT_TRUE(h2);
  EXPECT_EQ(h2->alpn(), "");
  const StreamState* s = h2->Fetch("/healthz", {}, kWait);
  ASSERT_TRUE(s) << h2->error();
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->body, "ok\n");
}

TEST_F(Http1Test, CurlHttp11ReceivesEvents) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "curl is not installed";
  // The age limit ends the stream, so curl returns by itself once it has the last chunk.
  // The event is published first and replayed with the response (curl resumes after c0),
  // so nothing races the age limit however slowly curl starts.
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-stream-age", "3"}));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"curl"}, "before", "c0"),
                                        MakeEvent({"curl"}, "hi\nthere", "c1")}));
  const std::string url =
      "https://127.0.0.1:" + std::to_string(gateway().port()) + "/events/curl?lastEventId=c0";
  const CommandResult curl =
      RunCommand({"/usr/bin/curl", "--http1.1", "-N", "-k", "-sS", "-i", "--max-time", "30", url});
  EXPECT_EQ(curl.exit_code, 0) << curl.err;
  EXPECT_THAT(curl.out, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(curl.out, ::testing::HasSubstr("content-type: text/event-stream\r\n"));
  EXPECT_THAT(curl.out, ::testing::HasSubstr("transfer-encoding: chunked\r\n"));
  EXPECT_THAT(curl.out, ::testing::HasSubstr("connection: keep-alive\r\n"));
  EXPECT_THAT(curl.out, ::testing::HasSubstr("\r\n\r\nid: c1\ndata: hi\ndata: there\n\n"));
}

TEST_F(Http1Test, StreamHeadersAreTheSameAsOverHttp2PlusChunkedFraming) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Get("/events/news"));
  const H1Response* r = h1->WaitForHeaders(0);  // before any event exists
  ASSERT_TRUE(r) << h1->raw();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "text/event-stream");
  EXPECT_EQ(r->Header("cache-control"), "no-cache");
  EXPECT_EQ(r->Header("x-accel-buffering"), "no");
  EXPECT_EQ(r->Header("transfer-encoding"), "chunked");
  EXPECT_EQ(r->Header("connection"), "keep-alive");
  EXPECT_EQ(r->HeaderCount("content-length"), 0u);
  EXPECT_TRUE(r->body.empty());
  EXPECT_FALSE(r->complete);
}

TEST_F(Http1Test, Http1AndHttp2ClientsGetIdenticalEventBytes) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--retry", "1500"}));
  auto h1 = ConnectH1();
  auto h2 = Connect();
  ASSERT_TRUE(h1 && h2);
  ASSERT_TRUE(h1->Get("/events?topic=same&topic=other"));
  StreamState* s = h2->stream(h2->Get("/events?topic=same&topic=other"));
  ASSERT_TRUE(h1->WaitForHeaders(0));
  ASSERT_TRUE(h2->RunUntil([&] { return s->headers_received; }, kWait));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher,
            MakeRequest(1, {MakeEvent({"same"}, "line1\r\nline2\rline3", "x1", "update", 900),
                            MakeEvent({"other", "same"}, ""),
                            MakeEvent({"same"}, std::string(40000, 'z'), "big")}));
  const H1Response* r = h1->responses()[0].get();
  ASSERT_TRUE(h1->RunUntil([&] { return r->events.size() >= 3; }, kWait)) << r->body;
  ASSERT_TRUE(WaitForEvents(*h2, s, 3));
  EXPECT_EQ(r->body, s->body);
  EXPECT_THAT(r->body, ::testing::StartsWith("retry: 1500\n\nid: x1\nevent: update\n"));
}

TEST_F(Http1Test, ReplayOverHttp1WithHeaderParameterAndGap) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher,
            MakeRequest(1, {MakeEvent({"r"}, "one", "r1"), MakeEvent({"r"}, "two", "r2"),
                            MakeEvent({"r"}, "three", "r3")}));
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Get("/events/r", "Last-Event-ID: r1\r\n"));
  const H1Response* header = h1->WaitForHeaders(0);
  ASSERT_TRUE(header);
  ASSERT_TRUE(h1->RunUntil([&] { return header->events.size() >= 2; }, kWait));
  EXPECT_THAT(Ids(header->events), ::testing::ElementsAre("r2", "r3"));

  auto by_param = ConnectH1();
  ASSERT_TRUE(by_param);
  ASSERT_TRUE(by_param->Get("/events/r?lastEventId=r2"));
  const H1Response* param = by_param->WaitForHeaders(0);
  ASSERT_TRUE(param);
  ASSERT_TRUE(by_param->RunUntil([&] { return !param->events.empty(); }, kWait));
  EXPECT_THAT(Ids(param->events), ::testing::ElementsAre("r3"));

  auto gap = ConnectH1();
  ASSERT_TRUE(gap);
  ASSERT_TRUE(gap->Get("/events/r", "Last-Event-ID: unknown\r\n"));
  const H1Response* g = gap->WaitForHeaders(0);
  ASSERT_TRUE(g);
  ASSERT_TRUE(gap->RunUntil([&] { return !g->events.empty(); }, kWait));
  EXPECT_EQ(g->events[0].type, "gap");
  EXPECT_EQ(g->events[0].data, "unknown");

  // Live events follow the replay with no gap and no duplicate.
  PublishOk(*publisher, MakeRequest(2, {MakeEvent({"r"}, "four", "r4")}));
  ASSERT_TRUE(h1->RunUntil([&] { return header->events.size() >= 3; }, kWait));
  EXPECT_THAT(Ids(header->events), ::testing::ElementsAre("r2", "r3", "r4"));
}

TEST_F(Http1Test, PipelinedRequestsOnOnePersistentConnection) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--allow-origin", "https://app.example"}));
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  ASSERT_TRUE(
      h1->Send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
               "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"
               "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
               "POST /events/x HTTP/1.1\r\nHost: a\r\n\r\n"
               "GET /events HTTP/1.1\r\nHost: a\r\n\r\n"
               "OPTIONS /events/x HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n\r\n"));
  ASSERT_TRUE(h1->WaitForComplete(5)) << h1->raw();
  const auto& responses = h1->responses();
  EXPECT_EQ(responses[0]->status, 200);
  EXPECT_EQ(responses[0]->body, "ok\n");
  EXPECT_EQ(responses[1]->status, 200);
  EXPECT_THAT(responses[1]->body, ::testing::HasSubstr("ssegw_connections "));
  EXPECT_EQ(responses[2]->status, 404);
  EXPECT_EQ(responses[3]->status, 405);
  EXPECT_EQ(responses[3]->Header("allow"), "GET, HEAD");
  EXPECT_EQ(responses[4]->status, 400);
  EXPECT_EQ(responses[5]->status, 204);
  EXPECT_EQ(responses[5]->Header("access-control-allow-origin"), "https://app.example");
  for (const auto& r : responses) EXPECT_EQ(r->Header("connection"), "keep-alive");
  // Still open: HEAD gets the headers only.
  ASSERT_TRUE(h1->Request("HEAD", "/healthz"));
  const H1Response* head = h1->WaitForComplete(6);
  ASSERT_TRUE(head) << h1->raw();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "3");
  EXPECT_TRUE(head->body.empty());
  EXPECT_FALSE(h1->closed());
}

struct Malformed {
  const char* name;
  std::string bytes;
  int status;
};

TEST_F(Http1Test, MalformedAndSmugglingRequestsGet400AndTheConnectionCloses) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const std::vector<Malformed> cases = {
      {"content-length and transfer-encoding",
       "GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"obs-fold", "GET /healthz HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n", 400},
      {"bare CR", "GET /healthz HTTP/1.1\r\nHost: a\rX-A: 1\r\n\r\n", 400},
      {"two content-lengths",
       "GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n", 400},
      {"invalid chunked framing",
       "GET /healthz HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n\r\n", 400},
      {"not HTTP", "HELLO\r\n\r\n", 400},
      {"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
      {"body on GET", "GET /events/x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"body on POST", "POST /events/x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", 405},
      {"long request line", "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n",
       414},
      {"huge header",
       "GET /healthz HTTP/1.1\r\nHost: a\r\nX: " + std::string(30000, 'b') + "\r\n\r\n", 431},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.name);
    auto h1 = ConnectH1();
    ASSERT_TRUE(h1);
    // A good request first, answered normally, proves the error is per request.
    ASSERT_TRUE(h1->Send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n" + c.bytes));
    const H1Response* bad = h1->WaitForComplete(1);
    ASSERT_TRUE(bad) << h1->raw();
    EXPECT_EQ(h1->responses()[0]->status, 200);
    EXPECT_EQ(bad->status, c.status);
    EXPECT_EQ(bad->Header("connection"), "close");
    EXPECT_TRUE(h1->WaitForClose(kWait));
    EXPECT_EQ(h1->responses().size(), 2u);
  }
}

TEST_F(Http1Test, SlowConsumerStreamEndsWithTheLastChunk) {
  ASSERT_NO_FATAL_FAILURE(
      StartGateway({"--stream-buffer", "65536", "--slow-consumer-grace", "3600"}));
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Get("/events/slow"));
  const H1Response* r = h1->WaitForHeaders(0);
  ASSERT_TRUE(r);
  h1->SetReading(false);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  auto probe = Connect();
  ASSERT_TRUE(probe);
  ASSERT_TRUE(PublishUntilSlowConsumer(*publisher, *probe, "slow"))
      << "the slow-consumer rule never acted";
  h1->SetReading(true);
  ASSERT_TRUE(h1->RunUntil([&] { return r->complete; }, kLongWait)) << "no last chunk";
  EXPECT_FALSE(h1->parse_error());
  EXPECT_FALSE(r->events.empty());
  // The connection is still usable: the browser reconnects on it.
  ASSERT_TRUE(h1->Get("/healthz"));
  const H1Response* again = h1->WaitForComplete(1);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(Http1Test, MaxStreamAgeEndsTheStreamAndKeepsTheConnection) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-stream-age", "1"}));
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Get("/events/age"));
  const H1Response* r = h1->WaitForComplete(0);
  ASSERT_TRUE(r) << "the stream did not end";
  EXPECT_TRUE(r->chunked);
  ASSERT_TRUE(h1->Get("/healthz"));
  const H1Response* next = h1->WaitForComplete(1);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(Http1Test, ShutdownEndsTheStreamWithTheLastChunkAndCloses) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Get("/events/bye"));
  const H1Response* r = h1->WaitForHeaders(0);
  ASSERT_TRUE(r);
  const auto status = gateway().Terminate(kWait);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_TRUE(h1->WaitForClose(kWait));
  EXPECT_TRUE(r->complete) << h1->raw();
  EXPECT_FALSE(h1->parse_error());
}

}  // namespace
}  // namespace ssegw::testing
