// The operator's surface of the real binaries: --version and bad-flag exit codes of every
// tool, --check-config, the certificate and key errors at start, the default
// certificate's hint and --log-format json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e_support.h"
#include "testutil/command.h"

namespace ssegw::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

// A private directory for sockets, keys and configs, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/ssegw-ops-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class OperationsTest : public GatewayTest {
 protected:
  void SetUp() override {
    std::string error;
    auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
    ASSERT_TRUE(cert) << error;
    cert_ = *cert;
  }

  // sse-gateway with the test certificate unless `cert`/`key` name others, a socket in the
  // scratch directory unless args name one, and an ephemeral port.
  CommandResult Gateway(std::vector<std::string> args, std::string cert = "",
                        std::string key = "") {
    std::vector<std::string> argv = {SSEGW_GATEWAY_BIN,
                                     "--cert",
                                     cert.empty() ? cert_.cert_file : cert,
                                     "--key",
                                     key.empty() ? cert_.key_file : key,
                                     "--listen",
                                     "127.0.0.1:0"};
    if (std::find(args.begin(), args.end(), "--socket") == args.end()) {
      argv.insert(argv.end(), {"--socket", scratch_ / "gw.sock"});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = scratch_ / name;
    std::ofstream(path) << text;
    return path;
  }

  std::string NewKey(const std::string& name, const std::string& algorithm_options) {
    const std::string path = scratch_ / name;
    const std::string command =
        "openssl genpkey " + algorithm_options + " -out '" + path + "' 2>/dev/null";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return path;
  }

  TestCertificate cert_;
  ScratchDir scratch_;
};

TEST_F(OperationsTest, EveryBinaryPrintsItsVersionAndExitsZero) {
  for (const std::string binary :
       {SSEGW_GATEWAY_BIN, SSEGW_PUBLISH_BIN, SSEGW_BENCH_BIN, SSEGW_DEMO_PUBLISHER_BIN}) {
    const CommandResult r = RunCommand({binary, "--version"});
    const std::string name = std::filesystem::path(binary).filename();
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, name + " " SSEGW_VERSION "\n");
    EXPECT_EQ(r.err, "");
  }
}

TEST_F(OperationsTest, EveryBinaryExitsTwoOnABadFlag) {
  for (const std::string binary :
       {SSEGW_GATEWAY_BIN, SSEGW_PUBLISH_BIN, SSEGW_BENCH_BIN, SSEGW_DEMO_PUBLISHER_BIN}) {
    const CommandResult r = RunCommand({binary, "--no-such-flag"});
    const std::string name = std::filesystem::path(binary).filename();
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(name + ": ")) << name;
    EXPECT_THAT(r.err, HasSubstr("(see --help)")) << name;
  }
  // Where nothing else is missing, the message names the flag.
  EXPECT_THAT(RunCommand({SSEGW_DEMO_PUBLISHER_BIN, "--no-such-flag"}).err,
              HasSubstr("--no-such-flag"));
  EXPECT_THAT(RunCommand({SSEGW_GATEWAY_BIN, "--no-such-flag"}).err, HasSubstr("--no-such-flag"));
}

TEST_F(OperationsTest, CheckConfigPassesAGoodConfigWithoutServing) {
  const std::string config = Write("gw.toml", "history = 50\nlog-format = \"json\"\n");
  const CommandResult r = Gateway({"--config", config, "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ok: --cert " + cert_.cert_file + " and --key " + cert_.key_file +
                               ": /CN=localhost, valid until "));
  EXPECT_THAT(r.out, EndsWith("sse-gateway: the configuration is good\n"));
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(std::filesystem::exists(scratch_ / "gw.sock"));  // nothing was served
}

TEST_F(OperationsTest, CheckConfigReportsEveryProblemAndExitsTwo) {
  const CommandResult r = Gateway({"--check-config", "--socket", "/nonexistent/dir/gw.sock"},
                                  cert_.key_file, cert_.cert_file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("sse-gateway: " + cert_.key_file +
                               ": not a PEM certificate: found a private key (are --cert and "
                               "--key swapped?)\n"));
  EXPECT_THAT(r.err, HasSubstr("--socket /nonexistent/dir/gw.sock: directory /nonexistent/dir: "
                               "No such file or directory"));
  EXPECT_THAT(r.err, EndsWith("the configuration has 2 problems\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("configuration is good")));
}

TEST_F(OperationsTest, CheckConfigExitsTwoOnABadFileKey) {
  const std::string config = Write("gw.toml", "\nhistroy = 5\n");
  const CommandResult r = Gateway({"--check-config", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "sse-gateway: " + config + ":2: unknown key \"histroy\" (did you mean \"history\"?)\n");
}

TEST_F(OperationsTest, MismatchedKeyStopsTheStartNamingBothFiles) {
  const std::string ec = NewKey("other-ec.key", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  CommandResult r = Gateway({}, "", ec);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "sse-gateway: certificate and key do not match: the key in " + ec +
                       " is not the key of the certificate in " + cert_.cert_file + "\n");

  const std::string rsa = NewKey("rsa.key", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  r = Gateway({}, "", rsa);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("(the certificate is for an EC 256-bit key; " + rsa +
                               " holds an RSA 2048-bit key)"));
}

TEST_F(OperationsTest, KeyThatIsNotAKeySaysWhatItHolds) {
  const std::string garbage = Write("garbage.key", "not a key\n");
  CommandResult r = Gateway({}, "", garbage);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "sse-gateway: " + garbage +
                       ": not a PEM private key: found no PEM block (DER, or not a certificate "
                       "or key at all?)\n");
  EXPECT_THAT(r.err, Not(HasSubstr("DECODER")));

  const std::string encrypted = scratch_ / "encrypted.key";
  const std::string command = "openssl pkey -in '" + cert_.key_file +
                              "' -aes256 -passout pass:x -out '" + encrypted + "' 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  r = Gateway({}, "", encrypted);  // must not wait for a passphrase on the terminal
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(encrypted + ": the private key is encrypted"));
}

TEST_F(OperationsTest, MissingDefaultCertificateSaysHowToMakeOne) {
  // Run where there is no certs/dev/: the default path is relative to the working directory.
  const CommandResult r = RunCommand({"/usr/bin/env", "-C", scratch_.path(), SSEGW_GATEWAY_BIN,
                                      "--listen", "127.0.0.1:0", "--socket", scratch_ / "gw.sock"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "sse-gateway: no certs/dev/server.crt in the working directory " +
                       scratch_.path() +
                       " (the default is a relative path): make a development certificate with "
                       "scripts/gen-dev-cert from the source tree, or pass --cert FILE --key "
                       "FILE\n");
}

TEST_F(OperationsTest, JsonLogLinesAreOneObjectEach) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--log-format", "json", "--log-level", "debug"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  const auto status = gateway().Terminate();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  std::istringstream lines(gateway().Stderr());
  int parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(object.is_object()) << line;
    EXPECT_TRUE(object["time"].is_string()) << line;
    EXPECT_TRUE(object["level"].is_string()) << line;
    EXPECT_TRUE(object["message"].is_string()) << line;
    ++parsed;
  }
  EXPECT_GE(parsed, 2) << gateway().Stderr();  // at least "listening on" and "stopped"
}

}  // namespace
}  // namespace ssegw::testing
