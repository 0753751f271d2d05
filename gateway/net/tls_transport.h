// TlsTransport: server-side TLS over a non-blocking socket with raw OpenSSL (SSL_read_ex /
// SSL_write_ex on the fd), no BIO pairs and no bufferevent_openssl.
//
// Owns the socket and the SSL object. The TlsContext must outlive it. Errors from the
// thread's OpenSSL error queue are taken into last_error() and the queue is cleared, so
// one connection's failure never leaks into another's SSL_get_error().
#pragma once

#include <openssl/ssl.h>

#include <memory>

#include "net/tls_context.h"
#include "net/transport.h"
#include "net/unique_fd.h"

namespace ssegw::net {

class TlsTransport final : public Transport {
 public:
  // nullptr when OpenSSL cannot allocate the connection.
  static std::unique_ptr<TlsTransport> Create(TlsContext& context, UniqueFd fd);
  ~TlsTransport() override;

  int fd() const override { return fd_.get(); }
  IoResult Handshake() override;
  IoResult Read(std::span<uint8_t> into) override;
  bool HoldsInput() const override { return SSL_has_pending(ssl_) == 1; }
  IoResult Write(std::span<const uint8_t> bytes) override;
  void Shutdown() override;
  std::string_view protocol() const override;
  bool encrypted() const override { return true; }
  std::string last_error() const override { return last_error_; }

 private:
  TlsTransport(SSL* ssl, UniqueFd fd) : ssl_(ssl), fd_(std::move(fd)) {}
  // Maps a failed SSL call to an IoResult; records fatal errors.
  IoResult Fail(int ret);

  SSL* ssl_;
  UniqueFd fd_;
  bool fatal_ = false;  // after a fatal error SSL_shutdown must not be called
  std::string last_error_;
};

}  // namespace ssegw::net
