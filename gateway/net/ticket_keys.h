// TicketKeys: the keys of the gateway's stateless TLS session tickets, one set for the
// whole process, rotated.
//
// A session ticket is the client's session state, encrypted (AES-256-CBC) and
// authenticated (HMAC-SHA256) by the server and kept by the client; presenting it on a
// new connection skips the full handshake (TLS 1.3 PSK resumption, or TLS 1.2 ticket
// resumption). The server keeps nothing per session, so any worker of the process can
// resume any ticket: every worker's connections come from the one SSL_CTX these keys are
// installed on. That is what makes a reconnect storm cheap.
//
// Rotation: new tickets are always encrypted under the current key. Every `rotation`
// (an hour by default) a fresh key becomes current and the previous current key is kept
// for one more period, for decrypting only; the one before it is wiped. A ticket issued
// under key K therefore stays usable for at least one period and at most two, and the
// session lifetime the server announces (SSL_CTX_set_timeout) is set to one period, so a
// client never holds a ticket that the server can no longer read. A ticket under the
// previous key resumes and is replaced by one under the current key. Rotation happens
// lazily, in the first handshake after it is due, under the mutex.
//
// Secrecy: keys are drawn with RAND_bytes when the object is made and at each rotation,
// live in this object's memory only (never written to disk or logged) and are wiped
// (OPENSSL_cleanse) when dropped. They die with the process, so tickets from before a
// restart cost one full handshake; a key stolen from memory decrypts at most two periods
// of tickets.
//
// Thread-safe: the ticket callback runs on every worker's thread. Must outlive every
// handshake of the SSL_CTX it is installed on.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace ssegw::net {

class TicketKeys {
 public:
  using Name = std::array<uint8_t, 16>;
  static constexpr uint64_t kDefaultRotationMs = 3600 * 1000;

  // nullptr with *error when no random keys can be had. `now_ms` (monotonic milliseconds;
  // default: CLOCK_MONOTONIC) decides when to rotate; tests pass their own.
  static std::unique_ptr<TicketKeys> Create(uint64_t rotation_ms, std::string* error,
                                            std::function<uint64_t()> now_ms = {});
  ~TicketKeys();
  TicketKeys(const TicketKeys&) = delete;
  TicketKeys& operator=(const TicketKeys&) = delete;

  // Makes `ctx` issue and resume tickets with these keys (and no server-side session
  // cache: tickets need none). false with *error if OpenSSL refuses.
  bool Install(SSL_CTX* ctx, std::string* error);

  uint64_t rotation_ms() const { return rotation_ms_; }
  // The name of the key new tickets get now (rotating first if due); for tests.
  Name CurrentName();

 private:
  struct Key {
    Name name{};
    std::array<uint8_t, 32> aes{};   // AES-256-CBC
    std::array<uint8_t, 32> hmac{};  // HMAC-SHA256
  };

  TicketKeys(uint64_t rotation_ms, std::function<uint64_t()> now_ms);
  static bool Generate(Key* key);
  static void Wipe(Key* key);
  // Caller holds mutex_.
  void RotateIfDue(uint64_t now_ms);
  // OpenSSL's ticket callback: enc 1 issues (current key), enc 0 resumes (current: 1,
  // previous: 2 = renew, unknown: 0 = full handshake).
  static int OnTicket(SSL* ssl, unsigned char key_name[16], unsigned char* iv,
                      EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int enc);
  int Encrypt(unsigned char key_name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
              EVP_MAC_CTX* mac);
  int Decrypt(const unsigned char key_name[16], const unsigned char* iv, EVP_CIPHER_CTX* cipher,
              EVP_MAC_CTX* mac);

  const uint64_t rotation_ms_;
  const std::function<uint64_t()> now_ms_;
  std::mutex mutex_;
  Key current_;   // guarded by mutex_
  Key previous_;  // guarded by mutex_; valid when has_previous_
  bool has_previous_ = false;
  uint64_t current_since_ms_ = 0;
};

}  // namespace ssegw::net
