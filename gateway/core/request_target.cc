#include "core/request_target.h"

#include <utility>

namespace ssegw {
namespace {

constexpr std::string_view kEventsPath = "/events";
constexpr std::string_view kEventsPrefix = "/events/";

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

Result<std::optional<std::string>> CheckLastEventId(std::string value) {
  if (HasLineBreakOrNul(value)) return Error::kBadLastEventId;
  if (value.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(value));
}

// Parameter names are compared after decoding, as URLSearchParams would, so a client
// that encodes "topic" as "t%6Fpic" is still understood. A name that does not decode
// cannot be one of ours, and unknown parameters are ignored whatever they hold.
bool NameIs(std::string_view raw, std::string_view want) {
  if (raw == want) return true;
  if (raw.find_first_of("%+") == std::string_view::npos) return false;
  Result<std::string> decoded = FormDecode(raw);
  return decoded.ok() && decoded.value() == want;
}

}  // namespace

RequestTarget ClassifyTarget(std::string_view target) {
  // Cut the fragment first: a '?' inside a fragment does not start a query.
  target = target.substr(0, target.find('#'));
  RequestTarget out{Route::kNotFound, target, {}};
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    out.path = target.substr(0, q);
    out.query = target.substr(q + 1);
  }
  const std::string_view path = out.path;
  if (path == "/") {
    out.route = Route::kDemoPage;
  } else if (path == "/healthz") {
    out.route = Route::kHealthz;
  } else if (path == "/readyz") {
    out.route = Route::kReadyz;
  } else if (path == "/metrics") {
    out.route = Route::kMetrics;
  } else if (path == "/publish") {
    out.route = Route::kPublish;
  } else if (path == kEventsPath || path.starts_with(kEventsPrefix)) {
    out.route = Route::kEvents;
  }
  return out;
}

Result<Subscription> ParseSubscription(const RequestTarget& target) {
  if (target.route != Route::kEvents) return Error::kNoTopicInRequest;
  Subscription sub;

  if (target.path.starts_with(kEventsPrefix)) {
    Result<std::string> topic = PercentDecode(target.path.substr(kEventsPrefix.size()));
    if (!topic.ok()) return topic.error();
    if (Status s = ValidateTopic(topic.value()); !s.ok()) return s.error();
    sub.topics.push_back(std::move(topic).value());
  }

  std::string_view rest = target.query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (param.empty()) continue;

    const size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    // A bare "topic" (no '=') is URLSearchParams' empty value, so it fails as empty.
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);

    if (NameIs(name, "topic")) {
      Result<std::string> topic = FormDecode(raw_value);
      if (!topic.ok()) return topic.error();
      if (Status s = ValidateTopic(topic.value()); !s.ok()) return s.error();
      sub.topics.push_back(std::move(topic).value());
    } else if (NameIs(name, "lastEventId")) {
      Result<std::string> id = FormDecode(raw_value);
      if (!id.ok()) return id.error();
      Result<std::optional<std::string>> checked = CheckLastEventId(std::move(id).value());
      if (!checked.ok()) return checked.error();
      sub.last_event_id = std::move(checked).value();
    }
  }

  if (sub.topics.empty()) return Error::kNoTopicInRequest;
  Normalize(&sub.topics);
  if (sub.topics.size() > kMaxTopicsPerSubscription) return Error::kTooManyTopics;
  return sub;
}

Result<std::optional<std::string>> ParseLastEventIdHeader(std::string_view value) {
  return CheckLastEventId(std::string(value));
}

std::optional<std::string> QueryParameter(std::string_view query, std::string_view name) {
  for (std::string_view rest = query; !rest.empty();) {
    const size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = param.find('=');
    if (param.substr(0, eq) != name) continue;
    Result<std::string> value =
        FormDecode(eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1));
    if (!value.ok()) return std::nullopt;
    return std::move(value).value();
  }
  return std::nullopt;
}

std::string WithoutQueryParameter(std::string_view target, std::string_view name) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  const size_t hash = target.find('#', question);
  std::string out(target.substr(0, question));
  std::string_view rest = target.substr(
      question + 1, hash == std::string_view::npos ? std::string_view::npos : hash - question - 1);
  char separator = '?';
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (param.substr(0, param.find('=')) == name) continue;
    out += separator;
    out += param;
    separator = '&';
  }
  return out;
}

}  // namespace ssegw
