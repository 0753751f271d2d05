// StoredMessage: one message read from the stream, with its sequence.
//
// Owns the libnats message, so subject, headers and payload are views into it with no
// copy; they stay valid as long as the StoredMessage. Move-only. Made on a libnats thread
// and then used by one thread at a time (reading headers makes libnats parse them lazily,
// so two threads must not read the same message at once).
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "cluster/nats_handles.h"

namespace ssegw::cluster {

class StoredMessage {
 public:
  // `seq`, `timestamp_ns` and `num_pending` come from the message's JetStream metadata
  // (a consumer's delivery) or from the stored-message reply (a get).
  StoredMessage(NatsMsgPtr msg, uint64_t seq, int64_t timestamp_ns, uint64_t num_pending)
      : msg_(std::move(msg)), seq_(seq), timestamp_ns_(timestamp_ns), num_pending_(num_pending) {}

  // A message delivered by a consumer: reads the sequence from its reply subject.
  // Nothing when it carries no JetStream metadata.
  static std::optional<StoredMessage> FromDelivery(NatsMsgPtr msg);
  // A message returned by js_GetMsg or js_DirectGetMsg.
  static StoredMessage FromGet(NatsMsgPtr msg);

  uint64_t seq() const { return seq_; }
  // Nanoseconds since the epoch at which the stream stored it.
  int64_t timestamp_ns() const { return timestamp_ns_; }
  // Messages after this one the consumer had still to deliver when it sent it
  // (0: this was the newest); 0 for gets.
  uint64_t num_pending() const { return num_pending_; }

  std::string_view subject() const;
  std::string_view data() const;
  // The first value of header `key` (case-sensitive), or nothing.
  std::optional<std::string_view> Header(const char* key) const;

 private:
  NatsMsgPtr msg_;
  uint64_t seq_;
  int64_t timestamp_ns_;
  uint64_t num_pending_;
};

}  // namespace ssegw::cluster
