// The JWS algorithms the gateway can verify (RFC 7518 §3): one per key type, so a key's
// type alone says which algorithm it serves and a token's `alg` can never make an RSA or
// EC public key act as an HMAC secret. `none` is not representable.
//
// Pure functions over a small enum; safe from any thread.
#pragma once

#include <optional>
#include <string_view>

namespace ssegw::auth {

enum class Algorithm {
  kES256,  // ECDSA on P-256 with SHA-256; signature is r || s, 64 bytes
  kRS256,  // RSASSA-PKCS1-v1_5 with SHA-256
  kHS256,  // HMAC-SHA-256 with a shared secret
};

inline constexpr Algorithm kDefaultAlgorithm = Algorithm::kES256;

// "ES256", "RS256" or "HS256".
std::string_view AlgorithmName(Algorithm algorithm);

// Exact, case-sensitive match of a JWS `alg` value (or an --auth-alg flag value); anything
// else, "none" included, is nullopt.
std::optional<Algorithm> ParseAlgorithm(std::string_view name);

}  // namespace ssegw::auth
