// GatewayCounters: the numbers behind /metrics, kept by the parts that see the events.
//
// One instance per event loop, owned by whoever owns the loop and passed by reference
// to the hub, the HTTP/2 sessions and the publish server, which update it only on that
// loop's thread (plain integers, no atomics). /metrics sums the instances of all loops.
#pragma once

#include <cstdint>

namespace ssegw {

struct GatewayCounters {
  // Gauges.
  uint64_t connections = 0;  // open client connections (TLS or plain)
  uint64_t streams = 0;      // open SSE streams
  uint64_t publishers = 0;   // open publish-socket connections
  // Totals since start.
  uint64_t events_published_total = 0;      // events accepted into history (duplicates excluded)
  uint64_t events_delivered_total = 0;      // events queued to a stream, replayed ones included
  uint64_t bytes_sent_total = 0;            // bytes written to client sockets (TLS payload)
  uint64_t replayed_events_total = 0;       // events sent from history on resume
  uint64_t slow_consumer_closes_total = 0;  // streams ended by the slow-consumer rule
  uint64_t publish_errors_total = 0;        // publish requests rejected or frames refused
  uint64_t duplicate_events_total = 0;      // published events whose id was already held
};

}  // namespace ssegw
