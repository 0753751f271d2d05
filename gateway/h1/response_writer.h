// The bytes of HTTP/1.1 responses: a status line and header block, and the framing of
// chunked bodies (RFC 9112 §7.1). Header names and values come from http/routes, which
// never puts CR or LF in them. Pure.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "http/routes.h"

namespace ssegw::h1 {

// How the body after the head is delimited.
enum class Framing {
  kAsGiven,     // the headers say it (content-length), or there is no body
  kChunked,     // transfer-encoding: chunked; ends with LastChunk()
  kUntilClose,  // HTTP/1.0 event stream: the body ends when the connection closes
};

// "HTTP/1.1 <status> <reason>", `headers`, the framing header, then `connection:
// keep-alive` or `connection: close`, and the empty line.
void AppendHead(int status, std::span<const http::Header> headers, Framing framing, bool keep_alive,
                std::string* out);

// The size line that precedes `length` bytes of chunk data (length > 0).
void AppendChunkSize(size_t length, std::string* out);
// What follows the data of every chunk.
inline constexpr std::string_view kChunkEnd = "\r\n";
// The zero-size chunk and empty trailer section that end a chunked body.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace ssegw::h1
