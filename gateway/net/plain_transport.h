// PlainTransport: cleartext TCP (for --listen-plain behind a TLS-terminating balancer,
// and for tests). Owns the socket; no handshake, no protocol negotiation.
#pragma once

#include "net/transport.h"
#include "net/unique_fd.h"

namespace ssegw::net {

class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(UniqueFd fd) : fd_(std::move(fd)) {}

  int fd() const override { return fd_.get(); }
  IoResult Handshake() override { return {IoStatus::kOk}; }
  IoResult Read(std::span<uint8_t> into) override;
  bool HoldsInput() const override { return false; }
  IoResult Write(std::span<const uint8_t> bytes) override;
  void Shutdown() override;
  std::string_view protocol() const override { return {}; }
  bool encrypted() const override { return false; }
  std::string last_error() const override { return last_error_; }

 private:
  UniqueFd fd_;
  std::string last_error_;
};

}  // namespace ssegw::net
