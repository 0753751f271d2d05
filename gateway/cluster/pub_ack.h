// PublishAck and ParsePubAck: JetStream's answer to one published message.
//
// A stream answers a publish that carries a reply subject with a JSON PubAck:
// {"stream":"S","seq":42} once the message is stored at the stream's replication,
// {"stream":"S","seq":42,"duplicate":true} when its Nats-Msg-Id was already stored within
// the duplicate window (seq is then the first copy's), or {"error":{"code":...,
// "err_code":...,"description":...}} when the stream refused it. ParsePubAck reads that
// text: outside input, so it never trusts it (fuzzed by tests/fuzz/fuzz_pub_ack).
//
// Pure: no libnats call, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/nats_result.h"

namespace ssegw::cluster {

struct PublishAck {
  uint64_t seq = 0;        // the message's position in the stream (never 0 when ok)
  bool duplicate = false;  // already stored within the duplicate window: not stored again
  std::string stream;
};

// The PubAck, or kRejected with the server's error code and description, or kRejected
// with js_code 0 when the text is not a PubAck at all.
NatsResult<PublishAck> ParsePubAck(std::string_view json);

}  // namespace ssegw::cluster
