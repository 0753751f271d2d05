// Routes: what the gateway answers to one request (a Reply, http/reply.h), decided from
// the request's head alone, the same for both codecs. Pure apart from reading the
// environment (metrics text, demo page), so every route and status is testable without
// a session.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/request_target.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/session.h"

namespace ssegw::http {

// The access-control-allow-origin value for `origin`, when CORS is on and it matches.
std::optional<std::string_view> MatchOrigin(const std::optional<std::string>& origin,
                                            const std::vector<std::string>& allowed_origins);

Reply RouteRequest(const RequestHead& request, const SessionOptions& options,
                   SessionEnvironment& env);

// Whether the request is for POST /publish (any method): the codecs read its body
// (http/publish_route.h) instead of routing it here.
bool IsPublish(const RequestHead& request);

// A plain-text reply: `text` and a newline, with its content type and length.
Reply TextReply(int status, std::string_view text);

// The answer to a request that carries a body: no route takes one, so it is the route's
// own refusal when it refuses the request anyway (404, 405, ...), and 400 otherwise —
// never an event stream.
Reply RouteRequestWithBody(const RequestHead& request, const SessionOptions& options,
                           SessionEnvironment& env);

}  // namespace ssegw::http
