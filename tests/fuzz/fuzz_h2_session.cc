// Feeds the input to a ServerSession as client bytes — once after a valid client preface
// and SETTINGS frame (so the frames themselves get exercised), once raw (so the preface
// check does) — draining output, running timers and publishing between chunks, then
// shutting down. Checks that nothing crashes, leaks or trips a sanitizer, and that the
// stream gauge returns to zero.
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
#include "h2/server_session.h"
#include "http/fake_environment.h"

namespace {

using ssegw::h2::NewServerSession;
using ssegw::http::HttpSession;
using ssegw::http::SessionOptions;

void Check(bool condition) {
  if (!condition) std::abort();
}

class Listener final : public ssegw::http::OutputListener {
 public:
  void OnOutputPending() override {}
  void WakeBy(uint64_t) override {}
};

// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" and an empty SETTINGS frame.
constexpr std::string_view kPrefix(
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00", 33);

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Publishes event n on x or y and lets the centre deliver it; appends the session asked
// for are answered first, later than the call, as the gateway's log does.
void Publish(ssegw::http::testing::FakeEnvironment& env, uint64_t n) {
  env.Settle();
  (void)env.Publish({n % 2 == 0 ? "x" : "y"}, "event\n" + std::to_string(n),
                    "e" + std::to_string(n));
  env.Settle();
}

void Run(std::span<const uint8_t> input, bool with_prefix) {
  ssegw::http::testing::FakeEnvironment env(ssegw::MemoryLogOptions{64, 1 << 20});
  env.access.allowed_origins = {"*"};
  Listener listener;
  SessionOptions options;
  options.max_concurrent_streams = 16;
  options.stream_buffer_bytes = 512;
  options.retry_ms = 100;
  options.keepalive_ms = 1000;
  options.max_stream_age_ms = 5000;
  options.max_header_count = 16;
  options.max_header_list_bytes = 1024;
  {
    std::unique_ptr<HttpSession> owned = NewServerSession(env, options, listener);
    HttpSession& session = *owned;
    uint64_t now = 0;
    session.Start(now);
    std::string out;
    if (with_prefix) (void)session.Receive(Bytes(kPrefix));
    constexpr size_t kChunk = 61;
    for (size_t at = 0, step = 0; at < input.size(); at += kChunk, ++step) {
      const bool ok = session.Receive(input.subspan(at, std::min(kChunk, input.size() - at)));
      out.clear();
      (void)session.ProduceOutput(&out, 4096);
      if (!ok) break;
      Publish(env, step);
      now += 700;
      (void)session.OnTimer(now);
    }
    session.Shutdown();
    for (int i = 0; i < 4; ++i) {
      out.clear();
      (void)session.ProduceOutput(&out, 1 << 16);
    }
    Check(session.open_sse_streams() == env.counters().streams.value());
  }
  Check(env.counters().streams.value() == 0);
  Check(env.fanout().attached_count() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  Run(input, /*with_prefix=*/true);
  Run(input, /*with_prefix=*/false);
  return 0;
}
