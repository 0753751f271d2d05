// RequestHead: the parts of a request the gateway looks at, gathered header by header
// by either codec with AddHeader, so both keep the same fields under the same limits.
//
// Plain values; AddHeader is a pure function of its arguments.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssegw::http {

struct RequestHead {
  std::string method;
  std::string path;
  std::optional<std::string> origin;
  std::optional<std::string> last_event_id;  // raw header value, validated by the routes
  std::optional<std::string> authorization;
  std::optional<std::string> cookie;  // several cookie fields (HTTP/2) joined with "; "
  std::optional<std::string> content_type;
  std::optional<std::string> content_length;
  size_t header_count = 0;
  size_t header_bytes = 0;  // sum of name and value sizes
  bool too_large = false;   // past a header limit: answered with 431
};

struct HeaderLimits {
  size_t max_count = 64;         // header fields per request
  size_t max_bytes = 16 * 1024;  // sum of name and value sizes
  size_t hard_factor = 4;        // this many times past a limit: not worth answering
};

enum class HeaderVerdict {
  kKept,         // counted, and kept if the routes look at it
  kTooLarge,     // past a limit: the request gets 431 (nothing more is kept)
  kFarTooLarge,  // far past it: refuse the request without decoding it further
};

// Counts the field against `limits` and keeps what the routes look at: the HTTP/2
// pseudo-headers :method and :path, origin, last-event-id, authorization, cookie,
// content-type and content-length. Names compare
// ignoring ASCII case (HTTP/2 sends them lower case; HTTP/1.1 in any case).
HeaderVerdict AddHeader(RequestHead* head, std::string_view name, std::string_view value,
                        const HeaderLimits& limits);

}  // namespace ssegw::http
