// Leveled logging to stderr: one line per message, "TIMESTAMP LEVEL message", with the
// timestamp in UTC to the millisecond.
//
// It lives in net (not app) because net is the lowest layer that does I/O and needs to
// log; app configures it. The level is set once at startup, before any event loop runs,
// and only read afterwards, so loops on several threads may log concurrently: each line
// goes out in one write(2) to stderr and lines never interleave mid-line.
#pragma once

#include <optional>
#include <string_view>

namespace ssegw::net {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Call before starting any thread that logs.
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

// "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// printf-style; a trailing newline is added.
void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

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
