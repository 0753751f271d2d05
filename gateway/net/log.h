// Leveled logging to stderr, one line per message, in one of two formats:
//   text  "TIMESTAMP LEVEL message key=value ..." (values quoted when they need it)
//   json  {"time":"TIMESTAMP","level":"LEVEL","message":"...","key":value,...}
// with the timestamp in UTC to the millisecond (RFC 3339).
//
// It lives in net (not app) because net is the lowest layer that does I/O and needs to
// log; app configures it. Threading: any thread may log at any time. The level and the
// format are atomics (a reload may change them while loops run); a line is built in
// memory that belongs to the caller and goes out in one write(2), so lines from several
// threads never interleave mid-line. No other state is shared.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ssegw::net {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void SetLogFormat(LogFormat format);
LogFormat CurrentLogFormat();

// "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view name);
// "text", "json"; nullopt for anything else.
std::optional<LogFormat> ParseLogFormat(std::string_view name);

// printf-style; the line end is added.
void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

// A named value on a log line: a JSON member, or key=value in text. Views must stay valid
// for the call only.
struct LogField {
  std::string_view key;
  std::variant<std::string_view, int64_t, uint64_t, double> value;
};

// A message with fields, for lines that tools parse (the access log). Logged when the
// level is enabled; the fields keep their order.
void LogWithFields(LogLevel level, std::string_view message,
                   std::initializer_list<LogField> fields);

// The line LogWithFields writes, without the line end, for `time` (RFC 3339); pure, for
// tests.
std::string FormatLogLine(LogFormat format, std::string_view time, LogLevel level,
                          std::string_view message, std::initializer_list<LogField> fields);

}  // namespace ssegw::net

// The arguments are evaluated only when the level is enabled.
#define SSEGW_LOG(level, ...)                                        \
  do {                                                               \
    if (::ssegw::net::LogEnabled(::ssegw::net::LogLevel::level))     \
      ::ssegw::net::Log(::ssegw::net::LogLevel::level, __VA_ARGS__); \
  } while (0)
#define LOG_DEBUG(...) SSEGW_LOG(kDebug, __VA_ARGS__)
#define LOG_INFO(...) SSEGW_LOG(kInfo, __VA_ARGS__)
#define LOG_WARN(...) SSEGW_LOG(kWarn, __VA_ARGS__)
#define LOG_ERROR(...) SSEGW_LOG(kError, __VA_ARGS__)
