#include "net/protocol_detect.h"

#include <algorithm>

namespace ssegw::net {

HttpVersion DetectHttpVersion(std::string_view alpn, std::string_view first_bytes) {
  if (alpn == "h2") return HttpVersion::kHttp2;
  if (alpn == "http/1.1") return HttpVersion::kHttp1;
  const size_t n = std::min(first_bytes.size(), kHttp2ClientPreface.size());
  if (first_bytes.substr(0, n) != kHttp2ClientPreface.substr(0, n)) return HttpVersion::kHttp1;
  if (n == kHttp2ClientPreface.size()) return HttpVersion::kHttp2;
  return HttpVersion::kUndecided;
}

}  // namespace ssegw::net
