#include "auth/compact_jws.h"

#include <nlohmann/json.hpp>

#include "auth/base64url.h"

namespace ssegw::auth {

std::variant<CompactJws, InvalidReason> ParseCompactJws(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return InvalidReason::kTooLarge;
  const size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return InvalidReason::kNotCompactJws;
  const size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return InvalidReason::kNotCompactJws;
  }
  const std::string_view header_b64 = token.substr(0, first_dot);
  const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_b64 = token.substr(second_dot + 1);
  // An empty signature is what `alg: none` produces; it is refused by its algorithm, so
  // only the header and payload must be non-empty here.
  if (header_b64.empty() || payload_b64.empty()) return InvalidReason::kNotCompactJws;

  const std::optional<std::string> header_json = Base64UrlDecode(header_b64);
  std::optional<std::string> signature = Base64UrlDecode(signature_b64);
  if (!header_json || !signature) return InvalidReason::kBadBase64;

  const nlohmann::json header =
      nlohmann::json::parse(*header_json, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return InvalidReason::kBadHeader;
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return InvalidReason::kBadHeader;
  if (header.contains("crit")) return InvalidReason::kCriticalHeader;

  CompactJws jws;
  jws.signing_input = token.substr(0, second_dot);
  jws.payload = payload_b64;
  jws.alg = alg->get<std::string>();
  if (const auto kid = header.find("kid"); kid != header.end()) {
    if (!kid->is_string()) return InvalidReason::kBadHeader;
    jws.kid = kid->get<std::string>();
  }
  jws.signature = std::move(*signature);
  return jws;
}

}  // namespace ssegw::auth
