// Positions and ids of the cluster log.
//
// One stream message holds one publish request of up to kMaxEventsPerMessage events. An
// event's position (LogEvent::seq) is (stream sequence << 16) | its index in the message:
// strictly increasing along the stream, never 0 (stream sequences start at 1), and the
// same on every gateway. Index 0xffff is never an event's, so LogPosition(s, kEndOfMessage)
// means "after every event of message s".
//
// An event the publisher sent without an id gets "<epoch>-<stream seq>-<index>", each part
// in base 36 (digits and lower-case letters), where the epoch is the stream's creation time
// in microseconds. The id alone tells any gateway where the event is in the stream, so it
// resumes from the stream itself beyond the in-memory tail; an id from an earlier
// incarnation of the stream (deleted and created again, sequences starting over) has
// another epoch and is recognised as foreign.
//
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssegw::cluster {

inline constexpr int kIndexBits = 16;
inline constexpr uint32_t kEndOfMessage = (uint32_t{1} << kIndexBits) - 1;
inline constexpr size_t kMaxEventsPerMessage = kEndOfMessage;  // indexes 0 .. 65534

constexpr uint64_t LogPosition(uint64_t stream_seq, uint32_t index) {
  return (stream_seq << kIndexBits) | index;
}
constexpr uint64_t StreamSeqOf(uint64_t position) {
  return position >> kIndexBits;
}
constexpr uint32_t IndexOf(uint64_t position) {
  return static_cast<uint32_t>(position & kEndOfMessage);
}

// The epoch part of assigned ids for a stream created at `created_ns` (UTC nanoseconds).
std::string StreamEpoch(int64_t created_ns);

// "<epoch>-<stream seq>-<index>".
std::string AssignedId(std::string_view epoch, uint64_t position);

struct AssignedIdParts {
  std::string_view epoch;
  uint64_t position = 0;
};
// The parts of an id of AssignedId's form (canonical base 36: no upper case, no leading
// zeros, an index below kEndOfMessage, a stream sequence of at least 1), or nullopt.
std::optional<AssignedIdParts> ParseAssignedId(std::string_view id);

}  // namespace ssegw::cluster
