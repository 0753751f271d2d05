#include "cluster/warm_start.h"

#include <algorithm>

namespace ssegw::cluster {

uint64_t WarmStartSeq(const StreamExtent& stream, uint64_t history_events, uint64_t history_bytes) {
  if (stream.messages == 0 || stream.last_seq == 0) return stream.last_seq + 1;
  uint64_t wanted = std::max<uint64_t>(history_events, 1);
  if (stream.bytes > 0) {
    const uint64_t average = std::max<uint64_t>(stream.bytes / stream.messages, 1);
    wanted = std::min(wanted, std::max<uint64_t>(history_bytes / average, 1));
  }
  const uint64_t start = stream.last_seq >= wanted ? stream.last_seq - wanted + 1 : 1;
  return std::max(start, stream.first_seq);
}

}  // namespace ssegw::cluster
