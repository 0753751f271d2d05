#include "http/routes.h"

#include <algorithm>
#include <utility>

#include "core/status.h"

namespace ssegw::http {
namespace {

constexpr std::string_view kPlainText = "text/plain; charset=utf-8";
constexpr std::string_view kAllowedMethods = "GET, HEAD";

void AddCors(const RequestHead& request, const SessionOptions& options, Reply* reply) {
  if (options.allowed_origins.empty()) return;
  // The answer depends on the Origin header whether or not this one matched, so caches
  // must key on it either way.
  reply->headers.push_back({"vary", "origin"});
  const std::optional<std::string_view> origin =
      MatchOrigin(request.origin, options.allowed_origins);
  if (!origin) return;
  reply->headers.push_back({"access-control-allow-origin", std::string(*origin)});
  reply->headers.push_back({"access-control-allow-credentials", "true"});
}

Reply Fixed(int status, std::string_view content_type, std::string body) {
  Reply reply;
  reply.status = status;
  reply.headers.push_back({"content-type", std::string(content_type)});
  reply.headers.push_back({"content-length", std::to_string(body.size())});
  reply.body = std::move(body);
  return reply;
}

Reply MethodNotAllowed() {
  Reply reply = TextReply(405, "method not allowed");
  reply.headers.push_back({"allow", std::string(kAllowedMethods)});
  return reply;
}

// A CORS preflight on the events route (CORS is configured). The access-control fields
// are only worth sending to an origin that may use the answer.
Reply Preflight(const RequestHead& request, const SessionOptions& options) {
  Reply reply;
  reply.status = 204;
  reply.headers.push_back({"allow", "GET, HEAD, OPTIONS"});
  if (MatchOrigin(request.origin, options.allowed_origins)) {
    reply.headers.push_back({"access-control-allow-methods", std::string(kAllowedMethods)});
    reply.headers.push_back(
        {"access-control-allow-headers", "authorization, last-event-id, cache-control"});
    reply.headers.push_back({"access-control-max-age", "86400"});
  }
  return reply;
}

// 401 or 403, before any event; the body does not say which check failed.
Reply Refused(Access::Kind kind) {
  Reply reply = kind == Access::Kind::kForbidden ? TextReply(403, "forbidden")
                                                 : TextReply(401, "unauthorized");
  reply.headers.push_back({"www-authenticate", std::string(ChallengeFor(kind))});
  return reply;
}

Reply Events(const RequestHead& request, const RequestTarget& target, SessionEnvironment& env) {
  Result<Subscription> parsed = ParseSubscription(target);
  if (!parsed.ok()) return TextReply(400, Describe(parsed.error()));
  Subscription subscription = std::move(parsed).value();
  // EventSource reconnects to the URL it was given, still carrying the first request's
  // lastEventId parameter, but sends the id it has really reached in the header.
  if (request.last_event_id) {
    Result<std::optional<std::string>> header = ParseLastEventIdHeader(*request.last_event_id);
    if (!header.ok()) return TextReply(400, Describe(header.error()));
    if (header.value()) subscription.last_event_id = std::move(header).value();
  }
  const int64_t now = env.UnixNow();
  const Access access =
      Authorize(env.auth(), request, target.query, subscription.topics, Action::kSubscribe, now);
  if (access.kind != Access::Kind::kAllowed) return Refused(access.kind);
  Reply reply;
  // The stream ends, cleanly, when its token does; the browser reconnects with a fresh
  // cookie and its Last-Event-ID.
  if (access.expires_at != 0)
    reply.lifetime_ms = static_cast<uint64_t>(access.expires_at - now) * 1000;
  reply.kind = Reply::Kind::kEventStream;
  reply.headers.push_back({"content-type", "text/event-stream"});
  reply.headers.push_back({"cache-control", "no-cache"});
  reply.headers.push_back({"x-accel-buffering", "no"});
  reply.subscription = std::move(subscription);
  return reply;
}

Reply Decide(const RequestHead& request, const SessionOptions& options, SessionEnvironment& env) {
  if (request.too_large) return TextReply(431, "request header fields too large");
  const RequestTarget target = ClassifyTarget(request.path);
  if (target.route == Route::kNotFound) return TextReply(404, "not found");
  const bool get = request.method == "GET";
  const bool head = request.method == "HEAD";
  if (target.route == Route::kEvents && request.method == "OPTIONS" &&
      !options.allowed_origins.empty()) {
    return Preflight(request, options);
  }
  if (!get && !head) return MethodNotAllowed();
  switch (target.route) {
    case Route::kDemoPage:
      return Fixed(200, "text/html; charset=utf-8", std::string(env.DemoPage()));
    case Route::kHealthz:
      return TextReply(200, "ok");
    case Route::kReadyz:
      // Liveness stays /healthz; this one tells a load balancer to stop sending new
      // subscribers and publishes (draining, or the cluster log unreachable).
      return env.Ready() ? TextReply(200, "ready") : TextReply(503, "not ready");
    case Route::kPublish:
      break;  // POST only, and only with --auth-key: see Publish
    case Route::kMetrics:
      return Fixed(200, "text/plain; version=0.0.4; charset=utf-8", env.RenderMetrics());
    case Route::kEvents:
      return Events(request, target, env);
    case Route::kNotFound:
      break;
  }
  return TextReply(404, "not found");
}

}  // namespace

std::optional<std::string_view> MatchOrigin(const std::optional<std::string>& origin,
                                            const std::vector<std::string>& allowed_origins) {
  if (!origin || origin->empty()) return std::nullopt;
  const bool allowed =
      std::any_of(allowed_origins.begin(), allowed_origins.end(),
                  [&](const std::string& entry) { return entry == "*" || entry == *origin; });
  if (!allowed) return std::nullopt;
  return std::string_view(*origin);
}

Reply RouteRequest(const RequestHead& request, const SessionOptions& options,
                   SessionEnvironment& env) {
  Reply reply = Decide(request, options, env);
  reply.head_only = request.method == "HEAD";
  AddCors(request, options, &reply);
  return reply;
}

Reply RouteRequestWithBody(const RequestHead& request, const SessionOptions& options,
                           SessionEnvironment& env) {
  Reply reply = RouteRequest(request, options, env);
  if (reply.kind == Reply::Kind::kFixed && reply.status >= 400) return reply;
  Reply refused = TextReply(400, "request body not allowed");
  refused.head_only = reply.head_only;
  AddCors(request, options, &refused);
  return refused;
}

bool IsPublish(const RequestHead& request) {
  return ClassifyTarget(request.path).route == Route::kPublish;
}

Reply TextReply(int status, std::string_view text) {
  std::string body(text);
  body += '\n';
  return Fixed(status, kPlainText, std::move(body));
}

}  // namespace ssegw::http
