// BodySource: how a response body leaves the HTTP layer, pulled by the codec rather than
// pushed: the codec asks how many bytes the next frame or chunk carries (at most what it
// can take now), then has exactly those bytes appended to the connection's output. The
// HTTP/2 codec wires it to nghttp2's NO_COPY data provider; the HTTP/1.1 codec frames
// each pull as a chunk. Event bytes are therefore copied once, from the shared event
// buffers into the connection's output.
//
// Sources are owned by the session's streams and must outlive the codec's use of them.
// Single-threaded, like the session.
#pragma once

#include <cstddef>
#include <string>

namespace ssegw::http {

class BodySource {
 public:
  struct Chunk {
    enum class Kind { kData, kDeferred };
    Kind kind = Kind::kDeferred;
    size_t length = 0;        // payload bytes of the next frame or chunk (kData)
    bool end_stream = false;  // that frame ends the body (kData)
    // That frame takes everything queued but the body goes on (kData): the HTTP/2 codec
    // ends its data source there and starts a new one when more comes.
    bool drains = false;
  };
  // The next frame's size, at most `max_length`; kDeferred: nothing now — the source's
  // owner is told (StreamOwner::OnStreamData) when there is more.
  virtual Chunk NextChunk(size_t max_length) = 0;
  // Appends the next `length` payload bytes (as announced by NextChunk) to *out.
  virtual void WritePayload(size_t length, std::string* out) = 0;

 protected:
  ~BodySource() = default;
};

}  // namespace ssegw::http
