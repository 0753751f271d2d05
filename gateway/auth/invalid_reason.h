// Why a token was refused. For logs and tests only: clients are told nothing more than
// `invalid_token` (the contract), so that an attacker learns nothing from the reply.
//
// Pure; safe from any thread.
#pragma once

#include <string_view>

namespace ssegw::auth {

enum class InvalidReason {
  // The token as text.
  kTooLarge,       // more than kMaxTokenBytes; refused before any parsing
  kNotCompactJws,  // not three non-empty parts separated by '.'
  kBadBase64,      // a part is not strict unpadded base64url
  // The header.
  kBadHeader,            // not a JSON object with a string `alg` (and a string `kid`)
  kCriticalHeader,       // `crit` names extensions this verifier does not implement
  kAlgorithmNotAllowed,  // `alg` unknown, "none", or not in the allowlist
  kNoKeyForAlgorithm,    // `alg` allowed, but no key of that type is loaded
  // The signature.
  kBadSignatureLength,  // ES256 not 64 bytes (a DER signature, say), HS256 not 32
  kBadSignature,        // no candidate key verifies it
  // The claims (checked only once the signature holds).
  kBadPayload,      // not a JSON object
  kMissingExpiry,   // no `exp`
  kBadTimeClaim,    // `exp`, `nbf` or `iat` not a number, or out of range
  kExpired,         // now >= exp
  kNotYetValid,     // nbf > now + leeway
  kIssuedInFuture,  // iat > now + leeway
  kWrongAudience,   // audience configured and `aud` does not name it
  kWrongIssuer,     // issuer configured and `iss` is not it
  kBadGrant,        // `ssegw` not an object, or `subscribe`/`publish` not arrays of strings
  kBadPattern,      // a topic pattern outside the grammar (see topic_pattern.h)
};

// A short phrase for logs, e.g. "token expired".
std::string_view Describe(InvalidReason reason);

}  // namespace ssegw::auth
