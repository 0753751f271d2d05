// TicketKeys through real OpenSSL handshakes, in memory (BIO pairs): a session from one
// connection resumes on another served from another thread, tickets name the current
// key, and rotation keeps old tickets readable for one more period, then drops them.
#include "net/ticket_keys.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "net/tls_context.h"
#include "testutil/key_files.h"
#include "testutil/self_signed.h"

namespace ssegw::net {
namespace {

constexpr uint64_t kRotationMs = 3600 * 1000;

struct Connection {
  bool ok = false;
  bool reused = false;
  SSL_SESSION* session = nullptr;  // the client's session once the tickets are read; owned
};

// One handshake between a client of `client_ctx` (offering `offer` when not null) and a
// server of `server`, through a BIO pair; then the client reads the server's tickets.
Connection Connect(TlsContext& server, SSL_CTX* client_ctx, SSL_SESSION* offer) {
  Connection result;
  SSL* client = SSL_new(client_ctx);
  SSL* srv = SSL_new(server.get());
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_bio(srv, server_bio, server_bio);
  SSL_set_connect_state(client);
  SSL_set_accept_state(srv);
  if (offer != nullptr) SSL_set_session(client, offer);
  bool client_done = false, server_done = false;
  for (int round = 0; round < 100 && !(client_done && server_done); ++round) {
    if (!client_done) client_done = SSL_do_handshake(client) == 1;
    if (!server_done) server_done = SSL_do_handshake(srv) == 1;
  }
  if (client_done && server_done) {
    // The server's tickets follow its handshake; reading processes them.
    char byte;
    for (int i = 0; i < 4; ++i) {
      (void)SSL_read(client, &byte, 1);
      (void)SSL_write(srv, "", 0);
    }
    result.ok = true;
    result.reused = SSL_session_reused(client) == 1;
    result.session = SSL_get1_session(client);
    // A clean close: OpenSSL makes the session of a connection freed without one
    // unresumable.
    SSL_shutdown(client);
    SSL_shutdown(srv);
  }
  SSL_free(client);
  SSL_free(srv);
  return result;
}

// The first 16 bytes of a session's ticket: the name of the key it was encrypted under.
TicketKeys::Name TicketKeyName(SSL_SESSION* session) {
  const unsigned char* ticket = nullptr;
  size_t length = 0;
  SSL_SESSION_get0_ticket(session, &ticket, &length);
  TicketKeys::Name name{};
  if (length >= name.size()) std::memcpy(name.data(), ticket, name.size());
  return name;
}

class TicketKeysTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    const auto cert = ssegw::testing::WriteSelfSigned(files_);
    std::string error;
    keys_ = TicketKeys::Create(kRotationMs, &error, [this] { return now_ms_.load(); });
    ASSERT_TRUE(keys_) << error;
    server_ = TlsContext::Create(cert.cert_file, cert.key_file, &error, keys_);
    ASSERT_TRUE(server_) << error;
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(client_ctx_, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_max_proto_version(client_ctx_, GetParam());
  }
  void TearDown() override {
    for (SSL_SESSION* s : sessions_) SSL_SESSION_free(s);
    SSL_CTX_free(client_ctx_);
  }

  Connection Connect(SSL_SESSION* offer = nullptr) {
    Connection c = net::Connect(*server_, client_ctx_, offer);
    if (c.session != nullptr) sessions_.push_back(c.session);
    return c;
  }

  ssegw::testing::KeyFiles files_;
  std::atomic<uint64_t> now_ms_{1'000'000};
  std::shared_ptr<TicketKeys> keys_;
  std::unique_ptr<TlsContext> server_;
  SSL_CTX* client_ctx_ = nullptr;
  std::vector<SSL_SESSION*> sessions_;
};

TEST_P(TicketKeysTest, ASessionFromOneConnectionResumesOnAnotherServedFromAnotherThread) {
  const Connection first = Connect();
  ASSERT_TRUE(first.ok);
  EXPECT_FALSE(first.reused);
  ASSERT_NE(first.session, nullptr);
  // Workers are threads sharing the context: serve the second connection from another.
  Connection second;
  std::thread([&] { second = net::Connect(*server_, client_ctx_, first.session); }).join();
  if (second.session != nullptr) sessions_.push_back(second.session);
  ASSERT_TRUE(second.ok);
  EXPECT_TRUE(second.reused);
}

TEST_P(TicketKeysTest, TicketsAreEncryptedUnderTheCurrentKey) {
  const Connection c = Connect();
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(TicketKeyName(c.session), keys_->CurrentName());
}

TEST_P(TicketKeysTest, AfterARotationOldTicketsResumeAndAreRenewed) {
  const Connection first = Connect();
  const TicketKeys::Name old_name = keys_->CurrentName();
  now_ms_ += kRotationMs;
  const TicketKeys::Name new_name = keys_->CurrentName();
  EXPECT_NE(new_name, old_name);
  const Connection again = Connect(first.session);
  ASSERT_TRUE(again.ok);
  EXPECT_TRUE(again.reused);
  EXPECT_EQ(TicketKeyName(again.session), new_name);  // the client got a fresh ticket
}

TEST_P(TicketKeysTest, AfterTwoRotationsOldTicketsNeedAFullHandshake) {
  const Connection first = Connect();
  now_ms_ += kRotationMs;
  (void)keys_->CurrentName();
  now_ms_ += kRotationMs;
  (void)keys_->CurrentName();
  const Connection again = Connect(first.session);
  ASSERT_TRUE(again.ok);
  EXPECT_FALSE(again.reused);
}

TEST_P(TicketKeysTest, AKeyIdleForTwoPeriodsIsDroppedAtOnce) {
  const Connection first = Connect();
  now_ms_ += 2 * kRotationMs;  // one rotation, found due twice over
  const Connection again = Connect(first.session);
  ASSERT_TRUE(again.ok);
  EXPECT_FALSE(again.reused);
}

TEST_P(TicketKeysTest, AnotherProcessesKeysCannotReadTheTicket) {
  const Connection first = Connect();
  const auto cert = ssegw::testing::WriteSelfSigned(files_, "other");
  std::string error;
  auto other = TlsContext::Create(cert.cert_file, cert.key_file, &error);
  ASSERT_TRUE(other) << error;
  EXPECT_NE(other->ticket_keys().CurrentName(), keys_->CurrentName());
  Connection elsewhere = net::Connect(*other, client_ctx_, first.session);
  if (elsewhere.session != nullptr) sessions_.push_back(elsewhere.session);
  ASSERT_TRUE(elsewhere.ok);
  EXPECT_FALSE(elsewhere.reused);
}

INSTANTIATE_TEST_SUITE_P(Versions, TicketKeysTest,
                         ::testing::Values(TLS1_3_VERSION, TLS1_2_VERSION),
                         [](const ::testing::TestParamInfo<int>& version) {
                           return version.param == TLS1_3_VERSION ? "Tls13" : "Tls12";
                         });

}  // namespace
}  // namespace ssegw::net
