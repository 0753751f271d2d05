// The cleartext listener (--listen-plain): HTTP/2 with prior knowledge (our client,
// nghttp, h2load -p h2c) and HTTP/1.1 on one port, told apart by the client preface.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "e2e_support.h"
#include "testutil/command.h"

namespace ssegw::testing {
namespace {

class PlainListenerTest : public GatewayTest {
 protected:
  std::string PlainUrl(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(gateway().plain_port()) + path;
  }
};

TEST_F(PlainListenerTest, StartupLineShowsBothListeners) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  const std::string& line = gateway().startup_line();
  EXPECT_THAT(line, ::testing::HasSubstr("https://127.0.0.1:" + std::to_string(gateway().port())));
  EXPECT_THAT(line,
              ::testing::HasSubstr("http://127.0.0.1:" + std::to_string(gateway().plain_port())));
  EXPECT_NE(gateway().port(), gateway().plain_port());
}

TEST_F(PlainListenerTest, Http11ClientGetsEvents) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  auto h1 = ConnectH1({.tls = false});
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Get("/healthz"));
  ASSERT_TRUE(h1->Get("/events/plain"));
  const H1Response* ok = h1->WaitForComplete(0);
  ASSERT_TRUE(ok) << h1->raw();
  EXPECT_EQ(ok->body, "ok\n");
  const H1Response* stream = h1->WaitForHeaders(1);
  ASSERT_TRUE(stream) << h1->raw();
  EXPECT_EQ(stream->Header("transfer-encoding"), "chunked");
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"plain"}, "over tcp", "p1")}));
  ASSERT_TRUE(h1->RunUntil([&] { return !stream->events.empty(); }, kWait)) << h1->raw();
  EXPECT_EQ(stream->body, "id: p1\ndata: over tcp\n\n");
}

TEST_F(PlainListenerTest, SmugglingAttemptGets400AndClose) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  auto h1 = ConnectH1({.tls = false});
  ASSERT_TRUE(h1);
  ASSERT_TRUE(h1->Send(
      "GET /healthz HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
      "0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"));
  const H1Response* r = h1->WaitForComplete(0);
  ASSERT_TRUE(r) << h1->raw();
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(h1->WaitForClose(kWait));
  EXPECT_EQ(h1->responses().size(), 1u);
}

TEST_F(PlainListenerTest, HalfClosedClientStillGetsItsAnswers) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  auto h1 = ConnectH1({.tls = false});
  ASSERT_TRUE(h1);
  ASSERT_TRUE(
      h1->Send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"));
  h1->ShutdownWrite();  // like `nc -N`
  EXPECT_TRUE(h1->WaitForClose(kWait));
  ASSERT_EQ(h1->responses().size(), 2u) << h1->raw();
  EXPECT_TRUE(h1->responses()[1]->complete);
  EXPECT_EQ(h1->responses()[1]->status, 200);
}

// The same with more answers than the socket takes at once: most wait in the session
// while the FIN is read. (Answers waiting only in the connection's output when the FIN
// is read: GatewayServerTest.HalfCloseAfterRequestsStillGetsAnswersTheSocketCouldNotTake.)
TEST_F(PlainListenerTest, HalfClosedClientGetsAnswersLargerThanTheSocketTakes) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  auto h1 = ConnectH1({.tls = false});
  ASSERT_TRUE(h1);
  constexpr size_t kRequests = 400;  // ~1.4 MB of /metrics answers
  std::string requests;
  for (size_t i = 0; i < kRequests; ++i) requests += "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
  h1->SetReading(false);  // the answers pile up in the gateway until the FIN is out
  ASSERT_TRUE(h1->Send(requests));
  h1->ShutdownWrite();
  h1->SetReading(true);
  EXPECT_TRUE(h1->WaitForClose(kLongWait));
  ASSERT_EQ(h1->responses().size(), kRequests);
  for (const auto& response : h1->responses()) {
    EXPECT_TRUE(response->complete);
    EXPECT_EQ(response->status, 200);
  }
}

TEST_F(PlainListenerTest, NghttpWithPriorKnowledge) {
  if (access("/usr/bin/nghttp", X_OK) != 0) GTEST_SKIP() << "nghttp (nghttp2-client) is missing";
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-stream-age", "2"}, "127.0.0.1:0"));
  // nghttp speaks HTTP/2 with prior knowledge to http:// URLs unless told -u.
  const CommandResult health = RunCommand({"/usr/bin/nghttp", "-v", PlainUrl("/healthz")});
  EXPECT_EQ(health.exit_code, 0) << health.out << health.err;
  EXPECT_THAT(health.out, ::testing::HasSubstr("recv SETTINGS frame"));
  EXPECT_THAT(health.out, ::testing::HasSubstr(":status: 200"));
  EXPECT_THAT(health.out, ::testing::HasSubstr("\nok\n"));

  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher,
            MakeRequest(1, {MakeEvent({"n"}, "one", "n1"), MakeEvent({"n"}, "two", "n2")}));
  // A resumed stream: the replay arrives, then the age limit ends the stream.
  const CommandResult events =
      RunCommand({"/usr/bin/nghttp", "-t", "20", PlainUrl("/events/n?lastEventId=n1")});
  EXPECT_EQ(events.exit_code, 0) << events.out << events.err;
  EXPECT_EQ(events.out, "id: n2\ndata: two\n\n");
}

TEST_F(PlainListenerTest, H2loadH2c) {
  if (access("/usr/bin/h2load", X_OK) != 0) GTEST_SKIP() << "h2load (nghttp2-client) is missing";
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  const CommandResult load = RunCommand(
      {"/usr/bin/h2load", "-n", "200", "-c", "4", "-m", "10", "-p", "h2c", PlainUrl("/healthz")});
  EXPECT_EQ(load.exit_code, 0) << load.out << load.err;
  EXPECT_THAT(load.out, ::testing::HasSubstr("200 succeeded, 0 failed"));
  EXPECT_THAT(load.out, ::testing::HasSubstr("status codes: 200 2xx"));

  // HTTP/1.1 load on the same port, pipelined.
  const CommandResult h1 = RunCommand({"/usr/bin/h2load", "-n", "200", "-c", "4", "-m", "10", "-p",
                                       "http/1.1", PlainUrl("/healthz")});
  EXPECT_EQ(h1.exit_code, 0) << h1.out << h1.err;
  EXPECT_THAT(h1.out, ::testing::HasSubstr("200 succeeded, 0 failed"));
}

TEST_F(PlainListenerTest, PortInUseIsAStartupError) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({}, "127.0.0.1:0"));
  std::string error;
  const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  ASSERT_TRUE(cert) << error;
  GatewayProcess second(
      GatewayConfig{.binary = SSEGW_GATEWAY_BIN,
                    .certificate = *cert,
                    .listen_plain = "127.0.0.1:" + std::to_string(gateway().plain_port())});
  EXPECT_FALSE(second.Start(&error));
  EXPECT_THAT(second.Stderr(), ::testing::HasSubstr("in use"));
  auto status = second.exit_status();
  if (!status) status = second.WaitForExit(kWait);
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 1);
}

}  // namespace
}  // namespace ssegw::testing
