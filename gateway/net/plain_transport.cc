#include "net/plain_transport.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ssegw::net {

IoResult PlainTransport::Read(std::span<uint8_t> into) {
  ssize_t n;
  do {
    n = recv(fd_.get(), into.data(), into.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n > 0) return {IoStatus::kOk, static_cast<size_t>(n)};
  if (n == 0) return {IoStatus::kEof};
  if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::kWantRead};
  if (errno == ECONNRESET) return {IoStatus::kEof};
  last_error_ = strerror(errno);
  return {IoStatus::kError};
}

IoResult PlainTransport::Write(std::span<const uint8_t> bytes) {
  ssize_t n;
  do {
    n = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n >= 0) return {IoStatus::kOk, static_cast<size_t>(n)};
  if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::kWantWrite};
  if (errno == ECONNRESET || errno == EPIPE) return {IoStatus::kEof};
  last_error_ = strerror(errno);
  return {IoStatus::kError};
}

void PlainTransport::Shutdown() {
  shutdown(fd_.get(), SHUT_WR);
}

}  // namespace ssegw::net
