#include "net/log.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

namespace ssegw::net {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};

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

std::string Now() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char text[40];
  size_t n = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  snprintf(text + n, sizeof(text) - n, ".%03ldZ", now.tv_nsec / 1000000);
  return text;
}

// Milliseconds and other measures read better with three decimals than with a double's
// seventeen digits.
double Rounded(double value) {
  return std::round(value * 1000) / 1000;
}

// A text value goes bare when it is a plain word; otherwise in double quotes, with quotes,
// backslashes and control bytes escaped, so a client-chosen path can never forge a line
// or a field.
void AppendTextValue(std::string_view value, std::string* line) {
  bool bare = !value.empty();
  for (unsigned char c : value) bare = bare && c > ' ' && c != '"' && c != '=' && c != 0x7f;
  if (bare) {
    line->append(value);
    return;
  }
  line->push_back('"');
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      line->push_back('\\');
      line->push_back(static_cast<char>(c));
    } else if (c < ' ' || c == 0x7f) {
      char escaped[8];
      snprintf(escaped, sizeof(escaped), "\\x%02x", c);
      line->append(escaped);
    } else {
      line->push_back(static_cast<char>(c));
    }
  }
  line->push_back('"');
}

std::string TextLine(std::string_view time, LogLevel level, std::string_view message,
                     std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(64 + message.size());
  line.append(time).append(" ").append(LevelName(level)).append(" ").append(message);
  for (const LogField& field : fields) {
    line.append(" ").append(field.key).append("=");
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            AppendTextValue(value, &line);
          } else if constexpr (std::is_same_v<T, double>) {
            char number[32];
            snprintf(number, sizeof(number), "%.3f", value);
            line.append(number);
          } else {
            line.append(std::to_string(value));
          }
        },
        field.value);
  }
  return line;
}

std::string JsonLine(std::string_view time, LogLevel level, std::string_view message,
                     std::initializer_list<LogField> fields) {
  nlohmann::ordered_json object;
  object["time"] = time;
  object["level"] = LevelName(level);
  object["message"] = message;
  for (const LogField& field : fields) {
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, double>) {
            object[std::string(field.key)] = Rounded(value);
          } else {
            object[std::string(field.key)] = value;
          }
        },
        field.value);
  }
  // Bytes that are not UTF-8 (a client's path may hold any) become U+FFFD instead of
  // an exception.
  return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void Write(std::string line) {
  line.push_back('\n');
  // One write per line keeps lines whole when several threads log at once.
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace

void SetLogLevel(LogLevel level) {
  g_level.store(level, std::memory_order_relaxed);
}

bool LogEnabled(LogLevel level) {
  return level >= g_level.load(std::memory_order_relaxed);
}

void SetLogFormat(LogFormat format) {
  g_format.store(format, std::memory_order_relaxed);
}

LogFormat CurrentLogFormat() {
  return g_format.load(std::memory_order_relaxed);
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::string FormatLogLine(LogFormat format, std::string_view time, LogLevel level,
                          std::string_view message, std::initializer_list<LogField> fields) {
  return format == LogFormat::kJson ? JsonLine(time, level, message, fields)
                                    : TextLine(time, level, message, fields);
}

void LogWithFields(LogLevel level, std::string_view message,
                   std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  Write(FormatLogLine(CurrentLogFormat(), Now(), level, message, fields));
}

void Log(LogLevel level, const char* format, ...) {
  char small[1024];
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  int length = vsnprintf(small, sizeof(small), format, args);
  va_end(args);
  std::string message;
  if (length < 0) {
    message = format;  // a broken format still says where it came from
  } else if (static_cast<size_t>(length) < sizeof(small)) {
    message.assign(small, static_cast<size_t>(length));
  } else {
    message.resize(static_cast<size_t>(length) + 1);
    vsnprintf(message.data(), message.size(), format, again);
    message.resize(static_cast<size_t>(length));
  }
  va_end(again);
  Write(FormatLogLine(CurrentLogFormat(), Now(), level, message, {}));
}

}  // namespace ssegw::net
