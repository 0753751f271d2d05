#include "wire/publish_codec.h"

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <cassert>
#include <climits>
#include <cstdint>

namespace ssegw {
namespace {

// A uint64 needs at most 10 base-128 digits; the 10th may only carry the top bit.
constexpr size_t kMaxVarintBytes = 10;

// An emptied buffer keeps its storage so the next piece needs no allocation, unless an
// unusually large frame grew it: one big publish should not pin that memory for the
// connection's lifetime.
constexpr size_t kRetainedCapacity = 256 * 1024;

}  // namespace

PublishDecoder::PublishDecoder(size_t max_frame_bytes)
    : max_frame_bytes_(std::min<size_t>(max_frame_bytes, INT_MAX)) {}

void PublishDecoder::Append(std::string_view bytes) {
  if (failed_ || bytes.empty()) return;
  const size_t unread = buffer_.size() - begin_;
  if (unread == 0) {
    buffer_.clear();
    begin_ = 0;
    if (buffer_.capacity() > kRetainedCapacity && bytes.size() <= kRetainedCapacity) {
      std::string().swap(buffer_);
    }
  } else if (begin_ > 0 &&
             (begin_ >= unread || buffer_.capacity() - buffer_.size() < bytes.size())) {
    // Moving the unread tail costs no more than the consumed prefix it frees (so each
    // byte is moved O(1) times overall), or than the reallocation about to happen anyway.
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  buffer_.append(bytes);
}

PublishDecoder::Outcome PublishDecoder::Next(google::protobuf::MessageLite* request) {
  if (failed_) return Outcome::kError;
  const auto* data = reinterpret_cast<const uint8_t*>(buffer_.data()) + begin_;
  const size_t available = buffer_.size() - begin_;

  // The varint is decoded by hand: CodedInputStream reports truncated and malformed
  // varints alike as failure, and the publisher must learn which one it sent, at once.
  uint64_t length = 0;
  size_t varint_bytes = 0;
  for (;;) {
    if (varint_bytes == available) return Outcome::kNeedMore;
    const uint8_t byte = data[varint_bytes];
    if (varint_bytes == kMaxVarintBytes - 1) {
      // A continuation bit here already proves an 11th byte; no need to wait for it.
      if (byte & 0x80) return Fail(Error::kVarintTooLong);
      if (byte > 0x01) return Fail(Error::kVarintOverflow);
    }
    length |= uint64_t{byte & 0x7fu} << (7 * varint_bytes);
    ++varint_bytes;
    if (!(byte & 0x80)) break;
  }
  // Checked before the body is awaited so an oversized frame is never buffered.
  if (length > max_frame_bytes_) return Fail(Error::kFrameTooLarge);
  if (available - varint_bytes < length) return Outcome::kNeedMore;

  // ParseFromArray clears first and recycles the request's existing sub-objects and
  // strings, which is what keeps steady-state decoding allocation-free.
  if (!request->ParseFromArray(data + varint_bytes, static_cast<int>(length))) {
    return Fail(Error::kUnparseableMessage);
  }
  begin_ += varint_bytes + static_cast<size_t>(length);
  if (begin_ == buffer_.size()) {
    buffer_.clear();
    begin_ = 0;
  }
  return Outcome::kFrame;
}

Error PublishDecoder::error() const {
  assert(failed_);
  return error_;
}

PublishDecoder::Outcome PublishDecoder::Fail(Error error) {
  failed_ = true;
  error_ = error;
  // Nothing after a framing error can be trusted, so its bytes need not be kept.
  std::string().swap(buffer_);
  begin_ = 0;
  return Outcome::kError;
}

void AppendDelimited(const google::protobuf::MessageLite& message, std::string* out) {
  using google::protobuf::io::CodedOutputStream;
  const size_t body = message.ByteSizeLong();
  assert(body <= INT_MAX);
  const size_t start = out->size();
  out->resize(start + CodedOutputStream::VarintSize64(body) + body);
  auto* cursor = reinterpret_cast<uint8_t*>(out->data() + start);
  cursor = CodedOutputStream::WriteVarint64ToArray(body, cursor);
  // ByteSizeLong above cached the sizes this relies on.
  message.SerializeWithCachedSizesToArray(cursor);
}

}  // namespace ssegw
