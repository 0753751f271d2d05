// Log lines in both formats, built from plain values (FormatLogLine), and the access log's
// fields.
#include "net/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ssegw::net {
namespace {

constexpr std::string_view kTime = "2026-01-02T03:04:05.678Z";

TEST(LogFormatTest, ParsesTheTwoNames) {
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("JSON"), std::nullopt);
}

TEST(LogLineTest, TextIsTimeLevelMessageAndFields) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kWarn, "disk almost full", {}),
            "2026-01-02T03:04:05.678Z warn disk almost full");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kInfo, "access",
                          {{"method", std::string_view("GET")},
                           {"status", int64_t{200}},
                           {"bytes", uint64_t{1234}},
                           {"duration_ms", 1.23456}}),
            "2026-01-02T03:04:05.678Z info access method=GET status=200 bytes=1234 "
            "duration_ms=1.235");
}

TEST(LogLineTest, TextQuotesAndEscapesValuesThatCouldForgeAField) {
  EXPECT_EQ(
      FormatLogLine(LogFormat::kText, kTime, LogLevel::kInfo, "m",
                    {{"path", std::string_view("/a b\"c\\\nstatus=500")},
                     {"empty", std::string_view("")},
                     {"eq", std::string_view("a=b")}}),
      std::string(kTime) + " info m path=\"/a b\\\"c\\\\\\x0astatus=500\" empty=\"\" eq=\"a=b\"");
}

TEST(LogLineTest, JsonIsOneObjectWithTimeLevelMessageAndFieldsInOrder) {
  const std::string line = FormatLogLine(
      LogFormat::kJson, kTime, LogLevel::kError, "boom \"x\"",
      {{"path", std::string_view("/events/a\nb")}, {"status", int64_t{503}}, {"duration_ms", 2.5}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], kTime);
  EXPECT_EQ(parsed["level"], "error");
  EXPECT_EQ(parsed["message"], "boom \"x\"");
  EXPECT_EQ(parsed["path"], "/events/a\nb");
  EXPECT_EQ(parsed["status"], 503);
  EXPECT_EQ(parsed["duration_ms"], 2.5);
  EXPECT_TRUE(line.starts_with("{\"time\":")) << line;
}

TEST(LogLineTest, JsonReplacesBytesThatAreNotUtf8) {
  const std::string line = FormatLogLine(LogFormat::kJson, kTime, LogLevel::kInfo, "m",
                                         {{"path", std::string_view("/\xff\xfe")}});
  EXPECT_EQ(nlohmann::json::parse(line)["path"], "/\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace ssegw::net
