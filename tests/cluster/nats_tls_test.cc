// The cluster library over TLS: a tls:// URL and --nats-ca's CA file against a
// nats-server that requires TLS with the project's self-signed development certificate
// (made fresh by scripts/gen-dev-cert; it is its own CA).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "nats_test_support.h"
#include "testutil/nats_server.h"

namespace ssegw::cluster {
namespace {

using namespace ::ssegw::cluster::testing;

class NatsTls : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ssegw-nats-tls-").string() + "XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    const std::string command = "'" SSEGW_GEN_DEV_CERT "' '" + dir_ + "' 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    servers_ = std::make_unique<ssegw::testing::NatsCluster>(ssegw::testing::NatsClusterConfig{
        .tls_cert = dir_ + "/server.crt", .tls_key = dir_ + "/server.key"});
    std::string error;
    ASSERT_TRUE(servers_->Start(&error)) << error;
  }
  void TearDown() override {
    servers_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string dir_;
  std::unique_ptr<ssegw::testing::NatsCluster> servers_;
};

TEST_F(NatsTls, PublishesOverTlsVerifiedWithTheGivenCa) {
  ASSERT_EQ(servers_->ClientUrl(0).rfind("tls://", 0), 0u);
  OwnerQueue owner;
  NatsConnectionOptions options;
  options.urls = servers_->ClientUrls();
  options.ca_file = dir_ + "/server.crt";
  auto started = NatsConnection::Start(options, owner.post(), {});
  ASSERT_TRUE(started.ok()) << Describe(started.error());
  std::unique_ptr<NatsConnection> connection = std::move(started).value();
  ASSERT_TRUE(WaitForState(owner, *connection, ConnectionState::kConnected));
  NatsResult<StreamDescription> stream = EnsureStreamPatiently(owner, *connection, TestStream());
  ASSERT_TRUE(stream.ok()) << Describe(stream.error());
  auto ack = Await<PublishAck>(owner, [&](auto done) {
    connection->Publish(Message("tls", "over tls"), std::chrono::seconds(5), std::move(done));
  });
  ASSERT_TRUE(ack && ack->ok());
  EXPECT_EQ(ack->value().seq, 1u);
}

TEST_F(NatsTls, RefusesAServerWhoseCertificateNamesAnotherHost) {
  // A CA that signed nothing for 127.0.0.1: the handshake must fail, and say why.
  const std::string other = dir_ + "/other";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=other -addext subjectAltName=DNS:other "
      "-keyout '" +
      other + ".key' -out '" + other + ".crt' 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  ssegw::testing::NatsCluster wrong(
      ssegw::testing::NatsClusterConfig{.tls_cert = other + ".crt", .tls_key = other + ".key"});
  std::string error;
  ASSERT_TRUE(wrong.Start(&error)) << error;

  OwnerQueue owner;
  std::vector<std::string> errors;
  NatsConnectionOptions options;
  options.urls = wrong.ClientUrls();
  options.ca_file = other + ".crt";
  ConnectionEvents events;
  events.on_async_error = [&](std::string text) { errors.push_back(std::move(text)); };
  auto started = NatsConnection::Start(options, owner.post(), std::move(events));
  ASSERT_TRUE(started.ok()) << Describe(started.error());
  std::unique_ptr<NatsConnection> connection = std::move(started).value();
  ASSERT_TRUE(owner.RunUntil([&] { return !errors.empty(); }, kGiveUp));
  EXPECT_NE(errors.front().find("mismatch"), std::string::npos) << errors.front();
  EXPECT_EQ(connection->state(), ConnectionState::kConnecting);
}

TEST_F(NatsTls, StartRefusesAMissingCaFile) {
  OwnerQueue owner;
  NatsConnectionOptions options;
  options.urls = servers_->ClientUrls();
  options.ca_file = dir_ + "/missing.crt";
  auto started = NatsConnection::Start(options, owner.post(), {});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, NatsErrorKind::kInvalid);
}

}  // namespace
}  // namespace ssegw::cluster
