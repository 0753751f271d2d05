// The verification keys of one verifier, loaded from the files given with --auth-key.
//
// Each key serves exactly one algorithm, decided by what the file holds and never by a
// token: a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) that is EC P-256 serves ES256, one
// that is RSA of at least 2048 bits serves RS256, and, only when HS256 is allowed, a file
// that is not PEM holds an HS256 shared secret (its bytes minus one final newline, at
// least 32 bytes). A PEM file is never read as a secret, so an RSA or EC public key can
// never verify an HMAC. Everything else is refused with a message that names the file and
// says what is wrong (private keys and certificates included, with the openssl command
// that extracts the public key).
//
// A key's id is its file name without directory and last extension
// ("/etc/ssegw/2024-06.pem" is "2024-06"): a token whose `kid` equals it is checked
// against that key only (see Candidates).
//
// Ownership and threading: a KeySet owns its keys; after loading it is only read, and
// reading it (Candidates, and verifying with the keys) is safe from any number of threads
// at once (openssl-threads(7): an EVP_PKEY that no thread modifies may verify signatures
// on several threads at the same time).
// Secrets are wiped from memory when their key is destroyed.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/algorithm.h"
#include "auth/openssl_ptr.h"

namespace ssegw::auth {

// Bounds what a key file may hold; real keys and secrets are far smaller.
inline constexpr size_t kMaxKeyFileBytes = 64 * 1024;
// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
inline constexpr size_t kMinSecretBytes = 32;
inline constexpr int kMinRsaBits = 2048;

// Either a loaded T or a message naming the file and what is wrong with it.
template <typename T>
struct Loaded {
  std::optional<T> value;
  std::string error;  // set exactly when !value

  bool ok() const { return value.has_value(); }
};

class VerificationKey {
 public:
  // ES256 or RS256.
  VerificationKey(Algorithm algorithm, std::string id, OpenSslPtr<EVP_PKEY> public_key);
  // HS256.
  VerificationKey(std::string id, std::string secret);
  ~VerificationKey();
  VerificationKey(VerificationKey&&) = default;
  VerificationKey& operator=(VerificationKey&&) = default;

  Algorithm algorithm() const { return algorithm_; }
  const std::string& id() const { return id_; }
  // Set for ES256 and RS256 keys, null for HS256.
  EVP_PKEY* public_key() const { return public_key_.get(); }
  // The HS256 secret; empty for the others.
  std::string_view secret() const { return secret_; }

 private:
  Algorithm algorithm_;
  std::string id_;
  OpenSslPtr<EVP_PKEY> public_key_;
  std::string secret_;
};

// One key from the bytes of a file. `source` is the file name: it appears in errors and
// gives the key id. `allowed` is the --auth-alg list: a key whose algorithm is not in it
// is an error (it could never verify anything), and without HS256 a non-PEM file is one.
Loaded<VerificationKey> ParseKey(std::string_view source, std::string_view contents,
                                 std::span<const Algorithm> allowed);

class KeySet {
 public:
  // Reads and parses every file, in order; the first problem is the error. No files is
  // an error too: a verifier without keys would refuse every token.
  static Loaded<KeySet> LoadFiles(std::span<const std::string> paths,
                                  std::span<const Algorithm> allowed);

  void Add(VerificationKey key) { keys_.push_back(std::move(key)); }
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

  // The keys a token signed with `algorithm` is checked against: those of that algorithm,
  // and when `kid` is given and equals the id of one or more of them, only those. A `kid`
  // that names no key selects nothing and every key of the algorithm is tried, so tokens
  // keep verifying when the issuer labels its keys differently from our file names.
  std::vector<const VerificationKey*> Candidates(Algorithm algorithm,
                                                 std::optional<std::string_view> kid) const;

 private:
  std::vector<VerificationKey> keys_;
};

}  // namespace ssegw::auth
