#include "h2/session_allocator.h"

#include <cstdlib>
#include <cstring>
#include <memory>

namespace ssegw::h2 {
namespace {

// One per thread that creates sessions, freed when the thread ends; by then its
// sessions are gone (a worker frees its connections before its thread returns).
void* ThreadFrameBuffer() {
  thread_local const std::unique_ptr<unsigned char[]> buffer(
      new unsigned char[SessionAllocator::kFrameBufferBytes]);
  return buffer.get();
}

ItemSlots& ThreadItemSlots() {
  thread_local ItemSlots slots;
  return slots;
}

SessionAllocator& From(void* self) {
  return *static_cast<SessionAllocator*>(self);
}

}  // namespace

ItemSlots::ItemSlots() {
  for (size_t i = kSlots; i > 0; --i) Give(storage_ + (i - 1) * kSlotBytes);
}

SessionAllocator::SessionAllocator()
    : mem_{this, &SessionAllocator::Malloc, &SessionAllocator::Free, &SessionAllocator::Calloc,
           &SessionAllocator::Realloc},
      slots_(ThreadItemSlots()) {}

void* SessionAllocator::Malloc(size_t size, void* self) {
  SessionAllocator& allocator = From(self);
  if (allocator.creating_ && allocator.shared_ == nullptr && size == kFrameBufferBytes) {
    allocator.shared_ = ThreadFrameBuffer();
    return allocator.shared_;
  }
  if (size >= ItemSlots::kMinBytes && size <= ItemSlots::kSlotBytes) {
    if (void* slot = allocator.slots_.Take()) return slot;
  }
  return std::malloc(size);
}

void SessionAllocator::Free(void* ptr, void* self) {
  SessionAllocator& allocator = From(self);
  if (ptr != nullptr && ptr == allocator.shared_) return;  // the thread keeps it
  if (allocator.slots_.Owns(ptr)) {
    allocator.slots_.Give(ptr);
    return;
  }
  std::free(ptr);
}

void* SessionAllocator::Calloc(size_t count, size_t size, void*) {
  return std::calloc(count, size);
}

void* SessionAllocator::Realloc(void* ptr, size_t size, void* self) {
  // nghttp2 allocates its buffers, the frame buffer included, with realloc(nullptr).
  if (ptr == nullptr) return Malloc(size, self);
  SessionAllocator& allocator = From(self);
  if (allocator.slots_.Owns(ptr)) {
    if (size >= ItemSlots::kMinBytes && size <= ItemSlots::kSlotBytes) return ptr;
    void* moved = std::malloc(size);
    if (moved == nullptr) return nullptr;
    std::memcpy(moved, ptr, size < ItemSlots::kSlotBytes ? size : ItemSlots::kSlotBytes);
    allocator.slots_.Give(ptr);
    return moved;
  }
  if (ptr != allocator.shared_) return std::realloc(ptr, size);
  // nghttp2 never resizes its frame buffer; should a release do so, the session gets a
  // private copy and stops sharing.
  void* copy = std::malloc(size);
  if (copy == nullptr) return nullptr;
  std::memcpy(copy, ptr, size < kFrameBufferBytes ? size : kFrameBufferBytes);
  allocator.shared_ = nullptr;
  return copy;
}

}  // namespace ssegw::h2
