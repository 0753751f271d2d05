// WarmStartSeq: the stream sequence a starting gateway begins reading at, so that what it
// reads up to the stream's last message fills its in-memory history and little more.
//
// The history is capped by events and by bytes; a message holds one request (one event or
// more), so `history_events` messages hold at least that many events. The byte cap is
// turned into messages with the stream's average message size. Never before the stream's
// first message; after its last when it holds nothing.
//
// Pure; any thread.
#pragma once

#include <cstdint>

namespace ssegw::cluster {

struct StreamExtent {
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  uint64_t messages = 0;
  uint64_t bytes = 0;
};

uint64_t WarmStartSeq(const StreamExtent& stream, uint64_t history_events, uint64_t history_bytes);

}  // namespace ssegw::cluster
