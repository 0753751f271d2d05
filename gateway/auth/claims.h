// The claims of a token whose signature holds: time checks, audience and issuer, and the
// gateway's own grant claim.
//
//   exp  required, a JSON number (NumericDate, seconds since the epoch; a fraction is
//        rounded down). The token is valid while now < exp: no leeway, because the gateway
//        ends a stream at exp and a token accepted after its exp would have a stream that
//        ends at once.
//   nbf  optional; refused when nbf > now + kClockLeewaySeconds.
//   iat  optional; refused when iat > now + kClockLeewaySeconds (issued in the future).
//   aud  checked only when an audience is configured: a string equal to it, or an array
//        holding it.
//   iss  checked only when an issuer is configured: a string equal to it.
//   ssegw  {"subscribe": [patterns], "publish": [patterns]}; either list, or the whole
//        claim, may be absent (granting nothing); a present one must be well-formed.
// Other claims are ignored. For duplicate member names the last one counts (RFC 7519 §4).
//
// Pure: the time is passed in. Claims is an immutable value; safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/grant.h"
#include "auth/invalid_reason.h"

namespace ssegw::auth {

// Tolerated clock difference between the token's issuer and the gateway, for nbf and iat.
inline constexpr int64_t kClockLeewaySeconds = 60;

struct ClaimRules {
  std::optional<std::string> audience;
  std::optional<std::string> issuer;
};

struct Claims {
  int64_t expires_at = 0;  // exp, seconds since the epoch; the token is valid before it
  TopicGrant subscribe;
  TopicGrant publish;

  bool CanSubscribe(std::string_view topic) const { return subscribe.Grants(topic); }
  bool CanPublish(std::string_view topic) const { return publish.Grants(topic); }
};

// Checks the decoded JSON payload of a token at time `now` (seconds since the epoch).
std::variant<Claims, InvalidReason> CheckClaims(std::string_view payload_json,
                                                const ClaimRules& rules, int64_t now);

}  // namespace ssegw::auth
