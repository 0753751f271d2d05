#include "h2/frame_scanner.h"

#include <algorithm>
#include <cstring>

namespace ssegw::h2 {
namespace {

uint32_t Read24(const uint8_t* p) {
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}

int32_t Read31(const uint8_t* p) {
  return static_cast<int32_t>(((uint32_t{p[0]} & 0x7f) << 24) | (uint32_t{p[1]} << 16) |
                              (uint32_t{p[2]} << 8) | p[3]);
}

}  // namespace

bool FrameScanner::Next(std::span<const uint8_t> bytes, size_t* pos, FrameHeader* header,
                        size_t* start) {
  while (*pos < bytes.size()) {
    const size_t available = bytes.size() - *pos;
    if (preface_left_ > 0) {
      const size_t n = std::min(preface_left_, available);
      preface_left_ -= n;
      *pos += n;
      continue;
    }
    if (payload_left_ > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(payload_left_, available));
      payload_left_ -= n;
      *pos += n;
      continue;
    }
    // A header left incomplete by the previous chunk began before this one.
    const size_t begin = head_size_ == 0 ? *pos : 0;
    while (*pos < bytes.size() && head_size_ < head_want_) {
      const size_t n = std::min(head_want_ - head_size_, bytes.size() - *pos);
      std::memcpy(head_ + head_size_, bytes.data() + *pos, n);
      head_size_ += n;
      *pos += n;
      if (head_size_ == kHeaderBytes && head_want_ == kHeaderBytes && head_[3] == kPriority &&
          Read24(head_) == kPriorityLength) {
        head_want_ = kHeaderBytes + kDependencyBytes;  // 5-byte PRIORITY: read its dependency
      }
    }
    if (head_size_ < head_want_) return false;
    header->length = Read24(head_);
    header->type = head_[3];
    header->flags = head_[4];
    header->stream_id = Read31(head_ + 5);
    header->dependency = head_want_ > kHeaderBytes ? Read31(head_ + kHeaderBytes) : 0;
    *start = begin;
    payload_left_ = header->length - (head_want_ - kHeaderBytes);
    head_size_ = 0;
    head_want_ = kHeaderBytes;
    return true;
  }
  return false;
}

}  // namespace ssegw::h2
