#include "auth/verifier.h"

#include <algorithm>

#include "auth/base64url.h"
#include "auth/compact_jws.h"
#include "auth/signature.h"

namespace ssegw::auth {

Verifier::Verifier(KeySet keys, VerifierOptions options)
    : keys_(std::move(keys)),
      algorithms_(std::move(options.algorithms)),
      rules_{std::move(options.audience), std::move(options.issuer)} {}

bool Verifier::Allows(Algorithm algorithm) const {
  return std::find(algorithms_.begin(), algorithms_.end(), algorithm) != algorithms_.end();
}

AuthResult Verifier::Verify(std::optional<std::string_view> token, int64_t now) const {
  if (!token) return AuthResult::NoToken();
  std::variant<CompactJws, InvalidReason> parsed = ParseCompactJws(*token);
  if (const auto* reason = std::get_if<InvalidReason>(&parsed)) {
    return AuthResult::Invalid(*reason);
  }
  const CompactJws& jws = std::get<CompactJws>(parsed);

  const std::optional<Algorithm> algorithm = ParseAlgorithm(jws.alg);
  if (!algorithm || !Allows(*algorithm)) {
    return AuthResult::Invalid(InvalidReason::kAlgorithmNotAllowed);
  }
  if ((*algorithm == Algorithm::kES256 && jws.signature.size() != kEs256SignatureBytes) ||
      (*algorithm == Algorithm::kHS256 && jws.signature.size() != kHs256SignatureBytes) ||
      jws.signature.empty()) {
    return AuthResult::Invalid(InvalidReason::kBadSignatureLength);
  }
  const std::vector<const VerificationKey*> candidates = keys_.Candidates(
      *algorithm, jws.kid ? std::optional<std::string_view>(*jws.kid) : std::nullopt);
  if (candidates.empty()) return AuthResult::Invalid(InvalidReason::kNoKeyForAlgorithm);
  const bool verified =
      std::any_of(candidates.begin(), candidates.end(), [&](const VerificationKey* key) {
        return VerifySignature(*key, jws.signing_input, jws.signature);
      });
  if (!verified) return AuthResult::Invalid(InvalidReason::kBadSignature);

  const std::optional<std::string> payload = Base64UrlDecode(jws.payload);
  if (!payload) return AuthResult::Invalid(InvalidReason::kBadBase64);
  std::variant<Claims, InvalidReason> claims = CheckClaims(*payload, rules_, now);
  if (const auto* reason = std::get_if<InvalidReason>(&claims)) {
    return AuthResult::Invalid(*reason);
  }
  return AuthResult::Valid(std::move(std::get<Claims>(claims)));
}

Loaded<std::shared_ptr<const Verifier>> LoadVerifier(std::span<const std::string> key_files,
                                                     VerifierOptions options) {
  Loaded<std::shared_ptr<const Verifier>> result;
  if (options.algorithms.empty()) {
    result.error = "no algorithm allowed (--auth-alg)";
    return result;
  }
  Loaded<KeySet> keys = KeySet::LoadFiles(key_files, options.algorithms);
  if (!keys.ok()) {
    result.error = std::move(keys.error);
    return result;
  }
  result.value = std::make_shared<const Verifier>(std::move(*keys.value), std::move(options));
  return result;
}

}  // namespace ssegw::auth
