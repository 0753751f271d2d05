// ClosedStreams: what a server session remembers about client streams that are no longer
// open, to answer DATA and HEADERS frames on them as RFC 9113 §5.1 asks.
//
// Why the session keeps this itself: nghttp2 knows a closed stream only while it retains
// it for the RFC 7540 priority tree, and the gateway runs nghttp2 with RFC 9218
// priorities (SETTINGS_NO_RFC7540_PRIORITIES), where closed streams are dropped at once
// and frames on them are ignored in silence. That mode saves ~15% of the instructions
// per delivery (docs/BENCHMARKS.md, issue 9), so the rules are applied here instead.
//
// The rules: a client that sends DATA or HEADERS on a stream it closed itself (with
// END_STREAM or RST_STREAM) commits a connection error of type STREAM_CLOSED, however
// long ago it closed. Frames on a stream the server reset while the client could still
// send on it were possibly in flight and are ignored. Server resets are rare, so they
// are what is remembered — the most recent kRememberedResets; an older one is treated
// like any closed stream, as §5.1 allows ("MAY choose to limit the period over which it
// ignores frames"). Ids the client skipped are closed too (§5.1.1); HEADERS on one is a
// PROTOCOL_ERROR (new stream ids must increase), known for the most recent
// kRememberedGaps gaps and STREAM_CLOSED beyond. Everything above the highest stream
// opened is nghttp2's to judge (idle streams, streams refused or ignored after GOAWAY).
//
// Pure; single-threaded; one per session. Memory: nothing for a client whose streams
// end normally; at most a few tens of KiB for one that provokes resets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <utility>
#include <vector>

namespace ssegw::h2 {

class ClosedStreams {
 public:
  static constexpr size_t kRememberedResets = 1024;
  static constexpr size_t kRememberedGaps = 64;

  enum class Verdict { kIgnore, kStreamClosed, kProtocolError };

  // nghttp2 opened client stream `id`; ids only increase.
  void Opened(int32_t id);
  // The server reset (or refused) client stream `id` while the client could still send.
  void ResetByServer(int32_t id);
  // A DATA or (`headers`) HEADERS frame arrived on client stream `id` (odd, not open).
  Verdict Judge(int32_t id, bool headers) const;

 private:
  struct Gap {
    int32_t first;
    int32_t last;
  };

  int32_t highest_opened_ = 0;
  std::unordered_set<int32_t> resets_;
  std::vector<int32_t> reset_order_;  // ring of resets_, oldest at reset_next_ when full
  size_t reset_next_ = 0;
  std::vector<Gap> gaps_;  // ring, oldest at gap_next_ when full
  size_t gap_next_ = 0;
};

}  // namespace ssegw::h2
