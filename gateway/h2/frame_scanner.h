// FrameScanner: finds the frames in a client's HTTP/2 byte stream, exactly where nghttp2
// will find them, so the session can judge each frame against the rules nghttp2 does not
// apply in the mode the gateway runs it in (see h2/closed_streams.h) before the frame
// reaches nghttp2.
//
// The stream is the 24-byte client preface, then frames: a 9-byte header and a payload
// of the length that header gives. Next() reports each frame once its header is complete
// (a PRIORITY frame of the standard 5 bytes once its stream dependency is too), with the
// place in the current chunk where the frame began. Payloads are skipped, never copied.
// Nothing is validated here: nghttp2 does that, and once it has rejected the input what
// the scanner reports means nothing.
//
// Pure; single-threaded; one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ssegw::h2 {

struct FrameHeader {
  uint32_t length = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  int32_t stream_id = 0;   // the reserved bit cleared
  int32_t dependency = 0;  // PRIORITY frames of 5 bytes: the stream dependency, E bit cleared
};

class FrameScanner {
 public:
  static constexpr size_t kPrefaceBytes = 24;
  static constexpr size_t kHeaderBytes = 9;
  static constexpr uint8_t kPriority = 0x2;

  // Scans bytes[*pos, end) and advances *pos. true: the header of a frame completed in
  // this chunk; *header describes it and *start is where it began in `bytes` (0 when it
  // began in an earlier chunk); call again with the same `bytes` for the next one.
  // false: `bytes` is used up.
  bool Next(std::span<const uint8_t> bytes, size_t* pos, FrameHeader* header, size_t* start);

 private:
  static constexpr size_t kDependencyBytes = 4;
  static constexpr uint32_t kPriorityLength = 5;  // dependency and weight

  size_t preface_left_ = kPrefaceBytes;
  uint64_t payload_left_ = 0;  // payload bytes still to skip
  uint8_t head_[kHeaderBytes + kDependencyBytes] = {};
  size_t head_size_ = 0;             // bytes of head_ collected so far
  size_t head_want_ = kHeaderBytes;  // 9, or 13 once a 5-byte PRIORITY header is in
};

}  // namespace ssegw::h2
