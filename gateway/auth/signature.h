// JWS signature checks with OpenSSL 3's EVP interface, one key at a time.
//
// ES256 signatures travel as the raw 64 bytes r || s (RFC 7518 §3.4) while EVP verifies
// DER-encoded ECDSA-Sig-Value structures, so they are converted first; any other length,
// a DER signature included, is refused. RS256 is RSASSA-PKCS1-v1_5 with SHA-256. HS256
// recomputes the HMAC and compares it in constant time (CRYPTO_memcmp).
//
// Pure functions of their arguments; each call uses its own OpenSSL contexts, so calls may
// run concurrently with the same key from any number of threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "auth/key_set.h"

namespace ssegw::auth {

inline constexpr size_t kEs256SignatureBytes = 64;
inline constexpr size_t kHs256SignatureBytes = 32;

// Whether `signature` (decoded bytes) is `key`'s signature of `signing_input` (the
// "header.payload" text of the token) under the key's own algorithm.
bool VerifySignature(const VerificationKey& key, std::string_view signing_input,
                     std::string_view signature);

// The DER ECDSA-Sig-Value of a P-256 r || s signature, or nullopt when `raw` is not
// exactly 64 bytes.
std::optional<std::string> EcdsaRawToDer(std::string_view raw);

}  // namespace ssegw::auth
