// Compact JWS serialization (RFC 7515 §7.1): "header.payload.signature", each part
// base64url without padding. ParseCompactJws bounds the size, splits, decodes the header
// and the signature, and reads the header's `alg` and `kid`. The payload is left encoded:
// the verifier decodes and parses it only once the signature holds, so a forged token
// costs no claim parsing.
//
// The header's `jwk`, `jku`, `x5u` and `x5c` are ignored (keys come from configuration
// only); a `crit` member is refused, as RFC 7515 §4.1.11 requires of a verifier that
// implements no extension.
//
// Pure; the returned views point into the token, which must outlive the result.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/invalid_reason.h"

namespace ssegw::auth {

// Longer tokens are refused before any parsing. Real subscriber tokens are a few hundred
// bytes; 8 KiB leaves room for long grants and still fits common header-size limits.
inline constexpr size_t kMaxTokenBytes = 8 * 1024;

struct CompactJws {
  std::string_view signing_input;  // "header.payload", what the signature covers
  std::string_view payload;        // base64url, not yet decoded
  std::string alg;                 // the header's `alg`, as written
  std::optional<std::string> kid;  // the header's `kid`, when present
  std::string signature;           // decoded bytes
};

std::variant<CompactJws, InvalidReason> ParseCompactJws(std::string_view token);

}  // namespace ssegw::auth
