// H1Harness: an h1::Session fed raw request bytes and drained of raw response bytes in
// one process, with the fake environment of the h2 tests (the real centre) and a fake clock.
// Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fake_environment.h"
#include "h1/session.h"

namespace ssegw::h1::testing {

class H1Harness final : public http::OutputListener {
 public:
  explicit H1Harness(const http::SessionOptions& options = {}, const Limits& limits = {});

  // Receive(); returns its result.
  bool Send(std::string_view bytes);
  // Everything ProduceOutput gives now (looping until it gives nothing), then tells the
  // session its output drained, as a connection whose client reads does.
  std::string Output(size_t max_bytes_per_call = 256 * 1024);
  // Advances the clock and runs OnTimer; returns its result.
  bool Tick(uint64_t advance_ms);

  http::testing::FakeEnvironment& env() { return env_; }
  http::HttpSession& session() { return *session_; }
  uint64_t now_ms() const { return now_ms_; }
  size_t output_pending = 0;  // OnOutputPending calls
  void OnOutputPending() override { ++output_pending; }
  // The earliest time a WakeBy asked for since the test last cleared it; 0: none.
  uint64_t wake_by = 0;
  void WakeBy(uint64_t at_ms) override {
    if (wake_by == 0 || at_ms < wake_by) wake_by = at_ms;
  }

 private:
  http::testing::FakeEnvironment env_;
  std::unique_ptr<http::HttpSession> session_;
  uint64_t now_ms_ = 1'000'000;
};

// "GET <path> HTTP/1.1" with Host and the given extra header lines ("Name: value\r\n"...).
std::string Get(std::string_view path, std::string_view extra_lines = "");

// Decodes a chunked body; `*complete` says whether the last chunk was seen.
std::string Dechunk(std::string_view chunked, bool* complete);

}  // namespace ssegw::h1::testing
