#include "net/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <time.h>

#include <cstring>
#include <utility>

namespace ssegw::net {
namespace {

constexpr size_t kIvBytes = 16;  // AES-CBC
char kDigest[] = "SHA256";

uint64_t MonotonicMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1000000;
}

// Where an SSL_CTX keeps its TicketKeys, for the callback.
int ExDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

std::unique_ptr<TicketKeys> TicketKeys::Create(uint64_t rotation_ms, std::string* error,
                                               std::function<uint64_t()> now_ms) {
  if (!now_ms) now_ms = MonotonicMs;
  std::unique_ptr<TicketKeys> keys(new TicketKeys(rotation_ms, std::move(now_ms)));
  if (!Generate(&keys->current_)) {
    *error = "cannot draw random TLS session ticket keys";
    return nullptr;
  }
  keys->current_since_ms_ = keys->now_ms_();
  return keys;
}

TicketKeys::TicketKeys(uint64_t rotation_ms, std::function<uint64_t()> now_ms)
    : rotation_ms_(rotation_ms), now_ms_(std::move(now_ms)) {}

TicketKeys::~TicketKeys() {
  Wipe(&current_);
  Wipe(&previous_);
}

bool TicketKeys::Generate(Key* key) {
  if (RAND_bytes(key->name.data(), static_cast<int>(key->name.size())) == 1 &&
      RAND_priv_bytes(key->aes.data(), static_cast<int>(key->aes.size())) == 1 &&
      RAND_priv_bytes(key->hmac.data(), static_cast<int>(key->hmac.size())) == 1) {
    return true;
  }
  ERR_clear_error();
  Wipe(key);
  return false;
}

void TicketKeys::Wipe(Key* key) {
  OPENSSL_cleanse(key, sizeof(*key));
}

bool TicketKeys::Install(SSL_CTX* ctx, std::string* error) {
  if (SSL_CTX_set_ex_data(ctx, ExDataIndex(), this) != 1 ||
      SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, &TicketKeys::OnTicket) != 1) {
    ERR_clear_error();
    *error = "cannot set the TLS session ticket keys";
    return false;
  }
  // Tickets hold everything a resumption needs; a server-side cache would only keep a
  // session per recent TLS 1.2 handshake (up to 20,480 of them) for session-id
  // resumption, which clients that take tickets never use.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // The lifetime announced with each ticket: the least time a ticket stays readable.
  SSL_CTX_set_timeout(ctx, static_cast<long>(rotation_ms_ / 1000));
  return true;
}

TicketKeys::Name TicketKeys::CurrentName() {
  std::lock_guard lock(mutex_);
  RotateIfDue(now_ms_());
  return current_.name;
}

void TicketKeys::RotateIfDue(uint64_t now_ms) {
  if (now_ms - current_since_ms_ < rotation_ms_) return;
  Key fresh;
  if (!Generate(&fresh)) return;  // keep the current key; try again at the next ticket
  // Two periods or more since it became current: it last encrypted (a rotation is checked
  // before every ticket) more than a period ago, so every ticket under it is past the
  // announced lifetime and it goes at once.
  const bool current_expired = now_ms - current_since_ms_ >= 2 * rotation_ms_;
  Wipe(&previous_);
  if (current_expired) {
    Wipe(&current_);
    has_previous_ = false;
  } else {
    previous_ = current_;
    has_previous_ = true;
  }
  current_ = fresh;
  Wipe(&fresh);
  current_since_ms_ = now_ms;
}

int TicketKeys::OnTicket(SSL* ssl, unsigned char key_name[16], unsigned char* iv,
                         EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int enc) {
  auto* keys = static_cast<TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ExDataIndex()));
  if (keys == nullptr) return -1;
  return enc == 1 ? keys->Encrypt(key_name, iv, cipher, mac)
                  : keys->Decrypt(key_name, iv, cipher, mac);
}

int TicketKeys::Encrypt(unsigned char key_name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
                        EVP_MAC_CTX* mac) {
  Key key;
  {
    std::lock_guard lock(mutex_);
    RotateIfDue(now_ms_());
    key = current_;
  }
  int result = -1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.hmac.data(), key.hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, kDigest, 0), OSSL_PARAM_END};
  if (RAND_bytes(iv, kIvBytes) == 1 &&
      EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) == 1 &&
      EVP_MAC_CTX_set_params(mac, params) == 1) {
    std::memcpy(key_name, key.name.data(), key.name.size());
    result = 1;
  }
  Wipe(&key);
  if (result != 1) ERR_clear_error();
  return result;
}

int TicketKeys::Decrypt(const unsigned char key_name[16], const unsigned char* iv,
                        EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac) {
  Key key;
  int found = 0;  // 1: the current key, 2: the previous one (the ticket is then renewed)
  {
    std::lock_guard lock(mutex_);
    RotateIfDue(now_ms_());
    if (std::memcmp(key_name, current_.name.data(), current_.name.size()) == 0) {
      key = current_;
      found = 1;
    } else if (has_previous_ &&
               std::memcmp(key_name, previous_.name.data(), previous_.name.size()) == 0) {
      key = previous_;
      found = 2;
    }
  }
  if (found == 0) return 0;  // unknown or expired key: a full handshake
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.hmac.data(), key.hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, kDigest, 0), OSSL_PARAM_END};
  const bool ready =
      EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) == 1 &&
      EVP_MAC_CTX_set_params(mac, params) == 1;
  Wipe(&key);
  if (!ready) {
    ERR_clear_error();
    return -1;
  }
  return found;
}

}  // namespace ssegw::net
