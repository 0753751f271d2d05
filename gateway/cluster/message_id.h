// MessageIdFor: the Nats-Msg-Id of a publish request, so that JetStream stores a retried
// request once, whichever gateway it is sent to.
//
// Only a request whose every event carries the publisher's id can be recognised when it
// comes again; its msg id is the SHA-256 (hex) of those ids, in order, each preceded by
// its length, so the same ids in the same order always give the same msg id and no other
// list of ids does. A request with any event left for the gateway to name gets none ("").
//
// Pure; any thread.
#pragma once

#include <span>
#include <string>

#include "core/event.h"

namespace ssegw::cluster {

std::string MessageIdFor(std::span<const EventDraft> events);

}  // namespace ssegw::cluster
