// AuthResult: what verifying a request's token found, in the three cases the HTTP layer
// answers differently (CONTRACT "Subscriber authorization"):
//   kNoToken  -> 401, www-authenticate: Bearer realm="sse-gateway"
//   kInvalid  -> 401, www-authenticate: Bearer error="invalid_token" (reason() is for logs
//                and tests only and never goes to the client)
//   kValid    -> the claims; a requested topic that claims().CanSubscribe refuses -> 403,
//                www-authenticate: Bearer error="insufficient_scope"
//
// An immutable value; cheap to move; safe to share once built.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "auth/claims.h"
#include "auth/invalid_reason.h"

namespace ssegw::auth {

class [[nodiscard]] AuthResult {
 public:
  enum class Kind { kNoToken, kInvalid, kValid };

  static AuthResult NoToken() { return AuthResult(std::monostate()); }
  static AuthResult Invalid(InvalidReason reason) { return AuthResult(reason); }
  static AuthResult Valid(Claims claims) { return AuthResult(std::move(claims)); }

  Kind kind() const { return static_cast<Kind>(state_.index()); }
  bool valid() const { return kind() == Kind::kValid; }

  InvalidReason reason() const {
    assert(kind() == Kind::kInvalid);
    return std::get<InvalidReason>(state_);
  }
  const Claims& claims() const& {
    assert(valid());
    return std::get<Claims>(state_);
  }
  Claims&& claims() && {
    assert(valid());
    return std::get<Claims>(std::move(state_));
  }

 private:
  using State = std::variant<std::monostate, InvalidReason, Claims>;  // in Kind's order
  explicit AuthResult(State state) : state_(std::move(state)) {}

  State state_;
};

}  // namespace ssegw::auth
