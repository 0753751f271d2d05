// TlsContext: the server's SSL_CTX — TLS 1.2 and 1.3 only, ECDHE with AEAD ciphers for
// TLS 1.2, ALPN that picks "h2", else "http/1.1" (a client offering neither fails the
// handshake with a no_application_protocol alert; one offering no ALPN at all is let in,
// and its first bytes tell), and the certificate chain plus key from PEM files.
//
// Session tickets (stateless resumption) are encrypted with TicketKeys: one rotating key
// set for the context, so a client resumes on whichever worker its new connection lands.
//
// Built once at startup, before any loop runs; afterwards it is only read (SSL_new), so
// loops on several threads may share one. It must outlive every TlsTransport made from it.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "net/ticket_keys.h"

namespace ssegw::net {

class TlsContext {
 public:
  // nullptr with *error set when the certificate or key cannot be read or do not match:
  // the message names the file, what was expected and what was found ("K: not a PEM
  // private key: found a certificate (are --cert and --key swapped?)"), never only
  // OpenSSL's codes. Never prompts for a passphrase: an encrypted key is an error.
  // `ticket_keys`: the keys for session tickets; nullptr makes a fresh set rotated every
  // TicketKeys::kDefaultRotationMs.
  static std::unique_ptr<TlsContext> Create(const std::string& cert_file,
                                            const std::string& key_file, std::string* error,
                                            std::shared_ptr<TicketKeys> ticket_keys = nullptr);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }
  TicketKeys& ticket_keys() const { return *ticket_keys_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
  std::shared_ptr<TicketKeys> ticket_keys_;  // outlives ctx_ (freed first)
};

// The oldest error on this thread's OpenSSL error queue as text (clearing the queue), or
// `fallback` when the queue is empty.
std::string TakeOpenSslError(const char* fallback);

}  // namespace ssegw::net
