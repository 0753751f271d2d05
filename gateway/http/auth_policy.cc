#include "http/auth_policy.h"

#include <algorithm>

#include "auth/token_source.h"
#include "core/request_target.h"

namespace ssegw::http {
namespace {

// The request's token, in the contract's order; nullopt when it carries none.
std::optional<std::string> TokenOf(const AuthPolicy& policy, const RequestHead& request,
                                   std::string_view query) {
  if (request.authorization) {
    // Another scheme (Basic, say) is no token at all.
    if (auto token = auth::BearerToken(*request.authorization)) return std::string(*token);
  }
  if (request.cookie) {
    if (auto token = auth::CookieValue(*request.cookie, policy.cookie)) return std::string(*token);
  }
  if (policy.query_param) return QueryParameter(query, *policy.query_param);
  return std::nullopt;
}

}  // namespace

auth::AuthResult VerifyRequest(const AuthPolicy& policy, const RequestHead& request,
                               std::string_view query, int64_t now) {
  if (policy.verifier == nullptr) return auth::AuthResult::NoToken();
  return policy.verifier->Verify(TokenOf(policy, request, query), now);
}

bool Grants(const AuthPolicy& policy, const auth::Claims& claims,
            std::span<const std::string> topics, Action action) {
  return std::all_of(topics.begin(), topics.end(), [&](const std::string& topic) {
    if (action == Action::kPublish) return claims.CanPublish(topic);
    return claims.CanSubscribe(topic) || policy.public_topics.Grants(topic);
  });
}

Access Authorize(const AuthPolicy& policy, const RequestHead& request, std::string_view query,
                 std::span<const std::string> topics, Action action, int64_t now) {
  if (policy.verifier == nullptr) return {};
  if (action == Action::kSubscribe && policy.public_topics.GrantsAll(topics)) return {};
  auth::AuthResult result = VerifyRequest(policy, request, query, now);
  switch (result.kind()) {
    case auth::AuthResult::Kind::kNoToken:
      return {Access::Kind::kNoToken, 0};
    case auth::AuthResult::Kind::kInvalid:
      return {Access::Kind::kInvalid, 0};
    case auth::AuthResult::Kind::kValid:
      break;
  }
  const auth::Claims& claims = result.claims();
  if (!Grants(policy, claims, topics, action)) return {Access::Kind::kForbidden, 0};
  return {Access::Kind::kAllowed, claims.expires_at};
}

std::string_view ChallengeFor(Access::Kind kind) {
  switch (kind) {
    case Access::Kind::kAllowed:
      return "";
    case Access::Kind::kNoToken:
      return "Bearer realm=\"sse-gateway\"";
    case Access::Kind::kInvalid:
      return "Bearer error=\"invalid_token\"";
    case Access::Kind::kForbidden:
      return "Bearer error=\"insufficient_scope\"";
  }
  return "";
}

}  // namespace ssegw::http
