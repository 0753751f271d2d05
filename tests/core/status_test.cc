#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

namespace ssegw {
namespace {

constexpr Error kAllErrors[] = {
    Error::kIdHasLineBreakOrNul,
    Error::kTypeHasLineBreakOrNul,
    Error::kIdNotUtf8,
    Error::kTypeNotUtf8,
    Error::kDataNotUtf8,
    Error::kVarintTooLong,
    Error::kVarintOverflow,
    Error::kFrameTooLarge,
    Error::kUnparseableMessage,
    Error::kNoEvents,
    Error::kNoTopic,
    Error::kTopicEmpty,
    Error::kTopicTooLong,
    Error::kTopicBadCharacter,
    Error::kBadPercentEncoding,
    Error::kNoTopicInRequest,
    Error::kBadLastEventId,
};

TEST(StatusTest, EveryErrorHasItsOwnDescription) {
  std::set<std::string_view> seen;
  for (Error e : kAllErrors) {
    const std::string_view text = Describe(e);
    EXPECT_FALSE(text.empty()) << static_cast<int>(e);
    EXPECT_NE(text, "unknown error") << static_cast<int>(e);
    EXPECT_TRUE(seen.insert(text).second) << "duplicate description: " << text;
  }
}

TEST(StatusTest, EnumeratorsAddedLaterAreDescribedToo) {
  // The list above only holds the reasons known when this test was written. The enum
  // is dense from 0, so walking the integer range until the fallback text also checks
  // reasons added since (a missing switch case is already a -Wswitch error).
  std::set<std::string_view> seen;
  int described = 0;
  for (;; ++described) {
    const std::string_view text = Describe(static_cast<Error>(described));
    if (text == "unknown error") break;
    EXPECT_FALSE(text.empty()) << described;
    EXPECT_TRUE(seen.insert(text).second) << "duplicate description: " << text;
  }
  EXPECT_GE(described, static_cast<int>(std::size(kAllErrors)));
}

TEST(StatusTest, DefaultAndOkAreOk) {
  EXPECT_TRUE(Status().ok());
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ErrorIsKept) {
  Status s = Error::kFrameTooLarge;
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Error::kFrameTooLarge);
  Status copy = s;
  EXPECT_EQ(copy.error(), Error::kFrameTooLarge);
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Error::kNoEvents;
  return n / 2;
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 4);
  ok.value() = 5;
  EXPECT_EQ(ok.value(), 5);

  Result<int> bad = Half(7);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), Error::kNoEvents);
}

TEST(ResultTest, MovesOutMoveOnlyValue) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("x");
  ASSERT_TRUE(r.ok());
  std::unique_ptr<std::string> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, "x");
}

TEST(ResultTest, ConstAccess) {
  const Result<std::string> r = std::string("abc");
  EXPECT_EQ(r.value(), "abc");
}

}  // namespace
}  // namespace ssegw
