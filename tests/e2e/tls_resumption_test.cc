// TLS session resumption against the real gateway: a client that keeps the session of
// its first connection skips the full handshake on its next ones, whichever worker
// accepts them (the test runs with four workers, so reconnects land on several).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

constexpr int kReconnects = 24;

struct TlsResult {
  bool served = false;  // the handshake finished and GET /healthz was answered 200
  bool resumed = false;
  SSL_SESSION* session = nullptr;  // the client's session afterwards; owned by the caller
};

// One blocking TLS connection (ALPN http/1.1) offering `offer`: GET /healthz, read the
// answer (the server's session tickets come with it), close cleanly.
TlsResult HealthzOverTls(SSL_CTX* ctx, int port, SSL_SESSION* offer) {
  TlsResult result;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{10, 0};  // a give-up bound, never the verdict
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return result;
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (offer != nullptr) SSL_set_session(ssl, offer);
  if (SSL_connect(ssl) == 1) {
    const std::string request = "GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n";
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));
    std::string answer;
    char buffer[4096];
    while (answer.find("\r\n\r\nok\n") == std::string::npos) {
      const int n = SSL_read(ssl, buffer, sizeof buffer);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
    result.served = answer.starts_with("HTTP/1.1 200");
    result.resumed = SSL_session_reused(ssl) == 1;
    result.session = SSL_get1_session(ssl);
    SSL_shutdown(ssl);  // clean: OpenSSL keeps the session resumable
  }
  ERR_clear_error();
  SSL_free(ssl);
  close(fd);
  return result;
}

class TlsResumptionTest : public GatewayTest, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_max_proto_version(ctx_, GetParam());
    static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx_, kAlpn, sizeof kAlpn);
  }
  void TearDown() override {
    SSL_CTX_free(ctx_);
    GatewayTest::TearDown();
  }

  SSL_CTX* ctx_ = nullptr;
};

TEST_P(TlsResumptionTest, ReconnectsResumeTheFirstConnectionsSessionOnEveryWorker) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--threads", "4"}));
  const TlsResult first = HealthzOverTls(ctx_, gateway().port(), nullptr);
  ASSERT_TRUE(first.served);
  EXPECT_FALSE(first.resumed);
  ASSERT_NE(first.session, nullptr);
  int resumed = 0;
  for (int i = 0; i < kReconnects; ++i) {
    const TlsResult again = HealthzOverTls(ctx_, gateway().port(), first.session);
    EXPECT_TRUE(again.served) << i;
    if (again.resumed) ++resumed;
    if (again.session != nullptr) SSL_SESSION_free(again.session);
  }
  // Each reconnect's source port picks one of the four workers' sockets: with 24 of them
  // every worker is all but certain to get some, and none may refuse the session.
  EXPECT_EQ(resumed, kReconnects);
  SSL_SESSION_free(first.session);
}

TEST_P(TlsResumptionTest, AnotherGatewayProcessMakesAFullHandshake) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const TlsResult first = HealthzOverTls(ctx_, gateway().port(), nullptr);
  ASSERT_NE(first.session, nullptr);
  // Another process (as after a restart) has its own keys: the ticket is unreadable.
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const TlsResult again = HealthzOverTls(ctx_, gateway().port(), first.session);
  EXPECT_TRUE(again.served);
  EXPECT_FALSE(again.resumed);
  if (again.session != nullptr) SSL_SESSION_free(again.session);
  SSL_SESSION_free(first.session);
}

TEST_P(TlsResumptionTest, ATicketFromBeforeAReloadResumesAfterIt) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--threads", "2"}));
  const TlsResult first = HealthzOverTls(ctx_, gateway().port(), nullptr);
  ASSERT_NE(first.session, nullptr);
  // A certificate reload builds a new TLS context; it keeps the process's ticket keys, or
  // every browser would make a full handshake after each renewal.
  ASSERT_EQ(kill(gateway().pid(), SIGHUP), 0);
  bool reloaded = false;
  for (int i = 0; i < 200 && !reloaded; ++i) {  // a give-up bound only
    reloaded = gateway().Stderr().find("reloaded") != std::string::npos;
    if (!reloaded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(reloaded) << gateway().Stderr();
  const TlsResult again = HealthzOverTls(ctx_, gateway().port(), first.session);
  EXPECT_TRUE(again.served);
  EXPECT_TRUE(again.resumed);
  if (again.session != nullptr) SSL_SESSION_free(again.session);
  SSL_SESSION_free(first.session);
}

INSTANTIATE_TEST_SUITE_P(Versions, TlsResumptionTest,
                         ::testing::Values(TLS1_3_VERSION, TLS1_2_VERSION),
                         [](const ::testing::TestParamInfo<int>& version) {
                           return version.param == TLS1_3_VERSION ? "Tls13" : "Tls12";
                         });

}  // namespace
}  // namespace ssegw::testing
