#include "cluster/stream_config.h"

#include <string_view>

namespace ssegw::cluster {

namespace {

std::vector<std::string_view> Tokens(std::string_view subject) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (true) {
    const size_t dot = subject.find('.', start);
    tokens.push_back(subject.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return tokens;
}

// True when every subject that `inner` matches is matched by `outer` (NATS wildcards:
// `*` one token, a final `>` one or more tokens).
bool SubjectCovers(std::string_view outer, std::string_view inner) {
  const auto a = Tokens(outer);
  const auto b = Tokens(inner);
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == ">") return i < b.size();
    if (i >= b.size() || b[i] == ">") return false;
    if (a[i] == "*") continue;
    if (b[i] == "*" || a[i] != b[i]) return false;
  }
  return a.size() == b.size();
}

bool AnyCovers(const std::vector<std::string>& outers, const std::string& inner) {
  for (const std::string& outer : outers) {
    if (SubjectCovers(outer, inner)) return true;
  }
  return false;
}

std::string Limit(int64_t value) {
  return value < 0 ? "unlimited" : std::to_string(value);
}

std::string Seconds(std::chrono::nanoseconds d) {
  if (d.count() == 0) return "unlimited";
  return std::to_string(std::chrono::duration<double>(d).count()) + "s";
}

}  // namespace

std::vector<std::string> StreamDifferences(const StreamSpec& wanted, const StreamSpec& existing) {
  std::vector<std::string> out;
  for (const std::string& subject : wanted.subjects) {
    if (!AnyCovers(existing.subjects, subject)) {
      out.push_back("its subjects do not cover " + subject);
    }
  }
  if (existing.duplicate_window < kMinDuplicateWindow ||
      existing.duplicate_window < wanted.duplicate_window) {
    out.push_back("duplicate window " + Seconds(existing.duplicate_window) + " (wanted " +
                  Seconds(wanted.duplicate_window) + ")");
  }
  if (existing.max_msgs != wanted.max_msgs) {
    out.push_back("max_msgs " + Limit(existing.max_msgs) + " (wanted " + Limit(wanted.max_msgs) +
                  ")");
  }
  if (existing.max_bytes != wanted.max_bytes) {
    out.push_back("max_bytes " + Limit(existing.max_bytes) + " (wanted " + Limit(wanted.max_bytes) +
                  ")");
  }
  if (existing.max_age != wanted.max_age) {
    out.push_back("max_age " + Seconds(existing.max_age) + " (wanted " + Seconds(wanted.max_age) +
                  ")");
  }
  if (existing.replicas != wanted.replicas) {
    out.push_back("replicas " + std::to_string(existing.replicas) + " (wanted " +
                  std::to_string(wanted.replicas) + ")");
  }
  if (existing.file_storage != wanted.file_storage) {
    out.push_back(std::string("storage ") + (existing.file_storage ? "file" : "memory"));
  }
  if (existing.allow_direct != wanted.allow_direct) {
    out.push_back(std::string("allow_direct ") + (existing.allow_direct ? "on" : "off"));
  }
  return out;
}

std::string ValidateStreamSpec(const StreamSpec& spec) {
  if (spec.name.empty()) return "the stream name is empty";
  if (spec.name.find_first_of(".*> \t\r\n") != std::string::npos) {
    return "the stream name '" + spec.name + "' holds '.', '*', '>' or whitespace";
  }
  if (spec.subjects.empty()) return "the stream has no subjects";
  for (const std::string& subject : spec.subjects) {
    if (subject.empty()) return "a stream subject is empty";
  }
  if (spec.replicas < 1) return "replicas must be at least 1";
  if (spec.duplicate_window < kMinDuplicateWindow) {
    return "the duplicate window must be at least 2 minutes";
  }
  if (spec.max_age.count() != 0 && spec.max_age < spec.duplicate_window) {
    return "max_age must be 0 (unlimited) or at least the duplicate window (" +
           Seconds(spec.duplicate_window) + ")";
  }
  return "";
}

}  // namespace ssegw::cluster
