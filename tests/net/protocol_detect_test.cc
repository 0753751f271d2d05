#include "net/protocol_detect.h"

#include <gtest/gtest.h>

#include <string>

namespace ssegw::net {
namespace {

TEST(ProtocolDetectTest, AlpnDecidesAtOnce) {
  EXPECT_EQ(DetectHttpVersion("h2", ""), HttpVersion::kHttp2);
  EXPECT_EQ(DetectHttpVersion("http/1.1", ""), HttpVersion::kHttp1);
  EXPECT_EQ(DetectHttpVersion("http/1.1", kHttp2ClientPreface), HttpVersion::kHttp1);
}

TEST(ProtocolDetectTest, NoAlpnNoBytesIsUndecided) {
  EXPECT_EQ(DetectHttpVersion("", ""), HttpVersion::kUndecided);
}

TEST(ProtocolDetectTest, TheWholePrefaceMeansHttp2) {
  EXPECT_EQ(DetectHttpVersion("", kHttp2ClientPreface), HttpVersion::kHttp2);
  std::string with_settings(kHttp2ClientPreface);
  with_settings.append("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
  EXPECT_EQ(DetectHttpVersion("", with_settings), HttpVersion::kHttp2);
}

TEST(ProtocolDetectTest, EveryProperPrefixOfThePrefaceWaits) {
  for (size_t n = 1; n < kHttp2ClientPreface.size(); ++n) {
    EXPECT_EQ(DetectHttpVersion("", kHttp2ClientPreface.substr(0, n)), HttpVersion::kUndecided)
        << n;
  }
}

TEST(ProtocolDetectTest, TheFirstDifferentByteMeansHttp1) {
  EXPECT_EQ(DetectHttpVersion("", "G"), HttpVersion::kHttp1);
  EXPECT_EQ(DetectHttpVersion("", "PO"), HttpVersion::kHttp1);
  EXPECT_EQ(DetectHttpVersion("", "PRI * HTTP/1.1\r\n"), HttpVersion::kHttp1);
  EXPECT_EQ(DetectHttpVersion("", "PRI * HTTP/2.0\r\n\r\nXX"), HttpVersion::kHttp1);
}

}  // namespace
}  // namespace ssegw::net
