#include "auth/claims.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

namespace ssegw::auth {
namespace {

using Json = nlohmann::json;

// Far beyond any real date, and small enough that now + leeway cannot overflow.
constexpr int64_t kMaxTimeMagnitude = int64_t{1} << 62;

enum class Rounding { kDown, kUp };

// A NumericDate as whole seconds, or nullopt when it is not a number in range.
std::optional<int64_t> Seconds(const Json& value, Rounding rounding) {
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(kMaxTimeMagnitude)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (value.is_number_integer()) {
    const int64_t i = value.get<int64_t>();
    if (i > kMaxTimeMagnitude || i < -kMaxTimeMagnitude) return std::nullopt;
    return i;
  }
  if (!value.is_number_float()) return std::nullopt;
  const double seconds = value.get<double>();
  if (!std::isfinite(seconds) || std::fabs(seconds) > static_cast<double>(kMaxTimeMagnitude)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(rounding == Rounding::kDown ? std::floor(seconds)
                                                          : std::ceil(seconds));
}

bool AudienceMatches(const Json& payload, const std::string& audience) {
  const auto aud = payload.find("aud");
  if (aud == payload.end()) return false;
  if (aud->is_string()) return aud->get_ref<const std::string&>() == audience;
  if (!aud->is_array()) return false;
  for (const Json& entry : *aud) {
    if (entry.is_string() && entry.get_ref<const std::string&>() == audience) return true;
  }
  return false;
}

bool IssuerMatches(const Json& payload, const std::string& issuer) {
  const auto iss = payload.find("iss");
  return iss != payload.end() && iss->is_string() && iss->get_ref<const std::string&>() == issuer;
}

// One list of the grant; absent is empty.
std::variant<TopicGrant, InvalidReason> ParseGrantList(const Json& grant, const char* name) {
  const auto list = grant.find(name);
  if (list == grant.end()) return TopicGrant();
  if (!list->is_array()) return InvalidReason::kBadGrant;
  std::vector<TopicPattern> patterns;
  patterns.reserve(list->size());
  for (const Json& entry : *list) {
    if (!entry.is_string()) return InvalidReason::kBadGrant;
    std::optional<TopicPattern> pattern = TopicPattern::Parse(entry.get_ref<const std::string&>());
    if (!pattern) return InvalidReason::kBadPattern;
    patterns.push_back(std::move(*pattern));
  }
  return TopicGrant(std::move(patterns));
}

}  // namespace

std::variant<Claims, InvalidReason> CheckClaims(std::string_view payload_json,
                                                const ClaimRules& rules, int64_t now) {
  const Json payload = Json::parse(payload_json, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return InvalidReason::kBadPayload;

  Claims claims;
  const auto exp = payload.find("exp");
  if (exp == payload.end()) return InvalidReason::kMissingExpiry;
  const std::optional<int64_t> expires_at = Seconds(*exp, Rounding::kDown);
  if (!expires_at) return InvalidReason::kBadTimeClaim;
  if (now >= *expires_at) return InvalidReason::kExpired;
  claims.expires_at = *expires_at;

  // Rounded up: a fraction of a second in the future is still in the future.
  if (const auto nbf = payload.find("nbf"); nbf != payload.end()) {
    const std::optional<int64_t> not_before = Seconds(*nbf, Rounding::kUp);
    if (!not_before) return InvalidReason::kBadTimeClaim;
    if (*not_before > now + kClockLeewaySeconds) return InvalidReason::kNotYetValid;
  }
  if (const auto iat = payload.find("iat"); iat != payload.end()) {
    const std::optional<int64_t> issued_at = Seconds(*iat, Rounding::kUp);
    if (!issued_at) return InvalidReason::kBadTimeClaim;
    if (*issued_at > now + kClockLeewaySeconds) return InvalidReason::kIssuedInFuture;
  }

  if (rules.issuer && !IssuerMatches(payload, *rules.issuer)) return InvalidReason::kWrongIssuer;
  if (rules.audience && !AudienceMatches(payload, *rules.audience)) {
    return InvalidReason::kWrongAudience;
  }

  const auto grant = payload.find("ssegw");
  if (grant == payload.end()) return claims;
  if (!grant->is_object()) return InvalidReason::kBadGrant;
  std::variant<TopicGrant, InvalidReason> subscribe = ParseGrantList(*grant, "subscribe");
  if (auto* reason = std::get_if<InvalidReason>(&subscribe)) return *reason;
  std::variant<TopicGrant, InvalidReason> publish = ParseGrantList(*grant, "publish");
  if (auto* reason = std::get_if<InvalidReason>(&publish)) return *reason;
  claims.subscribe = std::move(std::get<TopicGrant>(subscribe));
  claims.publish = std::move(std::get<TopicGrant>(publish));
  return claims;
}

}  // namespace ssegw::auth
