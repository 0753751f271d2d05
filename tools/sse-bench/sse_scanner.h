// SseScanner: counts the events in one text/event-stream body as it arrives in pieces of
// any size, and picks sse-bench's send stamp (payload.h) out of each event's data.
//
// This is the receive hot path of sse-bench, so it never allocates and never copies: it
// keeps 16 bytes of state per stream between pieces, compares at most a few bytes at the
// start of each line, and skips the rest of a line with memchr. An event is counted, as
// the WHATWG parser would dispatch it, at the blank line that ends a block holding at
// least one `data` field; comment-only blocks (the gateway's keep-alives) and blocks
// without data (a lone `retry:`) are not events. The stamp is read from a data line that
// starts "data: @<digits>"; an event without one reports a stamp of 0.
//
// Lines end with LF, which is what sse-gateway writes; a server that ends lines with a
// bare CR would be mis-counted (sse-bench is a load tool for this gateway, not a general
// SSE client). Single-threaded: one scanner per stream.
#pragma once

#include <cstdint>
#include <cstring>

#include "payload.h"

namespace ssebench {

class SseScanner {
 public:
  // Feeds the next piece of the body; calls on_event(stamp_ns) once per completed event,
  // in order (stamp_ns == 0: the event carried no stamp).
  template <typename OnEvent>
  void Feed(const char* p, const char* end, OnEvent&& on_event);

 private:
  static constexpr char kStampPrefix[] = {'d', 'a', 't', 'a', ':', ' ', kStampMarker};
  static constexpr uint8_t kDataFieldLength = 5;  // "data:"

  enum class State : uint8_t { kLineStart, kPrefix, kDigits, kRestOfLine };

  uint64_t stamp_ = 0;  // the stamp of the current block (digits so far while kDigits)
  State state_ = State::kLineStart;
  uint8_t prefix_matched_ = 0;  // bytes of kStampPrefix matched on the current line
  bool block_has_data_ = false;
};

template <typename OnEvent>
void SseScanner::Feed(const char* p, const char* end, OnEvent&& on_event) {
  while (p < end) {
    switch (state_) {
      case State::kLineStart:
        if (*p == '\n') {  // a blank line: the block ends
          if (block_has_data_) on_event(stamp_);
          block_has_data_ = false;
          stamp_ = 0;
          ++p;
          continue;
        }
        state_ = State::kPrefix;
        prefix_matched_ = 0;
        [[fallthrough]];
      case State::kPrefix:
        while (p < end) {
          const char c = *p;
          if (c == '\n') {  // the line ended inside the prefix
            // A bare "data" line is a data field with an empty value, like "data:".
            if (prefix_matched_ == kDataFieldLength - 1) block_has_data_ = true;
            state_ = State::kLineStart;
            ++p;
            break;
          }
          if (c != kStampPrefix[prefix_matched_]) {
            state_ = State::kRestOfLine;
            break;
          }
          ++p;
          if (++prefix_matched_ == kDataFieldLength) block_has_data_ = true;
          if (prefix_matched_ == sizeof kStampPrefix) {
            state_ = State::kDigits;
            stamp_ = 0;
            break;
          }
        }
        continue;
      case State::kDigits:
        while (p < end && static_cast<unsigned char>(*p - '0') < 10) {
          stamp_ = stamp_ * 10 + static_cast<uint64_t>(*p - '0');
          ++p;
        }
        if (p < end) state_ = State::kRestOfLine;
        continue;
      case State::kRestOfLine: {
        const void* newline = std::memchr(p, '\n', static_cast<size_t>(end - p));
        if (newline == nullptr) return;
        p = static_cast<const char*>(newline) + 1;
        state_ = State::kLineStart;
        continue;
      }
    }
  }
}

}  // namespace ssebench
