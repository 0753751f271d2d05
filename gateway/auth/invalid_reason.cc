#include "auth/invalid_reason.h"

namespace ssegw::auth {

std::string_view Describe(InvalidReason reason) {
  switch (reason) {
    case InvalidReason::kTooLarge:
      return "token too large";
    case InvalidReason::kNotCompactJws:
      return "not a compact JWS";
    case InvalidReason::kBadBase64:
      return "bad base64url";
    case InvalidReason::kBadHeader:
      return "bad JOSE header";
    case InvalidReason::kCriticalHeader:
      return "unsupported critical header";
    case InvalidReason::kAlgorithmNotAllowed:
      return "algorithm not allowed";
    case InvalidReason::kNoKeyForAlgorithm:
      return "no key for the algorithm";
    case InvalidReason::kBadSignatureLength:
      return "signature of the wrong length";
    case InvalidReason::kBadSignature:
      return "signature does not verify";
    case InvalidReason::kBadPayload:
      return "payload is not a JSON object";
    case InvalidReason::kMissingExpiry:
      return "no exp claim";
    case InvalidReason::kBadTimeClaim:
      return "exp, nbf or iat is not a valid time";
    case InvalidReason::kExpired:
      return "token expired";
    case InvalidReason::kNotYetValid:
      return "token not yet valid (nbf)";
    case InvalidReason::kIssuedInFuture:
      return "token issued in the future (iat)";
    case InvalidReason::kWrongAudience:
      return "wrong audience";
    case InvalidReason::kWrongIssuer:
      return "wrong issuer";
    case InvalidReason::kBadGrant:
      return "malformed ssegw grant";
    case InvalidReason::kBadPattern:
      return "bad topic pattern in grant";
  }
  return "invalid token";
}

}  // namespace ssegw::auth
