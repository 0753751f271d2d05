#include "raw_peer.h"

namespace ssegw::h2::testing {

using ssegw::testing::kClientPreface;

RawPeer::RawPeer(const SessionOptions& options, bool byte_by_byte)
    : server_(NewServerSession(env_, options, *this)), byte_by_byte_(byte_by_byte) {
  server_->Start(now_ms_);
}

void RawPeer::Handshake() {
  Send(std::string(kClientPreface) + ssegw::testing::SettingsFrame());
  Drain();
  if (const auto* settings = reader_.Find(ssegw::testing::kSettings)) {
    encoder_.ApplySettings(*settings);
  }
  Send(ssegw::testing::SettingsAckFrame());
  Drain();
}

bool RawPeer::Send(std::string_view bytes) {
  auto receive = [this](std::string_view piece) {
    if (!server_->Receive({reinterpret_cast<const uint8_t*>(piece.data()), piece.size()})) {
      server_ok_ = false;
    }
  };
  if (byte_by_byte_) {
    for (size_t i = 0; i < bytes.size() && server_ok_; ++i) receive(bytes.substr(i, 1));
  } else {
    receive(bytes);
  }
  return server_ok_;
}

size_t RawPeer::Drain() {
  const size_t before = reader_.frames().size();
  while (true) {
    std::string out;
    if (!server_->ProduceOutput(&out, 64 * 1024)) server_ok_ = false;
    if (out.empty()) break;
    reader_.Feed(out);
  }
  return reader_.frames().size() - before;
}

bool RawPeer::Tick(uint64_t advance_ms) {
  now_ms_ += advance_ms;
  return server_->OnTimer(now_ms_);
}

}  // namespace ssegw::h2::testing
