// SessionAllocator: every server session of a thread shares nghttp2's frame buffer, and
// sessions whose output interleaves frame by frame still send exactly their own frames.
#include "h2/session_allocator.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <string>
#include <thread>
#include <vector>

#include "h2_pair.h"

namespace ssegw::h2::testing {
namespace {

// A bare nghttp2 server session made with `allocator`, as ServerSession makes its own.
nghttp2_session* NewSession(SessionAllocator& allocator) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session* session = nullptr;
  allocator.BeginSessionCreation();
  const int rv =
      nghttp2_session_server_new3(&session, callbacks, nullptr, nullptr, allocator.mem());
  allocator.EndSessionCreation();
  nghttp2_session_callbacks_del(callbacks);
  return rv == 0 ? session : nullptr;
}

TEST(SessionAllocatorTest, SessionsOfAThreadShareOneFrameBuffer) {
  // Fails when an nghttp2 release sizes its frame buffer differently: the sharing (and
  // its 16 KiB per connection) would then silently be gone.
  SessionAllocator first, second;
  nghttp2_session* a = NewSession(first);
  nghttp2_session* b = NewSession(second);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(first.shared_frame_buffer(), nullptr);
  EXPECT_EQ(first.shared_frame_buffer(), second.shared_frame_buffer());
  nghttp2_session_del(a);
  // The buffer stays the thread's: a session made after one is gone shares it too.
  SessionAllocator third;
  nghttp2_session* c = NewSession(third);
  EXPECT_EQ(third.shared_frame_buffer(), second.shared_frame_buffer());
  nghttp2_session_del(b);
  nghttp2_session_del(c);
}

TEST(SessionAllocatorTest, OnlyTheBufferMadeAtCreationIsShared) {
  SessionAllocator allocator;
  nghttp2_mem* mem = allocator.mem();
  // Outside creation a buffer of that size is a private one.
  void* p = mem->realloc(nullptr, SessionAllocator::kFrameBufferBytes, mem->mem_user_data);
  EXPECT_EQ(allocator.shared_frame_buffer(), nullptr);
  mem->free(p, mem->mem_user_data);
  // During creation only the first one is.
  allocator.BeginSessionCreation();
  void* shared = mem->realloc(nullptr, SessionAllocator::kFrameBufferBytes, mem->mem_user_data);
  void* second = mem->malloc(SessionAllocator::kFrameBufferBytes, mem->mem_user_data);
  allocator.EndSessionCreation();
  EXPECT_EQ(shared, allocator.shared_frame_buffer());
  EXPECT_NE(second, shared);
  mem->free(second, mem->mem_user_data);
  mem->free(shared, mem->mem_user_data);  // the thread keeps it
  SessionAllocator later;
  later.BeginSessionCreation();
  EXPECT_EQ(later.mem()->malloc(SessionAllocator::kFrameBufferBytes, later.mem()->mem_user_data),
            shared);
  later.EndSessionCreation();
}

TEST(SessionAllocatorTest, EachThreadHasItsOwnBuffer) {
  SessionAllocator here;
  nghttp2_session* a = NewSession(here);
  ASSERT_NE(a, nullptr);
  const void* there_buffer = nullptr;
  std::thread([&] {
    SessionAllocator there;
    nghttp2_session* b = NewSession(there);
    there_buffer = there.shared_frame_buffer();
    nghttp2_session_del(b);
  }).join();
  EXPECT_NE(there_buffer, nullptr);
  EXPECT_NE(there_buffer, here.shared_frame_buffer());
  nghttp2_session_del(a);
}

TEST(SessionAllocatorTest, ItemSizedBlocksComeFromTheThreadsSlotsThenFromMalloc) {
  SessionAllocator allocator;
  nghttp2_mem* mem = allocator.mem();
  const ItemSlots& slots = allocator.item_slots();
  const size_t free_before = slots.free_count();
  ASSERT_GT(free_before, 0u);
  std::vector<void*> blocks;
  for (size_t i = 0; i < free_before + 3; ++i) {
    blocks.push_back(mem->malloc(ItemSlots::kSlotBytes, mem->mem_user_data));
  }
  EXPECT_EQ(slots.free_count(), 0u);
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(slots.Owns(blocks[i]), i < free_before) << i;
  }
  // Sizes outside the range never take a slot.
  void* small = mem->malloc(ItemSlots::kMinBytes - 1, mem->mem_user_data);
  EXPECT_FALSE(slots.Owns(small));
  mem->free(small, mem->mem_user_data);
  for (void* block : blocks) mem->free(block, mem->mem_user_data);
  EXPECT_EQ(slots.free_count(), free_before);

  // Grown past the slot, a block moves to malloc with its bytes and gives the slot back.
  auto* block = static_cast<unsigned char*>(mem->malloc(ItemSlots::kMinBytes, mem->mem_user_data));
  ASSERT_TRUE(slots.Owns(block));
  for (size_t i = 0; i < ItemSlots::kMinBytes; ++i) block[i] = static_cast<unsigned char>(i);
  auto* grown = static_cast<unsigned char*>(mem->realloc(block, 4096, mem->mem_user_data));
  EXPECT_FALSE(slots.Owns(grown));
  EXPECT_EQ(slots.free_count(), free_before);
  for (size_t i = 0; i < ItemSlots::kMinBytes; ++i) ASSERT_EQ(grown[i], i);
  mem->free(grown, mem->mem_user_data);
}

// Fails when an nghttp2 release changes the size of its outbound item: the slots would
// then serve nothing (and the deliveries would pay a malloc and a free again).
TEST(SessionAllocatorTest, NghttpOutboundItemsUseTheSlots) {
  SessionAllocator allocator;
  nghttp2_session* session = NewSession(allocator);
  ASSERT_NE(session, nullptr);
  const size_t free_before = allocator.item_slots().free_count();
  ASSERT_EQ(nghttp2_submit_ping(session, NGHTTP2_FLAG_NONE, nullptr), 0);
  EXPECT_EQ(allocator.item_slots().free_count(), free_before - 1);
  const uint8_t* data = nullptr;
  while (nghttp2_session_mem_send(session, &data) > 0) {
  }
  EXPECT_EQ(allocator.item_slots().free_count(), free_before);
  nghttp2_session_del(session);
}

// Two connections' sessions, their output produced one frame at a time in turn, so each
// frame of one is packed into the shared buffer right after a frame of the other.
TEST(SessionAllocatorTest, InterleavedSessionsSendOnlyTheirOwnFrames) {
  H2Pair a, b;
  a.output_cap = b.output_cap = 1;  // one frame per ProduceOutput
  auto pump_both = [&] {
    for (int round = 0; round < 100000; ++round) {
      const bool moved_a = a.Step();
      const bool moved_b = b.Step();
      if (!moved_a && !moved_b) return;
    }
    FAIL() << "did not settle";
  };
  const int32_t a_events = a.Get("/events/alpha");
  const int32_t a_health = a.Get("/healthz");
  const int32_t b_events = b.Get("/events/beta", {{"origin", "https://b.example"}});
  const int32_t b_missing = b.Get("/nowhere");
  pump_both();
  for (int i = 0; i < 20; ++i) {
    a.env().Publish({"alpha"}, "a" + std::to_string(i), "a" + std::to_string(i));
    b.env().Publish({"beta"}, "b" + std::to_string(i) + std::string(300, 'x'),
                    "b" + std::to_string(i));
    if (i % 3 == 0) pump_both();
  }
  pump_both();

  EXPECT_TRUE(a.server_ok);
  EXPECT_TRUE(b.server_ok);
  EXPECT_EQ(a.stream(a_events).status(), 200);
  EXPECT_EQ(a.stream(a_health).status(), 200);
  EXPECT_EQ(a.stream(a_health).body, "ok\n");
  EXPECT_EQ(b.stream(b_events).status(), 200);
  EXPECT_EQ(b.stream(b_missing).status(), 404);
  std::vector<std::string> a_ids, b_ids;
  for (const auto& event : a.stream(a_events).Events()) a_ids.push_back(event.last_event_id);
  for (const auto& event : b.stream(b_events).Events()) {
    EXPECT_EQ(event.data, event.last_event_id + std::string(300, 'x'));
    b_ids.push_back(event.last_event_id);
  }
  std::vector<std::string> want_a, want_b;
  for (int i = 0; i < 20; ++i) {
    want_a.push_back("a" + std::to_string(i));
    want_b.push_back("b" + std::to_string(i));
  }
  EXPECT_EQ(a_ids, want_a);
  EXPECT_EQ(b_ids, want_b);
}

}  // namespace
}  // namespace ssegw::h2::testing
