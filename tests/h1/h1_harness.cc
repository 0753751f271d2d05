#include "h1_harness.h"

#include <cstdlib>

namespace ssegw::h1::testing {

H1Harness::H1Harness(const http::SessionOptions& options, const Limits& limits)
    : session_(NewSession(env_, options, limits, *this)) {
  session_->Start(now_ms_);
}

bool H1Harness::Send(std::string_view bytes) {
  return session_->Receive({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

std::string H1Harness::Output(size_t max_bytes_per_call) {
  std::string all;
  while (true) {
    std::string out;
    session_->ProduceOutput(&out, max_bytes_per_call);
    // Lookups answered and catch-up fed between turns, as a worker does.
    const bool settled = env_.Settle();
    if (out.empty() && !settled) break;
    all += out;
  }
  // Everything produced is taken, as by a client that reads.
  session_->OnOutputDrained();
  return all;
}

bool H1Harness::Tick(uint64_t advance_ms) {
  now_ms_ += advance_ms;
  return session_->OnTimer(now_ms_);
}

std::string Get(std::string_view path, std::string_view extra_lines) {
  std::string request = "GET ";
  request += path;
  request += " HTTP/1.1\r\nHost: test\r\n";
  request += extra_lines;
  request += "\r\n";
  return request;
}

std::string Dechunk(std::string_view chunked, bool* complete) {
  std::string body;
  *complete = false;
  size_t pos = 0;
  while (pos < chunked.size()) {
    const size_t line_end = chunked.find("\r\n", pos);
    if (line_end == std::string_view::npos) break;
    const size_t size =
        std::strtoul(std::string(chunked.substr(pos, line_end - pos)).c_str(), nullptr, 16);
    pos = line_end + 2;
    if (size == 0) {
      *complete = chunked.substr(pos, 2) == "\r\n";
      break;
    }
    if (pos + size + 2 > chunked.size()) break;
    body.append(chunked.substr(pos, size));
    pos += size + 2;
  }
  return body;
}

}  // namespace ssegw::h1::testing
