// AuthPolicy: who may subscribe to (and publish on) which topics — the verifier of the
// configured keys, the public topics, and where a request's token is looked for — and
// the decision for one request.
//
// A policy is immutable once built and shared (std::shared_ptr<const AuthPolicy>) by
// every worker; a reload builds a new one and posts it to each worker. No clocks: the
// caller passes the time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "auth/grant.h"
#include "auth/verifier.h"
#include "http/request.h"

namespace ssegw::http {

struct AuthPolicy {
  // Null: no --auth-key, so every topic is public and POST /publish is not served.
  std::shared_ptr<const auth::Verifier> verifier;
  auth::TopicGrant public_topics;          // --public-topic
  std::string cookie = "ssegw_token";      // --auth-cookie
  std::optional<std::string> query_param;  // --auth-query-param; off when unset
};

enum class Action { kSubscribe, kPublish };

struct Access {
  enum class Kind {
    kAllowed,    // every topic is public or granted
    kNoToken,    // 401, www-authenticate: Bearer realm="sse-gateway"
    kInvalid,    // 401, www-authenticate: Bearer error="invalid_token"
    kForbidden,  // 403, www-authenticate: Bearer error="insufficient_scope"
  };
  Kind kind = Kind::kAllowed;
  // kAllowed through a token: when it expires (seconds since the epoch); 0 when no token
  // was needed, because every topic is public.
  int64_t expires_at = 0;
};

// The request's token, verified: the Bearer header's, else the cookie's, else (when
// enabled) the query parameter's. Without a verifier: no token.
auth::AuthResult VerifyRequest(const AuthPolicy& policy, const RequestHead& request,
                               std::string_view query, int64_t now);

// Whether `claims` (of a valid token) grant `action` on every one of `topics`, public
// topics counting as granted for subscribing.
bool Grants(const AuthPolicy& policy, const auth::Claims& claims,
            std::span<const std::string> topics, Action action);

// Whether the request may `action` every one of `topics`. Its token is the
// Authorization header's Bearer token, else the cookie's value, else (when enabled) the
// query parameter's. A topic that is public needs no token for subscribing; publishing
// always needs one.
Access Authorize(const AuthPolicy& policy, const RequestHead& request, std::string_view query,
                 std::span<const std::string> topics, Action action, int64_t now);

// The www-authenticate value that goes with a refusal (empty for kAllowed).
std::string_view ChallengeFor(Access::Kind kind);

}  // namespace ssegw::http
