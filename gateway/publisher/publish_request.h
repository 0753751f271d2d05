// A publisher's events as one ssegw.v1.PublishRequest, shared by the socket publisher
// library (ssegw::Publisher) and sse-publish's HTTP publisher; internal, not installed.
//
// Every event without an id gets one of the publisher's own before the first send: its
// RandomIdPrefix() and a counter. With ids fixed, a request can be sent again after a
// lost reply, and the gateway acknowledges the events it already holds as duplicates
// instead of sending them twice.
//
// Pure functions apart from RandomIdPrefix's read of std::random_device; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ssegw/publisher.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw {

// "p", 64 random bits in base 36, "-": unique among publishers in practice, and only
// lower-case letters, digits and '-'.
std::string RandomIdPrefix();

// The request `seq` holding `events` (moved from), in order. An event without an id gets
// id_prefix + *next_id, and *next_id counts up.
v1::PublishRequest BuildPublishRequest(uint64_t seq, std::vector<PublishEvent>& events,
                                       const std::string& id_prefix, uint64_t* next_id);

}  // namespace ssegw
