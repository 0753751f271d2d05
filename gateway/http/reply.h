// Reply: what the gateway answers to one request, before a codec turns it into HTTP/2
// frames or HTTP/1.1 bytes: a complete fixed response (status, headers, body) or the
// start of an event stream (the 200 headers plus the validated subscription). Headers
// never include connection-specific fields (RFC 9113 §8.2.2). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/request_target.h"

namespace ssegw::http {

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
  uint64_t lifetime_ms = 0;     // kEventStream: ended cleanly after this (its token's
                                // expiry); 0: no limit
};

}  // namespace ssegw::http
