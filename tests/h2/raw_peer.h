// RawPeer: a ServerSession driven with hand-made frames (testutil/h2_frames.h) instead of
// a client library, for the conformance rules a well-behaved client never exercises:
// frames on closed streams, PRIORITY on itself, GOAWAY then PING, floods.
//
// Send() hands bytes to the server session, in one piece or byte by byte (so every rule
// also holds when frames arrive split across reads); Drain() takes everything the
// session has to send and parses it into frames(). The fake environment (the real centre)
// and the clock are those of H2Pair. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "h2/server_session.h"
#include "h2_pair.h"
#include "testutil/h2_frames.h"

namespace ssegw::h2::testing {

class RawPeer final : public OutputListener {
 public:
  explicit RawPeer(const SessionOptions& options = {}, bool byte_by_byte = false);

  // Preface and an empty SETTINGS, the server's SETTINGS read and acknowledged.
  void Handshake();
  // Receive(); false once the session has failed. Byte by byte when so constructed.
  bool Send(std::string_view bytes);
  // Produces all pending output and parses it; returns how many frames it added.
  size_t Drain();
  bool Tick(uint64_t advance_ms);

  ssegw::testing::HeaderEncoder& encoder() { return encoder_; }
  const ssegw::testing::FrameReader& reader() const { return reader_; }
  // The GOAWAY the server sent, or nullptr.
  const ssegw::testing::ParsedFrame* goaway() const {
    return reader_.Find(ssegw::testing::kGoaway);
  }
  FakeEnvironment& env() { return env_; }
  HttpSession& server() { return *server_; }
  bool server_ok() const { return server_ok_; }

  void OnOutputPending() override { ++output_pending; }
  void WakeBy(uint64_t) override {}
  size_t output_pending = 0;

 private:
  FakeEnvironment env_;
  std::unique_ptr<HttpSession> server_;
  ssegw::testing::HeaderEncoder encoder_;
  ssegw::testing::FrameReader reader_;
  bool byte_by_byte_;
  bool server_ok_ = true;
  uint64_t now_ms_ = 1'000'000;
};

}  // namespace ssegw::h2::testing
