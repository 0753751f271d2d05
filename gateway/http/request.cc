#include "http/request.h"

#include <algorithm>

namespace ssegw::http {
namespace {

bool NameIs(std::string_view name, std::string_view lower) {
  return name.size() == lower.size() &&
         std::equal(name.begin(), name.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

}  // namespace

HeaderVerdict AddHeader(RequestHead* head, std::string_view name, std::string_view value,
                        const HeaderLimits& limits) {
  ++head->header_count;
  head->header_bytes += name.size() + value.size();
  if (head->header_count > limits.max_count || head->header_bytes > limits.max_bytes) {
    head->too_large = true;
    if (head->header_count > limits.hard_factor * limits.max_count ||
        head->header_bytes > limits.hard_factor * limits.max_bytes) {
      return HeaderVerdict::kFarTooLarge;
    }
  }
  if (head->too_large) return HeaderVerdict::kTooLarge;  // nothing more worth keeping
  if (NameIs(name, ":method")) {
    head->method = value;
  } else if (NameIs(name, ":path")) {
    head->path = value;
  } else if (NameIs(name, "origin")) {
    head->origin = std::string(value);
  } else if (NameIs(name, "last-event-id")) {
    head->last_event_id = std::string(value);
  } else if (NameIs(name, "authorization")) {
    head->authorization = std::string(value);
  } else if (NameIs(name, "content-type")) {
    head->content_type = std::string(value);
  } else if (NameIs(name, "content-length")) {
    head->content_length = std::string(value);
  } else if (NameIs(name, "cookie")) {
    // RFC 9113 §8.2.3: HTTP/2 may split the cookie header into several fields.
    if (head->cookie) {
      head->cookie->append("; ").append(value);
    } else {
      head->cookie = std::string(value);
    }
  }
  return HeaderVerdict::kKept;
}

}  // namespace ssegw::http
