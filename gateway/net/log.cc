#include "net/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace ssegw::net {
namespace {

// Written once before the loops start; atomic only so that a late SetLogLevel from a
// test is still well defined.
std::atomic<LogLevel> g_level{LogLevel::kInfo};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

}  // namespace

void SetLogLevel(LogLevel level) {
  g_level.store(level, std::memory_order_relaxed);
}

bool LogEnabled(LogLevel level) {
  return level >= g_level.load(std::memory_order_relaxed);
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

void Log(LogLevel level, const char* format, ...) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);

  char line[2048];
  int n = static_cast<int>(strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &utc));
  n += snprintf(line + n, sizeof(line) - n, ".%03ldZ %s ", now.tv_nsec / 1000000, LevelName(level));
  va_list args;
  va_start(args, format);
  int body = vsnprintf(line + n, sizeof(line) - n, format, args);
  va_end(args);
  // A message longer than the line is cut, never split across lines.
  n = body < 0 ? n : std::min<int>(n + body, static_cast<int>(sizeof(line)) - 2);
  line[n++] = '\n';
  // One write per line keeps lines whole when several threads log at once.
  ssize_t ignored = write(STDERR_FILENO, line, n);
  (void)ignored;
}

}  // namespace ssegw::net
