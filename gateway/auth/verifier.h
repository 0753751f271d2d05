// Verifier: checks subscriber and publisher tokens (compact JWS, ES256 / RS256 / HS256)
// against the configured keys, algorithm allowlist, audience and issuer, at a time the
// caller passes in. This and token_source.h are all the HTTP layer needs; the other headers
// of auth/ are its parts.
//
// A token is accepted when, in this order: it is at most kMaxTokenBytes; it is three
// base64url parts; its header is a JSON object whose `alg` is in the allowlist (never
// "none") and has no `crit`; some loaded key of that algorithm's own type (selected by
// `kid` when it names one, see KeySet::Candidates) verifies the signature; and the claims
// pass CheckClaims (claims.h). The token's `alg` only selects among keys of its type: it
// can never make a public key act as an HMAC secret.
//
// Threading and lifetime: a Verifier is immutable after construction and every method is
// const, so one instance may verify on any number of threads at once. Reloading keys
// (SIGHUP) builds a new Verifier with LoadVerifier and swaps the std::shared_ptr the
// workers read (std::atomic<std::shared_ptr> or a mutex-guarded copy); requests in
// flight keep the old one alive until they finish. No sockets, no clocks, no globals.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/algorithm.h"
#include "auth/auth_result.h"
#include "auth/claims.h"
#include "auth/key_set.h"

namespace ssegw::auth {

struct VerifierOptions {
  std::vector<Algorithm> algorithms{kDefaultAlgorithm};  // --auth-alg; must not be empty
  std::optional<std::string> audience;                   // --auth-audience
  std::optional<std::string> issuer;                     // --auth-issuer
};

class Verifier {
 public:
  // `keys` must not be empty, nor `options.algorithms` (LoadVerifier checks both). A key
  // whose algorithm is not allowed is simply never used.
  Verifier(KeySet keys, VerifierOptions options);

  // `token` is the raw token text (after "Bearer ", or the cookie's value); nullopt when
  // the request carried none. `now` is the current time in seconds since the epoch.
  AuthResult Verify(std::optional<std::string_view> token, int64_t now) const;

  bool Allows(Algorithm algorithm) const;
  const KeySet& keys() const { return keys_; }

 private:
  KeySet keys_;
  std::vector<Algorithm> algorithms_;
  ClaimRules rules_;
};

// Loads the key files (--auth-key, in order) for `options` and builds a verifier; on any
// problem, the error names the file and what is wrong (or the missing key or algorithm).
Loaded<std::shared_ptr<const Verifier>> LoadVerifier(std::span<const std::string> key_files,
                                                     VerifierOptions options);

}  // namespace ssegw::auth
