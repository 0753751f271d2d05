// Which HTTP version a new client connection speaks, from what its TLS handshake agreed
// (ALPN) or, when nothing was agreed — the cleartext listener, or a TLS client that
// offers no ALPN — from its first bytes: HTTP/2 clients open with the 24-byte client
// preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 §3.4), and no HTTP/1.1 request
// line starts like it, so the first byte that differs from the preface settles it for
// HTTP/1.1, and the whole preface for HTTP/2. Pure.
#pragma once

#include <string_view>

namespace ssegw::net {

enum class HttpVersion {
  kUndecided,  // a prefix of the preface so far: read more
  kHttp1,
  kHttp2,
};

inline constexpr std::string_view kHttp2ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// `alpn`: the protocol TLS agreed ("h2", "http/1.1"), or "" when none was.
// `first_bytes`: everything read from the client so far (ignored when ALPN decided).
HttpVersion DetectHttpVersion(std::string_view alpn, std::string_view first_bytes);

}  // namespace ssegw::net
