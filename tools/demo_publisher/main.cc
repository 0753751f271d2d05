// sse-demo-publisher: feeds the demo page. Publishes the time to topic "clock" every
// second and a counter to topic "counter" every 500 ms through the gateway's publish
// socket, and keeps doing so across gateway restarts (a failed publish is logged once
// and retried on the next tick with a fresh connection).
//
// Usage: sse-demo-publisher [--socket PATH]. Stops cleanly (exit 0) on SIGINT/SIGTERM.
#include <ssegw/publisher.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <thread>

#include "common/parse_flags.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(500);

volatile std::sig_atomic_t g_stop = 0;

void OnStopSignal(int) {
  g_stop = 1;
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Logs state changes only, so a gateway that is down for an hour costs two lines.
class Reporter {
 public:
  void Report(const ssegw::PublishOutcome& outcome) {
    if (healthy_ == outcome.accepted) return;
    healthy_ = outcome.accepted;
    if (outcome.accepted) {
      fprintf(stderr, "sse-demo-publisher: publishing\n");
    } else {
      fprintf(stderr, "sse-demo-publisher: publish failed (%s); retrying every %lld ms\n",
              outcome.error.c_str(), static_cast<long long>(kTick.count()));
    }
  }

 private:
  std::optional<bool> healthy_;  // unknown until the first publish
};

ssegw::PublishEvent Event(const char* topic, std::string data) {
  ssegw::PublishEvent event;
  event.topics = {topic};
  event.data = std::move(data);
  return event;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Publishes a clock (topic clock, every second) and a counter (topic counter, "
      "every 500 ms) to sse-gateway.",
      "sse-demo-publisher"};
  std::string socket_path = "/tmp/sse-gateway.sock";
  cli.add_option("--socket", socket_path, "the gateway's publish socket")
      ->type_name("PATH")
      ->capture_default_str();
  if (auto code = ssegw::tools::ParseFlags(cli, argc, argv)) return *code;

  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Two attempts per publish: a gateway restart costs one reconnect, not a lost tick;
  // while the gateway is down each tick fails fast and the next one tries again.
  ssegw::PublisherOptions options;
  options.socket_path = socket_path;
  options.max_attempts = 2;
  options.reconnect_backoff = std::chrono::milliseconds(50);
  ssegw::Publisher publisher(options);
  Reporter reporter;
  uint64_t counter = 0;
  uint64_t tick = 0;
  auto next = Clock::now();
  while (!g_stop) {
    reporter.Report(publisher.Publish({Event("counter", std::to_string(++counter))}));
    if (tick++ % 2 == 0) {
      reporter.Report(publisher.Publish({Event("clock", UtcNow())}));
    }
    next += kTick;
    if (next < Clock::now()) next = Clock::now();  // after a stall, do not burst to catch up
    std::this_thread::sleep_until(next);
  }
  return 0;
}
