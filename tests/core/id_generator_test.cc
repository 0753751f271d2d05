#include "core/id_generator.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace ssegw {
namespace {

bool ValidIdChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-';
}

TEST(IdGeneratorTest, FormatIsBase36EpochDashBase36Counter) {
  IdGenerator gen(36 * 36 + 35);  // "10z" in base 36
  EXPECT_EQ(gen.Next(), "10z-0");
  EXPECT_EQ(gen.Next(), "10z-1");
  for (int i = 2; i < 36; ++i) (void)gen.Next();
  EXPECT_EQ(gen.Next(), "10z-10");
}

TEST(IdGeneratorTest, ZeroAndMaxEpoch) {
  EXPECT_EQ(IdGenerator(0).Next(), "0-0");
  EXPECT_EQ(IdGenerator(UINT64_MAX).Next(), "3w5e11264sgsf-0");
}

TEST(IdGeneratorTest, MillionIdsAreUniqueShortAndValid) {
  IdGenerator gen(1'717'171'717'171);  // a boot time in ms
  std::unordered_set<std::string> seen;
  seen.reserve(1'000'000);
  for (int i = 0; i < 1'000'000; ++i) {
    std::string id = gen.Next();
    ASSERT_FALSE(id.empty());
    ASSERT_LE(id.size(), 15u) << id;  // stays in the small-string buffer
    for (char c : id) ASSERT_TRUE(ValidIdChar(c)) << id;
    ASSERT_TRUE(seen.insert(std::move(id)).second) << "duplicate at " << i;
  }
}

TEST(IdGeneratorTest, DifferentEpochsNeverShareIds) {
  IdGenerator a(1'717'171'717'171);
  IdGenerator b(1'717'171'717'172);
  std::unordered_set<std::string> from_a;
  for (int i = 0; i < 10'000; ++i) from_a.insert(a.Next());
  for (int i = 0; i < 10'000; ++i) ASSERT_FALSE(from_a.contains(b.Next()));
}

// Without the dash, epoch 1 with counter 36 and epoch 37 ("11") with counter 0 would both
// read "110".
TEST(IdGeneratorTest, PrefixIsUnambiguous) {
  IdGenerator a(1);
  IdGenerator b(37);  // "11"
  std::unordered_set<std::string> from_a;
  for (int i = 0; i < 5000; ++i) from_a.insert(a.Next());
  for (int i = 0; i < 5000; ++i) ASSERT_FALSE(from_a.contains(b.Next()));
}

}  // namespace
}  // namespace ssegw
