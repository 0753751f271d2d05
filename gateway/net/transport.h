// Transport: the byte pipe under one client connection — a non-blocking socket, with
// or without TLS. Connection drives it and never sees OpenSSL.
//
// A transport owns its socket and closes it on destruction. Every call returns at once:
// kWantRead / kWantWrite say which readiness of the socket to wait for before calling
// again. Retry rule (OpenSSL's, kept for every transport): after Write returned
// kWantRead or kWantWrite, the next Write must pass the same bytes with the same length;
// the buffer may have moved. Single-threaded, like the connection that owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ssegw::net {

enum class IoStatus {
  kOk,         // done; `bytes` moved (Read: > 0)
  kWantRead,   // wait until the socket is readable, then call again
  kWantWrite,  // wait until the socket is writable, then call again
  kEof,        // the peer closed the connection (cleanly or not)
  kError,      // fatal; see Transport::last_error()
};

struct IoResult {
  IoStatus status;
  size_t bytes = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  virtual int fd() const = 0;
  // Completes the transport's own handshake; kOk once done (at once for plain TCP).
  virtual IoResult Handshake() = 0;
  virtual IoResult Read(std::span<uint8_t> into) = 0;
  // Bytes already taken from the socket and not yet returned by Read (TLS records read
  // ahead): the socket will not signal readiness for them again.
  virtual bool HoldsInput() const = 0;
  virtual IoResult Write(std::span<const uint8_t> bytes) = 0;
  // Best-effort orderly close (TLS close_notify); never blocks, never fails.
  virtual void Shutdown() = 0;
  // The application protocol agreed in the handshake ("h2"), or "" if none was.
  virtual std::string_view protocol() const = 0;
  // TLS (h2, https) rather than cleartext (h2c, http).
  virtual bool encrypted() const = 0;
  // What went wrong, after kError.
  virtual std::string last_error() const = 0;
};

}  // namespace ssegw::net
