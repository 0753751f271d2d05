// StreamSpec, StreamState and StreamDescription: the JetStream stream that holds the log,
// as the gateway wants it, as the servers report it, and what differs between the two.
//
// The gateway creates the stream from a StreamSpec only when it is missing; an existing
// stream is the operator's and is never changed. StreamDifferences lists what an existing
// stream does differently from the spec so the caller can log it or refuse to start
// (pure: no libnats call).
//
// Plain values: copy and move freely, on any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ssegw::cluster {

// JetStream's own minimum for deduplicating retried publishes across gateways.
inline constexpr std::chrono::nanoseconds kMinDuplicateWindow = std::chrono::minutes(2);

struct StreamSpec {
  std::string name;                     // no '.', '*', '>' or whitespace
  std::vector<std::string> subjects;    // e.g. {"ssegw.>"}; every publish subject must match
  int64_t max_msgs = -1;                // -1: no limit
  int64_t max_bytes = -1;               // -1: no limit
  std::chrono::nanoseconds max_age{0};  // 0: no limit; else >= duplicate_window
  int replicas = 1;                     // 1, 3 or 5 in practice
  std::chrono::nanoseconds duplicate_window = kMinDuplicateWindow;
  bool file_storage = true;  // false: memory (tests only; lost when a server restarts)
  // Lets every replica answer single-message gets (js_DirectGetMsg), not only the leader.
  bool allow_direct = true;
};

// What a server reports about an existing stream: its configuration and its state.
struct StreamDescription {
  StreamSpec config;  // as stored on the servers (name, subjects, limits, replicas...)
  // The oldest sequence held; last_seq + 1 once everything was removed (0 for a new
  // stream).
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;  // highest sequence ever stored (kept when messages are removed)
  uint64_t messages = 0;
  uint64_t bytes = 0;
  std::string leader;  // server name of the stream's leader in a cluster, else ""
  // When the stream was created (UTC nanoseconds): the same on every server and across
  // restarts, different for a stream deleted and created again.
  int64_t created_at_ns = 0;
  // True when EnsureStream's create request succeeded just now. Two gateways that create
  // the same config at once may both see true (the server treats the second as a lookup).
  bool created = false;
};

// Human-readable differences of `existing` from `wanted` that matter to the gateway:
// subjects not covering the wanted ones, a smaller duplicate window than wanted or than
// JetStream's 2 minutes, other limits or replicas. Empty: the stream is as wanted.
std::vector<std::string> StreamDifferences(const StreamSpec& wanted, const StreamSpec& existing);

// A problem with a spec the servers would refuse or that breaks the contract (empty
// name, no subjects, max_age shorter than the duplicate window...), or "" when valid.
std::string ValidateStreamSpec(const StreamSpec& spec);

}  // namespace ssegw::cluster
