// Feeds the input to an h1::Session as client bytes, split where the first input byte
// says (so guard and parser state cross Receive boundaries), draining output with a small
// cap, publishing and running timers between pieces, then shutting down. Checks that
// nothing crashes, leaks or trips a sanitizer, that output always starts with a status
// line, that the session finishes after shutdown, and that the stream gauge returns to 0.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/counters.h"
#include "h1/session.h"
#include "http/fake_environment.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

class Listener final : public ssegw::http::OutputListener {
 public:
  void OnOutputPending() override {}
  void WakeBy(uint64_t) override {}
};

// Publishes event n on x or y and lets the centre deliver it; appends the session asked
// for are answered first, later than the call, as the gateway's log does.
void Publish(ssegw::http::testing::FakeEnvironment& env, uint64_t n) {
  env.Settle();
  (void)env.Publish({n % 2 == 0 ? "x" : "y"}, "event\n" + std::to_string(n),
                    "e" + std::to_string(n));
  env.Settle();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::span<const uint8_t> input(data + 1, size - 1);
  ssegw::http::testing::FakeEnvironment env(ssegw::MemoryLogOptions{64, 1 << 20});
  env.access.allowed_origins = {"*"};
  Listener listener;
  ssegw::http::SessionOptions options;
  options.stream_buffer_bytes = 1024;
  options.retry_ms = 100;
  options.keepalive_ms = 1000;
  options.max_stream_age_ms = 5000;
  options.max_header_count = 16;
  options.max_header_list_bytes = 1024;
  ssegw::h1::Limits limits;
  limits.max_request_line = 512;
  limits.max_buffered_input = 4096;
  limits.idle_timeout_ms = 10'000;
  {
    std::unique_ptr<ssegw::http::HttpSession> owned =
        ssegw::h1::NewSession(env, options, limits, listener);
    ssegw::http::HttpSession& session = *owned;
    uint64_t now = 0;
    session.Start(now);
    std::string out;
    bool first_output = true;
    for (size_t at = 0, step = 0; at < input.size(); at += piece, ++step) {
      const bool ok = session.Receive(input.subspan(at, std::min(piece, input.size() - at)));
      out.clear();
      Check(session.ProduceOutput(&out, 700));
      if (first_output && !out.empty()) {
        Check(out.starts_with("HTTP/1.1 "));
        first_output = false;
      }
      if (!ok || session.Finished()) break;
      Publish(env, step);
      now += 700;
      if (!session.OnTimer(now)) break;
    }
    session.Shutdown();
    for (int i = 0; i < 64 && !session.Finished(); ++i) {
      out.clear();
      Check(session.ProduceOutput(&out, 1 << 16));
    }
    Check(session.Finished());
    Check(session.open_sse_streams() == static_cast<size_t>(env.counters().streams.value()));
  }
  Check(env.counters().streams.value() == 0);
  Check(env.fanout().attached_count() == 0);
  return 0;
}
