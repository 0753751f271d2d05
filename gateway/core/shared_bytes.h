// SharedBytes: an immutable, reference-counted byte string.
//
// An event is encoded once into a SharedBytes; the history and the outbound queue of
// every subscribed stream then hold references to that one allocation, so fan-out to N
// streams costs N reference-count increments and no copies. The bytes live in the same
// allocation as the count (one malloc per buffer).
//
// Copying is a reference-count increment; moving is free. The count is atomic, so a
// buffer may be shared by event loops on different threads. The bytes never change
// after construction. A default-constructed SharedBytes is empty.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

namespace ssegw {

class SharedBytes {
 public:
  SharedBytes() = default;
  // Copies `bytes` into a new buffer.
  explicit SharedBytes(std::string_view bytes);
  // Builds the buffer in place: `fill(char* dst)` must write exactly `size` bytes.
  template <typename Fill>
  static SharedBytes Make(size_t size, Fill&& fill) {
    SharedBytes out;
    out.block_ = Allocate(size);
    fill(out.block_->bytes());
    return out;
  }

  SharedBytes(const SharedBytes& other) : block_(other.block_) { Ref(); }
  SharedBytes(SharedBytes&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedBytes& operator=(const SharedBytes& other) {
    SharedBytes copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  SharedBytes& operator=(SharedBytes&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~SharedBytes() { Unref(); }

  const char* data() const { return block_ ? block_->bytes() : nullptr; }
  size_t size() const { return block_ ? block_->size : 0; }
  bool empty() const { return size() == 0; }
  std::string_view view() const { return {data(), size()}; }
  std::span<const uint8_t> span() const {
    return {reinterpret_cast<const uint8_t*>(data()), size()};
  }
  // How many SharedBytes refer to this buffer (0 when empty); for tests and metrics.
  uint32_t use_count() const { return block_ ? block_->refs.load(std::memory_order_relaxed) : 0; }

  friend bool operator==(const SharedBytes& a, const SharedBytes& b) { return a.view() == b.view(); }

 private:
  struct Block {
    std::atomic<uint32_t> refs;
    uint32_t size;
    char* bytes() { return reinterpret_cast<char*>(this + 1); }
  };
  static Block* Allocate(size_t size);
  void Ref() {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Unref();

  Block* block_ = nullptr;
};

}  // namespace ssegw
