#include "app/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace ssegw::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A TOML file in the test's temporary directory, removed afterwards.
class TomlFile {
 public:
  explicit TomlFile(const std::string& text) {
    path_ = ::testing::TempDir() + "config_test_" + std::to_string(getpid()) + "_" +
            std::to_string(counter_++) + ".toml";
    std::ofstream(path_) << text;
  }
  ~TomlFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

Config MustParse(const std::vector<std::string>& args) {
  ParseResult result = ParseArgs(args);
  EXPECT_TRUE(result.config.has_value()) << result.message;
  return result.config.value_or(Config{});
}

TEST(ConfigTest, DefaultsAreTheContractTable) {
  Config config = MustParse({});
  EXPECT_EQ(config.listen, (Endpoint{"127.0.0.1", 8443}));
  EXPECT_FALSE(config.listen_plain.has_value());
  EXPECT_EQ(config.cert, "certs/dev/server.crt");
  EXPECT_EQ(config.key, "certs/dev/server.key");
  EXPECT_EQ(config.socket_path, "/tmp/sse-gateway.sock");
  EXPECT_EQ(config.socket_mode, 0660u);
  EXPECT_EQ(config.history_events, 10000u);
  EXPECT_EQ(config.history_bytes, 67108864u);
  EXPECT_EQ(config.keepalive_s, 15u);
  EXPECT_EQ(config.retry_ms, 0u);
  EXPECT_EQ(config.max_stream_age_s, 0u);
  EXPECT_EQ(config.max_connections, 10000u);
  EXPECT_EQ(config.max_streams, 1000u);
  EXPECT_EQ(config.stream_buffer_bytes, 1048576u);
  EXPECT_EQ(config.slow_consumer_grace_s, 10u);
  EXPECT_EQ(config.max_frame_bytes, 1048576u);
  EXPECT_TRUE(config.allow_origins.empty());
  EXPECT_EQ(config.threads, 0u);  // one per online CPU
  EXPECT_EQ(config.log_level, net::LogLevel::kInfo);
  EXPECT_TRUE(config.nats_urls.empty());  // the history lives in the process
  EXPECT_EQ(config.nats_creds, "");
  EXPECT_EQ(config.nats_ca, "");
  EXPECT_EQ(config.nats_stream, "SSEGW");
  EXPECT_EQ(config.nats_replicas, 1u);
  EXPECT_EQ(config.publish_timeout_ms, 2000u);
}

TEST(ConfigTest, ReadsTheClusterFlags) {
  Config config = MustParse({"--nats", "nats://10.0.0.1:4222", "--nats", "tls://nats.example",
                             "--nats-creds", "gw.creds", "--nats-ca", "ca.pem", "--nats-stream",
                             "EVENTS_2", "--nats-replicas", "3", "--publish-timeout", "500"});
  EXPECT_EQ(config.nats_urls,
            (std::vector<std::string>{"nats://10.0.0.1:4222", "tls://nats.example"}));
  EXPECT_EQ(config.nats_creds, "gw.creds");
  EXPECT_EQ(config.nats_ca, "ca.pem");
  EXPECT_EQ(config.nats_stream, "EVENTS_2");
  EXPECT_EQ(config.nats_replicas, 3u);
  EXPECT_EQ(config.publish_timeout_ms, 500u);
  TomlFile file(
      "nats = [\"nats://a:4222\", \"nats://b:4222\"]\nnats-replicas = 3\npublish-timeout = 750\n");
  Config from_file = MustParse({"--config", file.path()});
  EXPECT_EQ(from_file.nats_urls, (std::vector<std::string>{"nats://a:4222", "nats://b:4222"}));
  EXPECT_EQ(from_file.nats_replicas, 3u);
  EXPECT_EQ(from_file.publish_timeout_ms, 750u);
}

TEST(ConfigTest, ReadsEveryFlag) {
  Config config = MustParse({"--listen",
                             "[::1]:0",
                             "--listen-plain",
                             "0.0.0.0:8080",
                             "--cert",
                             "c.pem",
                             "--key",
                             "k.pem",
                             "--socket",
                             "/run/gw.sock",
                             "--socket-mode",
                             "0600",
                             "--history",
                             "5",
                             "--history-bytes",
                             "4096",
                             "--keepalive",
                             "30",
                             "--retry",
                             "2500",
                             "--max-stream-age",
                             "600",
                             "--max-connections",
                             "7",
                             "--max-streams",
                             "9",
                             "--stream-buffer",
                             "65536",
                             "--slow-consumer-grace",
                             "3",
                             "--max-frame",
                             "1024",
                             "--allow-origin",
                             "https://a.example",
                             "--allow-origin",
                             "*",
                             "--threads",
                             "4",
                             "--log-level",
                             "debug"});
  EXPECT_EQ(config.listen, (Endpoint{"::1", 0}));
  EXPECT_EQ(config.listen_plain, (Endpoint{"0.0.0.0", 8080}));
  EXPECT_EQ(config.cert, "c.pem");
  EXPECT_EQ(config.key, "k.pem");
  EXPECT_EQ(config.socket_path, "/run/gw.sock");
  EXPECT_EQ(config.socket_mode, 0600u);
  EXPECT_EQ(config.history_events, 5u);
  EXPECT_EQ(config.history_bytes, 4096u);
  EXPECT_EQ(config.keepalive_s, 30u);
  EXPECT_EQ(config.retry_ms, 2500u);
  EXPECT_EQ(config.max_stream_age_s, 600u);
  EXPECT_EQ(config.max_connections, 7u);
  EXPECT_EQ(config.max_streams, 9u);
  EXPECT_EQ(config.stream_buffer_bytes, 65536u);
  EXPECT_EQ(config.slow_consumer_grace_s, 3u);
  EXPECT_EQ(config.max_frame_bytes, 1024u);
  EXPECT_EQ(config.allow_origins, (std::vector<std::string>{"https://a.example", "*"}));
  EXPECT_EQ(config.threads, 4u);
  EXPECT_EQ(config.log_level, net::LogLevel::kDebug);
}

TEST(ConfigTest, TomlKeysMatchTheFlags) {
  TomlFile file(R"(
listen = "0.0.0.0:9443"
listen-plain = "[::]:0"
socket-mode = "0640"
history = 42
allow-origin = ["https://a.example", "https://b.example"]
log-level = "warn"
)");
  Config config = MustParse({"--config", file.path()});
  EXPECT_EQ(config.listen, (Endpoint{"0.0.0.0", 9443}));
  EXPECT_EQ(config.listen_plain, (Endpoint{"::", 0}));
  EXPECT_EQ(config.socket_mode, 0640u);
  EXPECT_EQ(config.history_events, 42u);
  EXPECT_EQ(config.allow_origins.size(), 2u);
  EXPECT_EQ(config.log_level, net::LogLevel::kWarn);
}

TEST(ConfigTest, CommandLineBeatsTheFile) {
  TomlFile file(
      "listen = \"0.0.0.0:9443\"\nhistory = 42\nallow-origin = [\"https://a.example\"]\n");
  Config config = MustParse({"--history", "7", "--config", file.path(), "--allow-origin", "*"});
  EXPECT_EQ(config.history_events, 7u);                            // flag wins
  EXPECT_EQ(config.listen, (Endpoint{"0.0.0.0", 9443}));           // file fills the rest
  EXPECT_EQ(config.allow_origins, std::vector<std::string>{"*"});  // replaced, not merged
}

struct BadCase {
  std::vector<std::string> args;
  std::string flag;  // the message must name it
};

class BadValueTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadValueTest, ExitsTwoNamingTheFlag) {
  ParseResult result = ParseArgs(GetParam().args);
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.message, HasSubstr(GetParam().flag));
}

INSTANTIATE_TEST_SUITE_P(
    Flags, BadValueTest,
    ::testing::Values(
        BadCase{{"--listen", "8443"}, "--listen"}, BadCase{{"--listen", "host:70000"}, "--listen"},
        BadCase{{"--listen", "::1:80"}, "--listen"}, BadCase{{"--history", "many"}, "--history"},
        BadCase{{"--history", "0"}, "--history"},
        BadCase{{"--history-bytes", "-5"}, "--history-bytes"},
        BadCase{{"--keepalive", "0"}, "--keepalive"}, BadCase{{"--retry", "1.5"}, "--retry"},
        BadCase{{"--max-connections", "0"}, "--max-connections"},
        BadCase{{"--max-streams", "x"}, "--max-streams"},
        BadCase{{"--stream-buffer", ""}, "--stream-buffer"},
        BadCase{{"--slow-consumer-grace", "0"}, "--slow-consumer-grace"},
        BadCase{{"--max-frame", "99999999999"}, "--max-frame"},
        BadCase{{"--socket-mode", "0899"}, "--socket-mode"},
        BadCase{{"--socket-mode", "1777"}, "--socket-mode"},
        BadCase{{"--socket", std::string(200, 's')}, "--socket"},
        BadCase{{"--allow-origin", "https://a.example/path"}, "--allow-origin"},
        BadCase{{"--threads", "1025"}, "--threads"},
        BadCase{{"--log-level", "verbose"}, "--log-level"},
        BadCase{{"--listen-plain", "127.0.0.1"}, "--listen-plain"},
        BadCase{{"--listen-plain", "::1:8080"}, "--listen-plain"},
        BadCase{{"--listen-plain", "127.0.0.1:70000"}, "--listen-plain"},
        BadCase{{"--nats", "http://127.0.0.1:4222"}, "--nats"},
        BadCase{{"--nats", "nats://"}, "--nats"},
        BadCase{{"--nats-stream", "a.b"}, "--nats-stream"},
        BadCase{{"--nats-stream", ""}, "--nats-stream"},
        BadCase{{"--nats-replicas", "0"}, "--nats-replicas"},
        BadCase{{"--nats-replicas", "7"}, "--nats-replicas"},
        BadCase{{"--publish-timeout", "0"}, "--publish-timeout"},
        BadCase{{"--no-such-flag", "1"}, "--no-such-flag"}, BadCase{{"--history"}, "--history"},
        BadCase{{"--config", "/nonexistent/sse-gateway.toml"}, "--config"}));

TEST(ConfigTest, UnknownTomlKeyGivesTheLineAndTheClosestKey) {
  TomlFile file("listen = \"127.0.0.1:0\"\n\nhistroy = 5\n");
  ParseResult result = ParseArgs({"--config", file.path()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.message, "sse-gateway: " + file.path() +
                                ":3: unknown key \"histroy\" (did you mean \"history\"?)\n");

  TomlFile far("colour = \"blue\"\n");
  result = ParseArgs({"--config", far.path()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.message, "sse-gateway: " + far.path() + ":1: unknown key \"colour\"\n");
}

TEST(ConfigTest, WrongTomlTypeIsOneShortLine) {
  TomlFile boolean("keepalive = 15\nhistory = true\n");
  ParseResult result = ParseArgs({"--config", boolean.path()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.message,
            "sse-gateway: " + boolean.path() + ":2: \"history\" must be an integer\n");

  TomlFile quoted("history = \"42\"\n");
  EXPECT_THAT(ParseArgs({"--config", quoted.path()}).message,
              HasSubstr(quoted.path() + ":1: \"history\" must be an integer"));

  TomlFile number("cert = 5\n");
  EXPECT_THAT(ParseArgs({"--config", number.path()}).message,
              HasSubstr(":1: \"cert\" must be a string"));

  TomlFile array("listen = [\"a:1\"]\n");
  EXPECT_THAT(ParseArgs({"--config", array.path()}).message,
              HasSubstr(":1: \"listen\" must be a string, not an array"));

  TomlFile origins("allow-origin = [\"https://a.example\", 5]\n");
  EXPECT_THAT(ParseArgs({"--config", origins.path()}).message,
              HasSubstr(":1: \"allow-origin\" must be a string or an array of strings"));

  // TOML would read 0660 as decimal 660, so the mode must be a string.
  TomlFile integer_mode("socket-mode = 660\n");
  EXPECT_THAT(ParseArgs({"--config", integer_mode.path()}).message,
              HasSubstr(":1: \"socket-mode\" must be a string such as \"0660\""));
}

TEST(ConfigTest, BadTomlValueGivesTheLine) {
  TomlFile file("\nhistory = 0\n");
  ParseResult result = ParseArgs({"--config", file.path()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.message,
              HasSubstr(file.path() + ":2: \"history\" expects an integer from 1 to"));
}

TEST(ConfigTest, TomlSyntaxErrorIsOneLineWithItsLine) {
  TomlFile syntax("history = 5\nlisten = \n");
  ParseResult result = ParseArgs({"--config", syntax.path()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.message, "sse-gateway: " + syntax.path() +
                                ":2: syntax error: missing value after key-value separator '='\n");
}

TEST(ConfigTest, MissingConfigFileSaysWhyInOneLine) {
  ParseResult result = ParseArgs({"--config", "/nonexistent/sse-gateway.toml"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.message,
            "sse-gateway: --config: cannot open /nonexistent/sse-gateway.toml: No such file or "
            "directory\n");
}

TEST(ConfigTest, UnknownFlagIsNamedWithTheClosestFlag) {
  ParseResult result = ParseArgs({"--histroy", "5"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.message, HasSubstr("--histroy"));
  EXPECT_THAT(result.message, HasSubstr("(did you mean --history?)"));
  EXPECT_THAT(ParseArgs({"--zzzzzzzzzz", "1"}).message, Not(HasSubstr("did you mean")));
}

TEST(ConfigTest, LogFormatIsTextOrJson) {
  EXPECT_EQ(MustParse({}).log_format, net::LogFormat::kText);
  EXPECT_EQ(MustParse({"--log-format", "json"}).log_format, net::LogFormat::kJson);
  TomlFile file("log-format = \"json\"\n");
  EXPECT_EQ(MustParse({"--config", file.path()}).log_format, net::LogFormat::kJson);
  ParseResult bad = ParseArgs({"--log-format", "xml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.message, HasSubstr("--log-format: expects text or json, got \"xml\""));
}

TEST(ConfigTest, CheckConfigIsAModeNotASetting) {
  ParseResult result = ParseArgs({"--check-config", "--history", "5"});
  ASSERT_TRUE(result.config.has_value()) << result.message;
  EXPECT_TRUE(result.check_only);
  EXPECT_FALSE(ParseArgs({}).check_only);
  TomlFile file("check-config = true\n");
  EXPECT_THAT(ParseArgs({"--config", file.path()}).message, HasSubstr("unknown key"));
}

TEST(ConfigTest, HelpAndVersionExitZero) {
  ParseResult help = ParseArgs({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_FALSE(help.config.has_value());
  EXPECT_THAT(help.message, HasSubstr("--max-stream-age"));
  ParseResult version = ParseArgs({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.message, "sse-gateway " SSEGW_VERSION "\n");
}

}  // namespace
}  // namespace ssegw::app
