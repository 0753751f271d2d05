#include "h1/head_guard.h"

#include <gtest/gtest.h>

#include <string>

namespace ssegw::h1 {
namespace {

constexpr size_t npos = std::string_view::npos;

TEST(HeadGuardTest, AcceptsWellFormedHeadsBackToBack) {
  HeadGuard guard({});
  EXPECT_EQ(guard.Scan("GET / HTTP/1.1\r\nHost: a\r\nX:\tb\r\n\r\n"), npos);
  EXPECT_EQ(guard.Scan("\r\nGET /x HTTP/1.1\nHost: a\n\n"), npos);  // bare LF is fine
  EXPECT_EQ(guard.problem(), HeadProblem::kNone);
}

TEST(HeadGuardTest, BareCrStopsAtTheByteAfterIt) {
  HeadGuard guard({});
  const std::string head = "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n";
  EXPECT_EQ(guard.Scan(head), head.find("\rX") + 1);
  EXPECT_EQ(guard.problem(), HeadProblem::kBareCr);
  EXPECT_EQ(StatusFor(guard.problem()), 400);
  EXPECT_EQ(guard.Scan("more"), 0u);  // stopped for good
}

TEST(HeadGuardTest, BareCrAcrossScans) {
  HeadGuard guard({});
  EXPECT_EQ(guard.Scan("GET / HTTP/1.1\r"), npos);
  EXPECT_EQ(guard.Scan("X"), 0u);
  EXPECT_EQ(guard.problem(), HeadProblem::kBareCr);
}

TEST(HeadGuardTest, ObsFoldIsRefusedButTheRequestLineMayNotStartALine) {
  HeadGuard guard({});
  const std::string head = "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n";
  EXPECT_EQ(guard.Scan(head), head.find("\tb"));
  EXPECT_EQ(guard.problem(), HeadProblem::kObsFold);
}

TEST(HeadGuardTest, ObsFoldWithSpaceInASecondHead) {
  HeadGuard guard({});
  EXPECT_EQ(guard.Scan("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), npos);
  EXPECT_EQ(guard.Scan("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n"), 25u);
  EXPECT_EQ(guard.problem(), HeadProblem::kObsFold);
}

TEST(HeadGuardTest, RequestLineLimit) {
  HeadGuard guard({.max_request_line = 16});
  EXPECT_EQ(guard.Scan("GET /0123456789 HTTP/1.1\r\n"), 16u);
  EXPECT_EQ(guard.problem(), HeadProblem::kRequestLineTooLong);
  EXPECT_EQ(StatusFor(guard.problem()), 414);
}

TEST(HeadGuardTest, HeaderLineCountLimit) {
  HeadGuard guard({.max_header_lines = 2});
  EXPECT_EQ(guard.Scan("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n"), npos);
  const std::string head = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n";
  EXPECT_EQ(guard.Scan(head), head.size() - 1);
  EXPECT_EQ(guard.problem(), HeadProblem::kHeadersTooLarge);
  EXPECT_EQ(StatusFor(guard.problem()), 431);
}

TEST(HeadGuardTest, HeaderByteLimitCountsOnlyHeaderLines) {
  HeadGuard guard({.max_header_bytes = 8});
  EXPECT_EQ(guard.Scan("GET /a-long-path HTTP/1.1\r\nA: 12345\r\n\r\n"), npos);
  EXPECT_EQ(guard.Scan("GET / HTTP/1.1\r\nA: 123456\r\n"), 24u);
  EXPECT_EQ(guard.problem(), HeadProblem::kHeadersTooLarge);
}

}  // namespace
}  // namespace ssegw::h1
