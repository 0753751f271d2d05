// sse-bench against the real gateway: it must open every stream, publish, and count
// exactly events published × streams, with no errors, and say so in its JSON line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "testutil/command.h"
#include "testutil/gateway_process.h"

namespace ssegw::testing {
namespace {

struct BenchRun {
  int exit_code = -1;
  std::string json;      // the last stdout line
  std::string output;    // stdout and stderr, for failure messages
  std::string progress;  // stderr
};

// The number after "key": in the JSON line (nested keys included); nullopt if absent.
std::optional<double> Field(const std::string& json, const std::string& key) {
  const std::regex pattern("\"" + key + "\":(-?[0-9.]+)");
  std::smatch match;
  if (!std::regex_search(json, match, pattern)) return std::nullopt;
  return std::stod(match[1]);
}

class SseBenchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
    ASSERT_TRUE(cert) << error;
    gateway_ = std::make_unique<GatewayProcess>(
        GatewayConfig{.binary = SSEGW_GATEWAY_BIN, .certificate = *cert});
    ASSERT_TRUE(gateway_->Start(&error)) << error;
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "---- gateway stderr:\n" << gateway_->Stderr() << "----\n";
  }

  std::string Url(const std::string& topic) const {
    return "https://127.0.0.1:" + std::to_string(gateway_->port()) + "/events/" + topic;
  }

  // Runs sse-bench with `args`; its JSON line is the last line of stdout.
  static BenchRun Run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SSEGW_BENCH_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult result = RunCommand(argv);
    BenchRun run;
    run.exit_code = result.exit_code;
    run.output = result.out + result.err;
    run.progress = result.err;
    const size_t end = result.out.find_last_not_of('\n');
    if (end != std::string::npos) {
      const size_t start = result.out.rfind('\n', end);
      run.json = result.out.substr(start == std::string::npos ? 0 : start + 1,
                                   end - (start == std::string::npos ? 0 : start + 1) + 1);
    }
    return run;
  }

  void ExpectCleanCounts(const BenchRun& run, double streams) {
    SCOPED_TRACE(run.output);
    EXPECT_EQ(run.exit_code, 0);
    ASSERT_TRUE(Field(run.json, "events_published"));
    const double published = *Field(run.json, "events_published");
    EXPECT_GT(published, 0);
    EXPECT_EQ(Field(run.json, "events_sent"), published);
    EXPECT_EQ(Field(run.json, "streams_open"), streams);
    EXPECT_EQ(Field(run.json, "expected_deliveries"), published * streams);
    EXPECT_EQ(Field(run.json, "events_received"), published * streams);
    EXPECT_EQ(Field(run.json, "lost"), 0);
    EXPECT_EQ(Field(run.json, "errors"), 0);
    EXPECT_GT(*Field(run.json, "deliveries_per_s"), 0);
    EXPECT_GT(*Field(run.json, "samples"), 0);  // latency samples
    EXPECT_GT(*Field(run.json, "p99"), 0);
    EXPECT_GE(*Field(run.json, "max"), *Field(run.json, "p99"));
    EXPECT_TRUE(Field(run.json, "cpu_ns_per_delivery"));
  }

  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(SseBenchTest, OneTopicEveryStreamGetsEveryEvent) {
  const BenchRun run =
      Run({"--url", Url("bench"), "--connections", "4", "--streams", "25", "--duration", "3",
           "--publish-rate", "50", "--payload", "100", "--socket", gateway_->socket_path()});
  // How many events 3 s at 50/s come to depends on the machine's pace; the schedule
  // itself is PublishScheduleTest's, on a clock of its own.
  ExpectCleanCounts(run, 100);
}

TEST_F(SseBenchTest, ManyTopicsTwoThreadsBatchedPublishing) {
  // 100 streams on 10 topics; events spread over the topics, 5 per publish request.
  const BenchRun run = Run({"--url",      Url("spread"), "--connections",  "4",
                            "--streams",  "25",          "--topics",       "10",
                            "--threads",  "2",           "--duration",     "2",
                            "--warmup",   "1",           "--publish-rate", "200",
                            "--batch",    "5",           "--socket",       gateway_->socket_path(),
                            "--json-only"});
  // Each event reaches the 10 streams of its topic: published × 10, not × 100.
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  const double published = Field(run.json, "events_published").value_or(0);
  EXPECT_GT(published, 0);
  EXPECT_EQ(Field(run.json, "events_received"), published * 10);
  EXPECT_EQ(Field(run.json, "lost"), 0);
  EXPECT_EQ(Field(run.json, "errors"), 0);
  EXPECT_EQ(run.progress, "");  // --json-only: no progress lines
}

TEST_F(SseBenchTest, SamplesFileHoldsEveryRecordedSampleInPublishOrder) {
  const std::string path = ::testing::TempDir() + "bench-samples-" + std::to_string(getpid());
  const BenchRun run =
      Run({"--url", Url("samples"), "--connections", "2", "--streams", "5", "--threads", "2",
           "--duration", "1", "--warmup", "0.5", "--publish-rate", "40", "--socket",
           gateway_->socket_path(), "--json-only", "--samples-file", path});
  SCOPED_TRACE(run.output);
  ASSERT_EQ(run.exit_code, 0);
  std::ifstream in(path);
  double previous_at = -1;
  size_t lines = 0;
  double at = 0;
  double latency_ms = 0;
  while (in >> at >> latency_ms) {
    ++lines;
    EXPECT_GE(at, previous_at);  // publish order across both receive threads
    EXPECT_GT(latency_ms, 0);
    previous_at = at;
  }
  EXPECT_TRUE(in.eof());  // every line parsed
  EXPECT_GT(lines, 0u);
  EXPECT_EQ(static_cast<double>(lines), Field(run.json, "samples"));
  // Ten streams receive every event: each publish stamp appears ten times.
  EXPECT_EQ(lines % 10, 0u);
  unlink(path.c_str());
}

TEST_F(SseBenchTest, ListenOnlyHoldsStreams) {
  const BenchRun run =
      Run({"--url", Url("quiet"), "--connections", "2", "--streams", "10", "--duration", "1"});
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(Field(run.json, "streams_open"), 20);
  EXPECT_EQ(Field(run.json, "events_received"), 0);
  EXPECT_EQ(Field(run.json, "errors"), 0);
}

TEST_F(SseBenchTest, ReportsAMissingSocketAndBadFlags) {
  EXPECT_EQ(Run({"--url", Url("x"), "--duration", "1", "--publish-rate", "10", "--socket",
                 "/nonexistent/sse.sock"})
                .exit_code,
            1);
  EXPECT_EQ(Run({"--url", Url("x"), "--connections", "many"}).exit_code, 2);
  const BenchRun unwritable = Run({"--url", Url("x"), "--samples-file", "/nonexistent/samples"});
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_NE(unwritable.output.find("cannot write --samples-file /nonexistent/samples"),
            std::string::npos)
      << unwritable.output;
  EXPECT_EQ(Run({"--url", "ftp://127.0.0.1:1/events/x"}).exit_code, 2);
  // Publish-only mode needs something to publish.
  EXPECT_EQ(Run({"--url", Url("x"), "--connections", "0"}).exit_code, 2);
}

TEST_F(SseBenchTest, PublishOnlyMeasuresIngest) {
  // --connections 0: no subscriber, one pipelined publisher as fast as replies come back.
  const BenchRun run =
      Run({"--url", Url("ingest"), "--connections", "0", "--duration", "1", "--publish-rate",
           "1000000", "--batch", "50", "--socket", gateway_->socket_path(), "--gateway-pid",
           std::to_string(gateway_->pid()), "--json-only"});
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_GT(Field(run.json, "published_per_s").value_or(0), 0);
  EXPECT_EQ(Field(run.json, "events_published"), Field(run.json, "events_sent"));
  EXPECT_EQ(Field(run.json, "events_received"), 0);
  EXPECT_EQ(Field(run.json, "errors"), 0);
  EXPECT_GE(Field(run.json, "setup_s").value_or(-1), 0);
  EXPECT_TRUE(Field(run.json, "gateway_cpu_ns_per_published_event"));
}

TEST_F(SseBenchTest, H2cWithPriorKnowledgeOnTheCleartextListener) {
  std::string error;
  const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  ASSERT_TRUE(cert) << error;
  GatewayProcess gateway(GatewayConfig{
      .binary = SSEGW_GATEWAY_BIN, .certificate = *cert, .listen_plain = "127.0.0.1:0"});
  ASSERT_TRUE(gateway.Start(&error)) << error;
  const std::string url =
      "http://127.0.0.1:" + std::to_string(gateway.plain_port()) + "/events/plain";
  const BenchRun run =
      Run({"--url", url, "--connections", "2", "--streams", "10", "--duration", "1",
           "--publish-rate", "50", "--socket", gateway.socket_path(), "--json-only"});
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  const double published = Field(run.json, "events_published").value_or(0);
  EXPECT_GT(published, 0);
  EXPECT_EQ(Field(run.json, "events_received"), published * 20);
  EXPECT_EQ(Field(run.json, "lost"), 0);
  EXPECT_EQ(Field(run.json, "errors"), 0);
}

TEST_F(SseBenchTest, IdleConnectionsReportTheGatewaysMemoryPerConnection) {
  const BenchRun run =
      Run({"--url", Url("idle"), "--connections", "40", "--streams", "1", "--duration", "1",
           "--gateway-pid", std::to_string(gateway_->pid()), "--json-only"});
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(Field(run.json, "streams_open"), 40);
  const double before = Field(run.json, "before").value_or(0);
  const double held = Field(run.json, "held").value_or(0);
  EXPECT_GT(before, 0);
  EXPECT_GT(held, before);  // forty connections take some memory
  // Held minus before, per connection, in bytes.
  EXPECT_NEAR(Field(run.json, "gateway_rss_bytes_per_connection").value_or(-1),
              (held - before) * 1024 / 40, 1);
  EXPECT_GE(Field(run.json, "gateway_cpu_share").value_or(-1), 0);
  EXPECT_EQ(Field(run.json, "source_addresses"), 0);  // 40 connections need no more
}

TEST_F(SseBenchTest, ConnectionsSpreadOverLoopbackSourceAddresses) {
  const BenchRun run = Run({"--url", Url("spread-sources"), "--connections", "30", "--streams", "2",
                            "--duration", "1", "--source-addresses", "3", "--json-only"});
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(Field(run.json, "source_addresses"), 3);
  EXPECT_EQ(Field(run.json, "streams_open"), 60);
  EXPECT_EQ(Field(run.json, "errors"), 0);
}

// The storm's counts: every connection back (resumed or not, as asked), every stream with
// the marker, the events it missed and every live event, nothing lost.
void ExpectStormCounts(const BenchRun& run, double connections, double streams, double behind,
                       bool resume) {
  SCOPED_TRACE(run.output);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(Field(run.json, "events_behind"), behind);
  EXPECT_EQ(Field(run.json, "handshakes_resumed"), resume ? connections : 0);
  EXPECT_EQ(Field(run.json, "handshakes_full"), resume ? 0 : connections);
  EXPECT_EQ(Field(run.json, "streams_caught_up"), streams);
  EXPECT_GT(Field(run.json, "reconnect_s").value_or(0), 0);
  EXPECT_GE(Field(run.json, "catch_up_s").value_or(0), Field(run.json, "reconnect_s").value_or(1));
  const double live = Field(run.json, "events_published").value_or(-1);
  EXPECT_GT(live, 0);
  EXPECT_EQ(Field(run.json, "events_received"), (1 + behind + live) * streams);
  EXPECT_EQ(Field(run.json, "streams_open"), streams);
  EXPECT_EQ(Field(run.json, "lost"), 0);
  EXPECT_EQ(Field(run.json, "errors"), 0);
}

TEST_F(SseBenchTest, ReconnectStormWithSessionResumption) {
  const BenchRun run = Run({"--url", Url("storm"), "--connections", "10", "--streams", "2",
                            "--storm", "30", "--resume", "--publish-rate", "40", "--duration", "1",
                            "--batch", "8", "--socket", gateway_->socket_path(), "--json-only"});
  ExpectStormCounts(run, 10, 20, 30, true);
}

TEST_F(SseBenchTest, ReconnectStormWithFullHandshakes) {
  const BenchRun run = Run({"--url", Url("storm-full"), "--connections", "10", "--streams", "2",
                            "--storm", "30", "--publish-rate", "40", "--duration", "1", "--socket",
                            gateway_->socket_path(), "--json-only"});
  ExpectStormCounts(run, 10, 20, 30, false);
}

TEST_F(SseBenchTest, ReconnectStormNeedsOneTopic) {
  EXPECT_EQ(Run({"--url", Url("storm"), "--topics", "2", "--storm", "5", "--socket",
                 gateway_->socket_path()})
                .exit_code,
            2);
  EXPECT_EQ(Run({"--url", Url("storm"), "--connections", "0", "--publish-rate", "5", "--storm", "5",
                 "--socket", gateway_->socket_path()})
                .exit_code,
            2);
}

}  // namespace
}  // namespace ssegw::testing
