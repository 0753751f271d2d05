// Routes: what the gateway answers to one request, decided from the request's head
// alone, before any nghttp2 call. Pure apart from reading the environment (metrics text,
// demo page), so every route and status is testable without a session.
//
// A Reply is either a complete fixed response (status, headers, body) or the start of an
// event stream (the 200 headers plus the validated subscription); the session turns it
// into frames. Headers never include connection-specific fields (RFC 9113 §8.2.2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/request_target.h"
#include "h2/server_session.h"

namespace ssegw::h2 {

// The parts of a request the routes look at, gathered header by header.
struct RequestHead {
  std::string method;
  std::string path;
  std::optional<std::string> origin;
  std::optional<std::string> last_event_id;  // raw header value, validated by Route
  size_t header_count = 0;
  size_t header_bytes = 0;  // sum of name and value sizes
  bool too_large = false;   // past a header limit: answered with 431
};

struct Header {
  std::string name;
  std::string value;
};

struct Reply {
  enum class Kind { kFixed, kEventStream };
  Kind kind = Kind::kFixed;
  int status = 200;
  std::vector<Header> headers;  // lowercase names, without ":status"
  std::string body;             // kFixed only; never sent for HEAD
  bool head_only = false;       // HEAD: headers only, END_STREAM on HEADERS
  Subscription subscription;    // kEventStream only
};

// The access-control-allow-origin value for `origin`, when CORS is on and it matches.
std::optional<std::string_view> MatchOrigin(const std::optional<std::string>& origin,
                                            const std::vector<std::string>& allowed_origins);

Reply RouteRequest(const RequestHead& request, const SessionOptions& options,
                   SessionEnvironment& env);

// The answer to a request that carries a body: no route takes one, so it is the route's
// own refusal when it refuses the request anyway (404, 405, ...), and 400 otherwise —
// never an event stream.
Reply RouteRequestWithBody(const RequestHead& request, const SessionOptions& options,
                           SessionEnvironment& env);

}  // namespace ssegw::h2
