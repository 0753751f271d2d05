#include "cluster/nats_result.h"

#include <nats/nats.h>

namespace ssegw::cluster {

std::string_view KindName(NatsErrorKind kind) {
  switch (kind) {
    case NatsErrorKind::kUnavailable:
      return "unavailable";
    case NatsErrorKind::kTimeout:
      return "timeout";
    case NatsErrorKind::kNotFound:
      return "not found";
    case NatsErrorKind::kRejected:
      return "rejected";
    case NatsErrorKind::kInvalid:
      return "invalid";
  }
  return "unknown";
}

std::string Describe(const NatsError& error) {
  std::string out(KindName(error.kind));
  if (!error.text.empty()) out += ": " + error.text;
  if (error.js_code != 0) out += " (JetStream error " + std::to_string(error.js_code) + ")";
  if (error.status != 0) {
    out += " (status ";
    out += natsStatus_GetText(static_cast<natsStatus>(error.status));
    out += ")";
  }
  return out;
}

namespace {

NatsErrorKind KindOfJetStreamCode(int js_code) {
  switch (js_code) {
    case JSStreamNotFoundErr:
    case JSNoMessageFoundErr:
    case JSConsumerNotFoundErr:
    case JSSequenceNotFoundErr:
      return NatsErrorKind::kNotFound;
    // The cluster has no leader (meta or stream) or too few live peers right now: the
    // same request succeeds once the servers are back, so it is an outage, not a refusal.
    case JSClusterNotAvailErr:
    case JSClusterNotLeaderErr:
    case JSClusterNoPeersErr:
    case JSStreamOfflineErr:
    case JSConsumerOfflineErr:
    case JSNotEnabledErr:
      return NatsErrorKind::kUnavailable;
    default:
      return NatsErrorKind::kRejected;
  }
}

}  // namespace

NatsError ClassifyNatsFailure(int status, int js_code, std::string text) {
  NatsError error{NatsErrorKind::kRejected, status, js_code, std::move(text)};
  if (js_code != 0) {
    error.kind = KindOfJetStreamCode(js_code);
    return error;
  }
  switch (static_cast<natsStatus>(status)) {
    case NATS_TIMEOUT:
      error.kind = NatsErrorKind::kTimeout;
      break;
    case NATS_NOT_FOUND:
      error.kind = NatsErrorKind::kNotFound;
      break;
    // While reconnecting, the client refuses publishes (its reconnect buffer is 0 bytes)
    // with NATS_INSUFFICIENT_BUFFER: for us that is "not connected".
    case NATS_INSUFFICIENT_BUFFER:
    case NATS_NO_RESPONDERS:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_SERVER:
    case NATS_NOT_YET_CONNECTED:
    case NATS_IO_ERROR:
    case NATS_STALE_CONNECTION:
    case NATS_DRAINING:
      error.kind = NatsErrorKind::kUnavailable;
      break;
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
    case NATS_INVALID_TIMEOUT:
    case NATS_ADDRESS_MISSING:
    case NATS_MAX_PAYLOAD:
      error.kind = NatsErrorKind::kInvalid;
      break;
    default:
      error.kind = NatsErrorKind::kRejected;
      break;
  }
  return error;
}

}  // namespace ssegw::cluster
