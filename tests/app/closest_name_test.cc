#include "app/closest_name.h"

#include <gtest/gtest.h>

#include <array>

namespace ssegw::app {
namespace {

TEST(EditDistanceTest, CountsEachEditOnce) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("history", "history"), 0u);
  EXPECT_EQ(EditDistance("histroy", "history"), 1u);  // a swap of neighbours is one edit
  EXPECT_EQ(EditDistance("histor", "history"), 1u);
  EXPECT_EQ(EditDistance("hixtory", "history"), 1u);
  EXPECT_EQ(EditDistance("", "key"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(ClosestNameTest, SuggestsOnlyLikelyTypos) {
  constexpr std::array<std::string_view, 4> kNames = {"history", "history-bytes", "keepalive",
                                                      "key"};
  EXPECT_EQ(ClosestName("histroy", kNames), "history");
  EXPECT_EQ(ClosestName("history-byte", kNames), "history-bytes");
  EXPECT_EQ(ClosestName("keepalvie", kNames), "keepalive");
  EXPECT_EQ(ClosestName("kye", kNames), "key");
  EXPECT_EQ(ClosestName("colour", kNames), std::nullopt);
  EXPECT_EQ(ClosestName("x", kNames), std::nullopt);
  EXPECT_EQ(ClosestName("histroy", {}), std::nullopt);
}

}  // namespace
}  // namespace ssegw::app
