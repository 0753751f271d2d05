#include "core/shared_bytes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>

namespace ssegw {
namespace {

TEST(SharedBytesTest, DefaultIsEmpty) {
  SharedBytes b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.data(), nullptr);
  EXPECT_EQ(b.use_count(), 0u);
  EXPECT_EQ(b.view(), "");
  EXPECT_TRUE(b.span().empty());
}

TEST(SharedBytesTest, CopiesInput) {
  std::string source = "hello";
  SharedBytes b(source);
  source[0] = 'J';
  EXPECT_EQ(b.view(), "hello");
  EXPECT_EQ(b.size(), 5u);
  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.use_count(), 1u);
  ASSERT_EQ(b.span().size(), 5u);
  EXPECT_EQ(b.span()[0], 'h');
}

TEST(SharedBytesTest, EmptyInputIsEmpty) {
  SharedBytes b{std::string_view()};
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.view(), "");
}

TEST(SharedBytesTest, KeepsBinaryBytes) {
  const std::string binary("a\0\xFF", 3);
  EXPECT_EQ(SharedBytes(binary).view(), binary);
}

TEST(SharedBytesTest, CopySharesOneBuffer) {
  SharedBytes a("abc");
  {
    SharedBytes b = a;
    EXPECT_EQ(b.data(), a.data());
    EXPECT_EQ(a.use_count(), 2u);
    SharedBytes c;
    c = b;
    EXPECT_EQ(a.use_count(), 3u);
  }
  EXPECT_EQ(a.use_count(), 1u);
}

TEST(SharedBytesTest, CopyAssignReleasesOldBuffer) {
  SharedBytes a("abc");
  SharedBytes b("xyz");
  SharedBytes keep_b = b;
  ASSERT_EQ(b.use_count(), 2u);
  b = a;
  EXPECT_EQ(b.view(), "abc");
  EXPECT_EQ(keep_b.use_count(), 1u);
  EXPECT_EQ(a.use_count(), 2u);
  const SharedBytes& alias = b;
  b = alias;  // self-assignment keeps the buffer
  EXPECT_EQ(b.view(), "abc");
  EXPECT_EQ(a.use_count(), 2u);
}

TEST(SharedBytesTest, MoveTransfersWithoutCounting) {
  SharedBytes a("abc");
  const char* data = a.data();
  SharedBytes b = std::move(a);
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(b.use_count(), 1u);

  SharedBytes old("xyz");
  const SharedBytes watch_old = old;
  ASSERT_EQ(watch_old.use_count(), 2u);
  {
    SharedBytes c = std::move(old);
    c = std::move(b);
    EXPECT_EQ(c.data(), data);
    EXPECT_EQ(c.use_count(), 1u);
  }
  // Whatever the moved-from objects hold, the old buffer's reference is not leaked.
  b = SharedBytes();
  old = SharedBytes();
  EXPECT_EQ(watch_old.use_count(), 1u);
}

TEST(SharedBytesTest, MakeFillsInPlace) {
  SharedBytes b = SharedBytes::Make(4, [](char* dst) { std::memcpy(dst, "wxyz", 4); });
  EXPECT_EQ(b.view(), "wxyz");
  EXPECT_EQ(b.use_count(), 1u);
}

TEST(SharedBytesTest, EqualityComparesBytes) {
  EXPECT_EQ(SharedBytes("abc"), SharedBytes("abc"));
  EXPECT_NE(SharedBytes("abc"), SharedBytes("abd"));
  EXPECT_EQ(SharedBytes(), SharedBytes(std::string_view()));
}

}  // namespace
}  // namespace ssegw
