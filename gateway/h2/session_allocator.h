// SessionAllocator: the nghttp2_mem of one ServerSession. Every allocation goes to malloc
// except one: the outbound frame buffer that nghttp2 allocates when the session is
// created and keeps until it is deleted (NGHTTP2_FRAMEBUF_CHUNKLEN, 16 KiB + 10 bytes in
// nghttp2 1.52), which is instead the calling thread's one shared buffer.
//
// Why sharing is safe: that buffer only ever holds the frame nghttp2_session_mem_send is
// serializing. mem_send returns a pointer into it and does not read those bytes again;
// the next call starts from its own bookkeeping (kept outside the buffer) and packs the
// next frame from the start. NO_COPY DATA frames get their 9-byte header packed there
// and handed to send_data_callback within the same call. So nothing in the buffer
// outlives one mem_send call, provided that (1) the caller copies the returned bytes
// before calling into any other session on the thread (ServerSession::ProduceOutput
// appends each frame to the connection's output at once), (2) send_data_callback never
// returns NGHTTP2_ERR_WOULDBLOCK (nghttp2 would pass the same header again on the next
// call), and (3) every session using it runs on this thread. Large header blocks that
// need more chunks get private ones (allocated by mem_send, not at creation). Sixteen
// KiB is a third of what an idle TLS connection used to cost (docs/BENCHMARKS.md, issue
// 14); with nghttp2 releases that size the buffer differently nothing is shared.
//
// The other exception: small blocks of 129 to 160 bytes, the size of nghttp2's outbound
// item (152 bytes in 1.52 on x86-64), one of which is made and freed for every frame
// nghttp2 queues — each restarted data source of an event stream, so once per delivery
// turn per stream. They come from a few slots the thread keeps (ItemSlots), falling back
// to malloc when all are taken.
//
// Lifetime: must outlive the nghttp2 session it was given to (nghttp2 keeps a copy of
// mem() pointing here). Single-threaded, like the session.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>

namespace ssegw::h2 {

// The calling thread's slots for nghttp2's outbound items; see above.
class ItemSlots {
 public:
  static constexpr size_t kMinBytes = 129;
  static constexpr size_t kSlotBytes = 160;
  static constexpr size_t kSlots = 32;

  ItemSlots();
  ItemSlots(const ItemSlots&) = delete;
  ItemSlots& operator=(const ItemSlots&) = delete;

  // A free slot, or nullptr when all are taken.
  void* Take() { return free_count_ == 0 ? nullptr : free_[--free_count_]; }
  bool Owns(const void* ptr) const {
    const auto* p = static_cast<const unsigned char*>(ptr);
    return p >= storage_ && p < storage_ + sizeof(storage_);
  }
  void Give(void* slot) { free_[free_count_++] = slot; }
  size_t free_count() const { return free_count_; }

 private:
  alignas(std::max_align_t) unsigned char storage_[kSlots * kSlotBytes];
  void* free_[kSlots];
  size_t free_count_ = 0;
};

class SessionAllocator {
 public:
  // nghttp2's frame buffer chunk: frame header, pad length, largest default payload.
  static constexpr size_t kFrameBufferBytes = 9 + 1 + 16384;

  SessionAllocator();
  SessionAllocator(const SessionAllocator&) = delete;
  SessionAllocator& operator=(const SessionAllocator&) = delete;

  // For nghttp2_session_server_new3; valid as long as this object.
  nghttp2_mem* mem() { return &mem_; }

  // Brackets the nghttp2_session_*_new3 call: the first frame-buffer-sized allocation
  // made in between is the thread's shared buffer.
  void BeginSessionCreation() { creating_ = true; }
  void EndSessionCreation() { creating_ = false; }

  // The creating thread's slots for outbound items.
  const ItemSlots& item_slots() const { return slots_; }

  // The thread's shared buffer if this session's frame buffer is it, else nullptr.
  const void* shared_frame_buffer() const { return shared_; }

 private:
  static void* Malloc(size_t size, void* self);
  static void Free(void* ptr, void* self);
  static void* Calloc(size_t count, size_t size, void* self);
  static void* Realloc(void* ptr, size_t size, void* self);

  nghttp2_mem mem_;
  ItemSlots& slots_;  // the creating thread's
  bool creating_ = false;
  void* shared_ = nullptr;  // the thread's buffer, once handed to nghttp2
};

}  // namespace ssegw::h2
