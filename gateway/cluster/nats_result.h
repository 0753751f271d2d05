// NatsError and NatsResult<T>: how every call of the cluster library reports failure.
//
// A failure is sorted by what the caller should do about it (NatsErrorKind), and keeps
// libnats' status, the JetStream error code and the server's text for logs. The mapping
// from libnats' natsStatus and JetStream codes (ClassifyNatsFailure) is a pure function.
//
// Plain values: copy and move freely, on any thread.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ssegw::cluster {

enum class NatsErrorKind {
  // No connection, no responder, no JetStream leader, or the client is reconnecting:
  // nothing happened; try again later (publishes are answered STATUS_UNAVAILABLE).
  kUnavailable,
  // No answer in time. The request may still have taken effect (a publish may be stored;
  // retrying with the same Nats-Msg-Id is safe).
  kTimeout,
  // The stream, consumer or message does not exist.
  kNotFound,
  // The server understood and refused (JetStream API error: see js_code and text).
  kRejected,
  // The caller passed something unusable (bad URL, unreadable file, empty name).
  kInvalid,
};

struct NatsError {
  NatsErrorKind kind = NatsErrorKind::kUnavailable;
  int status = 0;   // libnats natsStatus, 0 when the failure did not come from libnats
  int js_code = 0;  // JetStream API error code (e.g. 10059 stream not found), 0 when none
  std::string text;
};

// "unavailable: no responders (status 27)" and the like, for logs.
std::string Describe(const NatsError& error);
std::string_view KindName(NatsErrorKind kind);

// Sorts a libnats failure. `status` is a natsStatus other than NATS_OK, `js_code` the
// jsErrCode the call reported (0 when none), `text` what nats_GetLastError or the server
// said.
NatsError ClassifyNatsFailure(int status, int js_code, std::string text);

// Either a T or a NatsError. Check ok() before value().
template <typename T>
class [[nodiscard]] NatsResult {
 public:
  NatsResult(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  NatsResult(NatsError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  const NatsError& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }

 private:
  std::variant<T, NatsError> state_;
};

}  // namespace ssegw::cluster
