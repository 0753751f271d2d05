// Start-up and connection limits of the real binary: exit codes for bad flags and busy
// resources, stale socket files, --max-connections, and the CORS and HEAD surface.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

using ::testing::HasSubstr;

class LifecycleTest : public GatewayTest {
 protected:
  // Starts a second gateway that is expected to fail; returns its exit code (-1 when it
  // did not exit) and its stderr.
  int StartFailing(GatewayConfig config, std::string* stderr_text) {
    std::string error;
    const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
    if (!cert) {
      ADD_FAILURE() << error;
      return -1;
    }
    config.binary = SSEGW_GATEWAY_BIN;
    if (config.certificate.cert_file.empty()) config.certificate = *cert;
    GatewayProcess process(std::move(config));
    if (process.Start(&error)) {
      ADD_FAILURE() << "the gateway started: " << process.startup_line();
      return -1;
    }
    *stderr_text = process.Stderr();
    const auto status = process.exit_status();
    if (!status || !WIFEXITED(*status)) {
      ADD_FAILURE() << "no clean exit: " << error;
      return -1;
    }
    return WEXITSTATUS(*status);
  }
};

TEST_F(LifecycleTest, UnknownFlagExitsTwoNamingIt) {
  std::string err;
  EXPECT_EQ(StartFailing(GatewayConfig{.extra_args = {"--no-such-flag", "1"}}, &err), 2);
  EXPECT_THAT(err, HasSubstr("no-such-flag"));
}

TEST_F(LifecycleTest, BadFlagValueExitsTwoNamingTheFlag) {
  std::string err;
  EXPECT_EQ(StartFailing(GatewayConfig{.extra_args = {"--max-streams", "lots"}}, &err), 2);
  EXPECT_THAT(err, HasSubstr("max-streams"));
}

TEST_F(LifecycleTest, UnreadableCertificateExitsOne) {
  std::string err;
  GatewayConfig config;
  config.certificate = {"/nonexistent/server.crt", "/nonexistent/server.key"};
  EXPECT_EQ(StartFailing(config, &err), 1);
  EXPECT_FALSE(err.empty());
}

TEST_F(LifecycleTest, PortInUseExitsOne) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  std::string err;
  EXPECT_EQ(
      StartFailing(GatewayConfig{.listen = "127.0.0.1:" + std::to_string(gateway().port())}, &err),
      1);
  EXPECT_FALSE(err.empty());
}

TEST_F(LifecycleTest, SocketOfALiveGatewayIsAnErrorAndStaysIntact) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  std::string err;
  EXPECT_EQ(StartFailing(GatewayConfig{.socket_path = gateway().socket_path()}, &err), 1);
  EXPECT_FALSE(err.empty());
  // The first gateway still owns and serves its socket.
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"t"}, "still here")}));
}

TEST_F(LifecycleTest, StaleSocketFileIsReplaced) {
  // A socket file with nobody listening, as a crashed gateway leaves behind.
  char dir[] = "/tmp/ssegw-e2e-stale-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  const std::string path = std::string(dir) + "/stale.sock";
  {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    close(fd);
  }
  std::string error;
  const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  ASSERT_TRUE(cert) << error;
  {
    GatewayProcess process(
        GatewayConfig{.binary = SSEGW_GATEWAY_BIN, .certificate = *cert, .socket_path = path});
    ASSERT_TRUE(process.Start(&error)) << error;
    Publisher publisher;
    ASSERT_TRUE(publisher.Connect(path, &error)) << error;
    const auto reply = publisher.Publish(MakeRequest(1, {MakeEvent({"t"}, "x")}));
    ASSERT_TRUE(reply) << publisher.error();
    EXPECT_EQ(reply->status(), v1::STATUS_OK);
    EXPECT_TRUE(process.Terminate(kWait));
  }
  rmdir(dir);
}

TEST_F(LifecycleTest, MaxConnectionsRefusesTheConnectionBeyondIt) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-connections", "2"}));
  auto a = Connect();
  ASSERT_TRUE(a);
  auto b = Connect();
  ASSERT_TRUE(b);
  // The third either fails to connect or is closed before it can use the gateway.
  H2Client c;
  std::string error;
  if (c.Connect(gateway().port(), &error, kWait)) {
    const int32_t id = c.Get("/events/t");
    StreamState* s = c.stream(id);
    EXPECT_TRUE(c.RunUntil([&] { return c.connection_closed() || c.goaway_received(); }, kWait))
        << "a third connection was served";
    EXPECT_FALSE(s && s->status == 200);
  }
  // The first two are unaffected.
  StreamState* s = a->stream(a->Get("/events/t"));
  ASSERT_TRUE(a->RunUntil([&] { return s->headers_received; }, kWait));
  EXPECT_EQ(s->status, 200);
  // A slot freed is a slot available again (the gateway must notice the close first).
  b->Disconnect();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    H2Client d;
    if (!d.Connect(gateway().port(), &error, kWait)) continue;
    const StreamState* healthz = d.Fetch("/healthz", {}, kWait);
    served = healthz && healthz->status == 200;
    if (!served) a->Pump(20);
  }
  EXPECT_TRUE(served);
}

TEST_F(LifecycleTest, CorsHeadersForAllowedOriginsAndPreflight) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--allow-origin", "https://app.example"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* allowed =
      client->stream(client->Get("/events/c", {{"origin", "https://app.example"}}));
  StreamState* other =
      client->stream(client->Get("/events/c", {{"origin", "https://evil.example"}}));
  ASSERT_TRUE(client->RunUntil([&] { return allowed->headers_received && other->headers_received; },
                               kWait));
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->Header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(allowed->Header("access-control-allow-credentials"), "true");
  EXPECT_THAT(allowed->Header("vary").value_or(""), HasSubstr("rigin"));
  EXPECT_EQ(other->HeaderCount("access-control-allow-origin"), 0u);
  const StreamState* preflight =
      client->Fetch("OPTIONS", "/events/c",
                    {{"origin", "https://app.example"},
                     {"access-control-request-method", "GET"},
                     {"access-control-request-headers", "last-event-id"}});
  ASSERT_TRUE(preflight);
  EXPECT_THAT(preflight->status, ::testing::AnyOf(200, 204));
  EXPECT_EQ(preflight->Header("access-control-allow-origin"), "https://app.example");
  EXPECT_THAT(preflight->Header("access-control-allow-methods").value_or(""), HasSubstr("GET"));
  EXPECT_THAT(preflight->Header("access-control-allow-headers").value_or(""),
              HasSubstr("ast-event-id"));
}

TEST_F(LifecycleTest, HeadOnEventsAnswersHeadersOnly) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  const StreamState* s = client->Fetch("HEAD", "/events/h", {});
  ASSERT_TRUE(s) << "a HEAD response never ended";
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->Header("content-type"), "text/event-stream");
  EXPECT_TRUE(s->body.empty());
  EXPECT_TRUE(s->end_stream_received);
}

}  // namespace
}  // namespace ssegw::testing
