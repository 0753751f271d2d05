// Request targets: routing an HTTP request target (HTTP/2 ":path", or the HTTP/1.1
// origin-form target) and turning an events target into a subscription.
//
// ClassifyTarget does not copy: the RequestTarget it returns holds views into the
// caller's string, which must outlive it. ParseSubscription and ParseLastEventIdHeader
// return owned values. All functions are pure and safe from any thread. Every input is
// untrusted bytes from the network; nothing here assumes it is well-formed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/topics.h"

namespace ssegw {

enum class Route { kDemoPage, kHealthz, kReadyz, kMetrics, kEvents, kPublish, kNotFound };

struct RequestTarget {
  Route route;
  std::string_view path;   // Before the first '?' or '#'; not decoded.
  std::string_view query;  // After the first '?', up to any '#'; without the '?'.
};

// Splits `target` at the first '?' (a '#' fragment, which clients should not send, is
// dropped along with anything after it) and classifies the path by exact match:
// "/" -> kDemoPage, "/healthz" -> kHealthz, "/readyz" -> kReadyz, "/metrics" ->
// kMetrics, "/events" or "/events/..." -> kEvents, "/publish" -> kPublish, anything else
// -> kNotFound. No trailing-slash aliases.
RequestTarget ClassifyTarget(std::string_view target);

struct Subscription {
  TopicSet topics;                           // Non-empty, valid, sorted, unique.
  std::optional<std::string> last_event_id;  // Non-empty when present.
};

// For a kEvents target. Topics come from "/events/{topic}" (everything after
// "/events/", PercentDecode'd, so it may contain '/'; "/events/" alone is kTopicEmpty)
// and from every "topic" query parameter (FormDecode'd; repeatable). "lastEventId" is
// FormDecode'd; the last one wins and an empty value means none; CR, LF or NUL in any
// of them is kBadLastEventId. Other parameters are ignored, even malformed ones. Every
// topic is validated; no topic at all is kNoTopicInRequest, as is any target whose route
// is not kEvents.
Result<Subscription> ParseSubscription(const RequestTarget& target);

// Validates a Last-Event-ID header value by the same rule: CR, LF or NUL is
// kBadLastEventId; empty means none.
Result<std::optional<std::string>> ParseLastEventIdHeader(std::string_view value);

// The first query parameter called `name` (exact, case-sensitive), FormDecode'd;
// nullopt when there is none or it is malformed.
std::optional<std::string> QueryParameter(std::string_view query, std::string_view name);

// `target` with every query parameter called `name` removed (the rest kept as sent), so
// a token passed in the query never reaches a log line.
std::string WithoutQueryParameter(std::string_view target, std::string_view name);

}  // namespace ssegw
