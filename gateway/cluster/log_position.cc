#include "cluster/log_position.h"

#include <charconv>

namespace ssegw::cluster {
namespace {

void AppendBase36(uint64_t value, std::string* out) {
  char digits[16];  // 36^13 > 2^64
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value, 36);
  out->append(digits, end);
}

// A canonical base-36 number: [0-9a-z], no leading zero unless it is "0".
std::optional<uint64_t> ParseBase36(std::string_view text) {
  if (text.empty() || text.size() > 13 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return std::nullopt;
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 36);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string StreamEpoch(int64_t created_ns) {
  std::string epoch;
  AppendBase36(created_ns > 0 ? static_cast<uint64_t>(created_ns) / 1000 : 0, &epoch);
  return epoch;
}

std::string AssignedId(std::string_view epoch, uint64_t position) {
  std::string id(epoch);
  id.push_back('-');
  AppendBase36(StreamSeqOf(position), &id);
  id.push_back('-');
  AppendBase36(IndexOf(position), &id);
  return id;
}

std::optional<AssignedIdParts> ParseAssignedId(std::string_view id) {
  const size_t first = id.find('-');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = id.find('-', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view epoch = id.substr(0, first);
  if (!ParseBase36(epoch)) return std::nullopt;
  const std::optional<uint64_t> seq = ParseBase36(id.substr(first + 1, second - first - 1));
  const std::optional<uint64_t> index = ParseBase36(id.substr(second + 1));
  if (!seq || !index || *seq == 0 || *index >= kEndOfMessage || *seq > (UINT64_MAX >> kIndexBits)) {
    return std::nullopt;
  }
  return AssignedIdParts{epoch, LogPosition(*seq, static_cast<uint32_t>(*index))};
}

}  // namespace ssegw::cluster
