#include "h1/response_writer.h"

#include <http_parser.h>

#include <cstdio>

namespace ssegw::h1 {

void AppendHead(int status, std::span<const http::Header> headers, Framing framing, bool keep_alive,
                std::string* out) {
  out->append("HTTP/1.1 ");
  out->append(std::to_string(status));
  out->push_back(' ');
  out->append(http_status_str(static_cast<http_status>(status)));
  out->append("\r\n");
  for (const http::Header& header : headers) {
    out->append(header.name);
    out->append(": ");
    out->append(header.value);
    out->append("\r\n");
  }
  if (framing == Framing::kChunked) out->append("transfer-encoding: chunked\r\n");
  out->append(keep_alive ? "connection: keep-alive\r\n" : "connection: close\r\n");
  out->append("\r\n");
}

void AppendChunkSize(size_t length, std::string* out) {
  char line[32];
  const int n = snprintf(line, sizeof line, "%zx\r\n", length);
  out->append(line, static_cast<size_t>(n));
}

}  // namespace ssegw::h1
