// scripts/dev-token end to end: tokens it mints verify with the library and grant what
// was asked, with the key it makes once and then reuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <vector>

#include "auth/verifier.h"
#include "testutil/auth_printers.h"
#include "testutil/command.h"
#include "testutil/key_files.h"

namespace ssegw::auth {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunCommand;

class DevTokenTest : public ::testing::Test {
 protected:
  ~DevTokenTest() override {
    for (const char* name : {"/token-signing.key", "/token-signing.pub"}) {
      unlink((files_.dir() + name).c_str());
    }
  }

  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {SSEGW_DEV_TOKEN, "--dir", files_.dir()});
    return RunCommand(args);
  }

  // The token a successful run printed: its one line.
  std::string Mint(const std::vector<std::string>& args) {
    const CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(result.out.ends_with('\n'));
    const std::string token = result.out.substr(0, result.out.find('\n'));
    EXPECT_EQ(token.size() + 1, result.out.size()) << "more than one line: " << result.out;
    return token;
  }

  std::shared_ptr<const Verifier> LoadWithKeyPath(VerifierOptions options = {}) {
    const CommandResult result = Run({"--key-path"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const std::vector<std::string> paths = {result.out.substr(0, result.out.find('\n'))};
    EXPECT_EQ(paths[0], files_.dir() + "/token-signing.pub");
    Loaded<std::shared_ptr<const Verifier>> loaded = LoadVerifier(paths, std::move(options));
    EXPECT_TRUE(loaded.ok()) << loaded.error;
    return loaded.ok() ? *loaded.value : nullptr;
  }

  testing::KeyFiles files_;
};

TEST_F(DevTokenTest, MintsATokenTheVerifierAccepts) {
  const int64_t before = std::time(nullptr);
  const std::string token = Mint({"news/*", "orders/42", "--publish", "user/alice/**", "--ttl",
                                  "120", "--aud", "sse", "--iss", "dev-issuer"});
  const int64_t after = std::time(nullptr);

  VerifierOptions options;
  options.audience = "sse";
  options.issuer = "dev-issuer";
  const std::shared_ptr<const Verifier> verifier = LoadWithKeyPath(options);
  ASSERT_NE(verifier, nullptr);
  const AuthResult result = verifier->Verify(token, after);
  ASSERT_TRUE(result.valid()) << Describe(result.reason());
  const Claims& claims = result.claims();
  EXPECT_GE(claims.expires_at, before + 120);
  EXPECT_LE(claims.expires_at, after + 120);
  EXPECT_TRUE(claims.CanSubscribe("news/today"));
  EXPECT_TRUE(claims.CanSubscribe("orders/42"));
  EXPECT_FALSE(claims.CanSubscribe("news"));
  EXPECT_FALSE(claims.CanSubscribe("user/alice/x"));
  EXPECT_TRUE(claims.CanPublish("user/alice/x"));
  EXPECT_FALSE(claims.CanPublish("news/today"));
  EXPECT_EQ(verifier->Verify(token, claims.expires_at).reason(), InvalidReason::kExpired);
}

TEST_F(DevTokenTest, SaysWhichKeyToGiveTheGateway) {
  const CommandResult result = Run({"clock"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("--auth-key " + files_.dir() + "/token-signing.pub"));
}

TEST_F(DevTokenTest, ReusesItsKeyAndAlwaysWritesA64ByteSignature) {
  // Enough tokens that some r or s has leading zero bytes the script must pad back.
  std::vector<std::string> tokens;
  for (int i = 0; i < 16; ++i) tokens.push_back(Mint({"topic/" + std::to_string(i)}));
  const std::shared_ptr<const Verifier> verifier = LoadWithKeyPath();
  ASSERT_NE(verifier, nullptr);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const AuthResult result = verifier->Verify(tokens[i], std::time(nullptr));
    ASSERT_TRUE(result.valid()) << "token " << i << ": " << Describe(result.reason());
    EXPECT_TRUE(result.claims().CanSubscribe("topic/" + std::to_string(i)));
  }
}

TEST_F(DevTokenTest, RefusesPatternsTheGatewayWouldRefuse) {
  for (const char* bad : {"a*b", "news/**/x", "news/{id}", "news sport", ""}) {
    const CommandResult result = Run({bad});
    EXPECT_EQ(result.exit_code, 2) << bad;
    EXPECT_THAT(result.err, HasSubstr("dev-token: ")) << bad;
    EXPECT_TRUE(result.out.empty()) << bad;
  }
  EXPECT_EQ(Run({}).exit_code, 2);
  EXPECT_EQ(Run({"a", "--ttl", "soon"}).exit_code, 2);
  EXPECT_EQ(Run({"a", "--bogus"}).exit_code, 2);
}

TEST_F(DevTokenTest, AnswersHelp) {
  const CommandResult result = Run({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("Usage: scripts/dev-token"));
  EXPECT_THAT(result.out, HasSubstr("--publish PATTERN"));
}

}  // namespace
}  // namespace ssegw::auth
