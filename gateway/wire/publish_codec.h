// Framing of the publish socket: protobuf's standard delimited format, a base-128
// varint length followed by that many bytes of message.
//
// PublishDecoder turns a byte stream, arriving in pieces of any size, into
// ssegw.internal.IngestRequest messages (the gateway's side) or any other message type
// (a publisher reading PublishReply frames uses the same decoder). It copies appended bytes into
// one internal buffer that it owns and parses each frame straight out of it; the buffer is
// compacted only when the consumed prefix outweighs the rest or a reallocation is due anyway, so
// steady-state decoding allocates nothing when the caller reuses one request object.
// "Need more bytes" (kNeedMore) is never an error: it only means the next frame is
// incomplete. Errors are final: after the first kError the decoder drops further input
// and keeps returning kError, because a corrupt length leaves no way to find the next
// frame boundary. A frame whose length exceeds the cap is rejected as soon as its length
// is known, before its body arrives.
//
// A decoder belongs to one connection and is not thread-safe; it holds no pointers to
// the caller's memory between calls.
//
// AppendDelimited writes the same format (used for PublishReply); its output reads back
// with any protobuf library's delimited reader.
#pragma once

#include <google/protobuf/message_lite.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ssegw/internal/ingest.pb.h"

namespace ssegw {

class PublishDecoder {
 public:
  // Frames whose body is longer than `max_frame_bytes` are rejected with kFrameTooLarge.
  // The cap is clamped to INT_MAX, protobuf's own limit for one message.
  explicit PublishDecoder(size_t max_frame_bytes);

  PublishDecoder(const PublishDecoder&) = delete;
  PublishDecoder& operator=(const PublishDecoder&) = delete;
  // A moved-from decoder may only be destroyed or assigned to.
  PublishDecoder(PublishDecoder&&) = default;
  PublishDecoder& operator=(PublishDecoder&&) = default;

  // Takes a copy of `bytes`, which may split frames anywhere (down to one byte per call).
  // Call Next until it returns kNeedMore after each Append, so the buffer holds at most
  // one incomplete frame plus the latest piece. Ignored once the decoder is in error.
  void Append(std::string_view bytes);

  enum class Outcome { kFrame, kNeedMore, kError };

  // kFrame: the next frame is consumed and `*request` holds it (any previous contents
  // are cleared first; reuse one object so its storage is recycled).
  // kNeedMore: no complete frame is buffered yet; `*request` is left untouched.
  // kError: the stream is corrupt; see error(). Sticky. `*request` is then unspecified.
  Outcome Next(google::protobuf::MessageLite* request);

  // Why Next returned kError: kVarintTooLong, kVarintOverflow, kFrameTooLarge or
  // kUnparseableMessage. Only meaningful after Next has returned kError.
  Error error() const;

  // Bytes appended but not yet consumed by Next (after kNeedMore: the incomplete
  // frame). Zero once in error, because the buffer is then released.
  size_t buffered_bytes() const { return buffer_.size() - begin_; }

 private:
  Outcome Fail(Error error);

  size_t max_frame_bytes_;
  std::string buffer_;  // buffer_[begin_, size()) is not yet consumed
  size_t begin_ = 0;
  Error error_{};
  bool failed_ = false;
};

// Appends `message` as one length-delimited frame (varint length + body) to *out.
// The message must be smaller than 2 GiB, as for any protobuf serialization.
void AppendDelimited(const google::protobuf::MessageLite& message, std::string* out);

}  // namespace ssegw
