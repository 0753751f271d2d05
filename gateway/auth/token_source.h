// Finding the token in a request's headers, for the HTTP layer. The contract's order is
// the `Authorization: Bearer` header first, then the cookie (--auth-cookie), then, only
// when enabled, a query parameter; the caller applies that order with these two readers.
//
// Pure functions over header values; the returned views point into their argument.
#pragma once

#include <optional>
#include <string_view>

namespace ssegw::auth {

// The token of an Authorization header value "Bearer <token>" (RFC 6750 §2.1; the scheme
// in any letter case, then one or more spaces). Surrounding spaces and tabs are dropped.
// nullopt for another scheme ("Basic ...") or a value without one; an empty token after
// "Bearer " is returned as empty, so that it is refused as a malformed token rather than
// treated as no token at all.
std::optional<std::string_view> BearerToken(std::string_view authorization);

// The value of the first cookie called `name` in a Cookie header value
// ("a=1; ssegw_token=xyz"), without surrounding double quotes (RFC 6265 §4.2.1). Names
// are case-sensitive. HTTP/2 may carry cookies in several `cookie` fields (RFC 9113
// §8.2.3): call this for each, or on their values joined with "; ".
std::optional<std::string_view> CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace ssegw::auth
