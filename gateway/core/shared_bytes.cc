#include "core/shared_bytes.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace ssegw {

SharedBytes::SharedBytes(std::string_view bytes) {
  block_ = Allocate(bytes.size());
  if (!bytes.empty()) std::memcpy(block_->bytes(), bytes.data(), bytes.size());
}

SharedBytes::Block* SharedBytes::Allocate(size_t size) {
  if (size > std::numeric_limits<uint32_t>::max()) throw std::bad_alloc();
  void* memory = std::malloc(sizeof(Block) + size);
  if (memory == nullptr) throw std::bad_alloc();
  Block* block = new (memory) Block;
  block->refs.store(1, std::memory_order_relaxed);
  block->size = static_cast<uint32_t>(size);
  return block;
}

void SharedBytes::Unref() {
  if (block_ == nullptr) return;
  // acq_rel so that the thread freeing the block sees every other thread's last use.
  if (block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    std::free(block_);
  }
  block_ = nullptr;
}

}  // namespace ssegw
