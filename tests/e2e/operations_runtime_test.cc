// Operations against the running gateway: SIGHUP reloads the certificate for new
// handshakes while open streams go on, a broken reload keeps the old settings and the
// process, /readyz turns 503 while draining, --metrics-listen serves only the
// operator's endpoints, and every finished request or stream has an access-log line
// with no token in it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "e2e_support.h"
#include "testutil/command.h"
#include "testutil/key_files.h"

namespace ssegw::testing {
namespace {

using ::testing::HasSubstr;

// The DER of the certificate in a PEM file, to compare with what a client was shown.
std::string CertificateDer(const std::string& pem_file) {
  FILE* file = fopen(pem_file.c_str(), "r");
  if (file == nullptr) return {};
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  fclose(file);
  if (cert == nullptr) return {};
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(std::max(length, 0)));
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

void Copy(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
}

class OperationsRuntimeTest : public GatewayTest {
 protected:
  // Waits until the gateway's stderr holds `text` (a give-up bound only).
  bool WaitForLog(const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      if (gateway().Stderr().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  KeyFiles files_;
};

TEST_F(OperationsRuntimeTest, SighupSwapsTheCertificateForNewHandshakesOnly) {
  // Two certificates; the gateway reads the "live" pair, which the test replaces.
  for (const char* dir : {"/a", "/b"}) {
    ASSERT_EQ(RunCommand({SSEGW_GEN_DEV_CERT, files_.dir() + dir}).exit_code, 0);
  }
  const std::string crt = files_.dir() + "/live.crt";
  const std::string key = files_.dir() + "/live.key";
  Copy(files_.dir() + "/a/server.crt", crt);
  Copy(files_.dir() + "/a/server.key", key);
  ASSERT_NO_FATAL_FAILURE(StartGatewayWithCertificate(TestCertificate{crt, key}));

  auto before = Connect();
  ASSERT_TRUE(before);
  EXPECT_EQ(before->peer_certificate_der(), CertificateDer(files_.dir() + "/a/server.crt"));
  StreamState* stream = before->stream(before->Get("/events/r"));
  ASSERT_TRUE(before->RunUntil([&] { return stream->headers_received; }, kWait));

  Copy(files_.dir() + "/b/server.crt", crt);
  Copy(files_.dir() + "/b/server.key", key);
  ASSERT_EQ(kill(gateway().pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForLog("reloaded")) << gateway().Stderr();
  // A setting that needs a restart would be named; none changed here.
  EXPECT_THAT(gateway().Stderr(), ::testing::Not(HasSubstr("needs a restart")));

  auto after = Connect();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->peer_certificate_der(), CertificateDer(files_.dir() + "/b/server.crt"));
  // The stream opened before the reload goes on receiving.
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"r"}, "after the reload", "x1")}));
  ASSERT_TRUE(WaitForEvents(*before, stream, 1));
  EXPECT_EQ(stream->events[0].data, "after the reload");

  // A broken key: the reload fails, says why, and the gateway keeps serving with B.
  std::ofstream(key, std::ios::trunc) << "not a key\n";
  ASSERT_EQ(kill(gateway().pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForLog("reload failed")) << gateway().Stderr();
  EXPECT_THAT(gateway().Stderr(), HasSubstr("live.key"));
  auto still = Connect();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->peer_certificate_der(), CertificateDer(files_.dir() + "/b/server.crt"));
  EXPECT_TRUE(gateway().Running());
}

TEST_F(OperationsRuntimeTest, ReloadLogsSettingsThatNeedARestart) {
  const std::string config = files_.Write("gateway.toml", "history = 100\n");
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--config", config}));
  std::ofstream(config, std::ios::trunc)
      << "history = 200\nallow-origin = [\"https://app.example\"]\n";
  ASSERT_EQ(kill(gateway().pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForLog("reloaded")) << gateway().Stderr();
  EXPECT_THAT(gateway().Stderr(), HasSubstr("--history changed but needs a restart; ignored"));
  // The origin took effect for new requests.
  auto client = Connect();
  ASSERT_TRUE(client);
  const StreamState* s = client->Fetch("/healthz", {{"origin", "https://app.example"}});
  ASSERT_TRUE(s);
  auto it = s->headers.find("access-control-allow-origin");
  ASSERT_NE(it, s->headers.end());
  EXPECT_EQ(it->second, "https://app.example");
}

TEST_F(OperationsRuntimeTest, MetricsListenerServesOnlyOperatorEndpointsAndReadyzDrains) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--metrics-listen", "127.0.0.1:0"}));
  std::smatch match;
  const std::string line = gateway().startup_line();
  ASSERT_TRUE(std::regex_search(line, match, std::regex("metrics on 127\\.0\\.0\\.1:(\\d+)")))
      << line;
  const int port = std::stoi(match[1]);
  auto metrics = std::make_unique<H1Client>(H1ClientOptions{.tls = false});
  std::string error;
  ASSERT_TRUE(metrics->Connect(port, &error)) << error;
  auto get = [&](const std::string& path) -> const H1Response* {
    const size_t index = metrics->responses().size();
    if (!metrics->Get(path)) return nullptr;
    return metrics->WaitForComplete(index);
  };
  const H1Response* r = get("/metrics");
  ASSERT_TRUE(r) << metrics->raw();
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("ssegw_connections"));
  EXPECT_EQ(get("/healthz")->status, 200);
  EXPECT_EQ(get("/readyz")->status, 200);
  EXPECT_EQ(get("/events/t")->status, 404);
  EXPECT_EQ(get("/")->status, 404);
  // /metrics has left the public listeners; their health checks stay.
  {
    auto client = Connect();
    ASSERT_TRUE(client);
    EXPECT_EQ(client->Fetch("/metrics")->status, 404);
    EXPECT_EQ(client->Fetch("/healthz")->status, 200);
  }

  // A stream whose client takes nothing keeps the gateway draining after SIGTERM (up to
  // its shutdown grace); meanwhile /readyz says 503 on the metrics listener.
  H2ClientOptions narrow;
  narrow.initial_stream_window = 1024;
  auto client = Connect(narrow);
  ASSERT_TRUE(client);
  StreamState* stream = client->stream(client->Get("/events/t"));
  ASSERT_TRUE(client->RunUntil([&] { return stream->headers_received; }, kWait));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"t"}, std::string(64 * 1024, 'q'))}));
  client->SetReading(false);
  ASSERT_EQ(kill(gateway().pid(), SIGTERM), 0);
  // Until the drain ends the process (get() fails) or the guard runs out.
  bool drained_503 = false;
  const auto give_up = std::chrono::steady_clock::now() + kWait;
  while (!drained_503 && std::chrono::steady_clock::now() < give_up) {
    const H1Response* ready = get("/readyz");
    if (ready == nullptr) break;
    drained_503 = ready->status == 503;
    if (!drained_503) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(drained_503);
}

TEST_F(OperationsRuntimeTest, AccessLogLinesForRequestsAndStreamsWithoutTokens) {
  ASSERT_NO_FATAL_FAILURE(StartGateway(
      {"--log-format", "json", "--auth-query-param", "token", "--public-topic", "open/**"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Fetch("/healthz"));
  const int32_t id = client->Get("/events/open/x?token=s3cret-value&lastEventId=");
  StreamState* stream = client->stream(id);
  ASSERT_TRUE(client->RunUntil([&] { return stream->headers_received; }, kWait));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"open/x"}, "hello", "a1")}));
  ASSERT_TRUE(WaitForEvents(*client, stream, 1));
  client->Cancel(id);  // the stream finishes
  ASSERT_TRUE(client->RunUntil([&] { return stream->closed; }, kWait));
  ASSERT_TRUE(WaitForLog("\"path\":\"/events/open/x?lastEventId=\"")) << gateway().Stderr();

  const std::string log = gateway().Stderr();
  EXPECT_THAT(log, ::testing::Not(HasSubstr("s3cret-value")));
  int access = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    if (entry["message"] != "access") continue;
    ++access;
    EXPECT_EQ(entry["protocol"], "h2");
    EXPECT_EQ(entry["method"], "GET");
    EXPECT_TRUE(entry["duration_ms"].is_number());
    if (entry["path"] == "/healthz") {
      EXPECT_EQ(entry["status"], 200);
      EXPECT_EQ(entry["bytes"], 3);
    } else {
      EXPECT_EQ(entry["path"], "/events/open/x?lastEventId=");
      EXPECT_EQ(entry["method"], "GET");
      EXPECT_EQ(entry["status"], 200);
      EXPECT_EQ(entry["events"], 1);
      EXPECT_GT(entry["bytes"].get<int>(), 10);
    }
  }
  EXPECT_EQ(access, 2) << log;
}

}  // namespace
}  // namespace ssegw::testing
