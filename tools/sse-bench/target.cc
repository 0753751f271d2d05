#include "target.h"

#include <string_view>

namespace ssebench {

namespace {

constexpr std::string_view kTlsScheme = "https://";
constexpr std::string_view kPlainScheme = "http://";
constexpr std::string_view kEventsPrefix = "/events/";

}  // namespace

std::string Target::PathOf(size_t stream_index) const {
  if (topics.size() <= 1) return path;
  return std::string(kEventsPrefix) + topics[TopicOf(stream_index)];
}

std::optional<Target> ParseTarget(const std::string& url, size_t topic_count, std::string* error) {
  std::string_view rest(url);
  Target target;
  std::string_view port = "443";
  if (rest.starts_with(kTlsScheme)) {
    rest.remove_prefix(kTlsScheme.size());
  } else if (rest.starts_with(kPlainScheme)) {
    rest.remove_prefix(kPlainScheme.size());
    target.tls = false;
    port = "80";
  } else {
    *error = "--url must start with https:// (HTTP/2 over TLS) or http:// (h2c)";
    return std::nullopt;
  }
  const size_t slash = rest.find('/');
  target.authority = std::string(rest.substr(0, slash));
  target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));

  std::string_view authority(target.authority);
  if (authority.starts_with('[')) {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *error = "--url: unterminated [IPv6] address";
      return std::nullopt;
    }
    target.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (after.starts_with(':')) port = after.substr(1);
  } else {
    const size_t colon = authority.rfind(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (target.host.empty() || port.empty() ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    *error = "--url: expected https://HOST:PORT/PATH or http://HOST:PORT/PATH";
    return std::nullopt;
  }
  target.port = std::string(port);

  std::string_view path(target.path);
  if (path.starts_with(kEventsPrefix) && path.size() > kEventsPrefix.size() &&
      path.find_first_of("?%#") == std::string_view::npos) {
    const std::string base(path.substr(kEventsPrefix.size()));
    if (topic_count <= 1) {
      target.topics.push_back(base);
    } else {
      target.topics.reserve(topic_count);
      for (size_t t = 0; t < topic_count; ++t)
        target.topics.push_back(base + "-" + std::to_string(t));
    }
  } else if (topic_count > 1) {
    *error = "--topics needs a URL of the form https://HOST:PORT/events/<topic>";
    return std::nullopt;
  }
  return target;
}

}  // namespace ssebench
