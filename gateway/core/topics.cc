#include "core/topics.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ssegw {
namespace {

// A 256-entry table rather than a chain of comparisons: topics are checked on every
// subscribe and every publish, and the table makes "bytes >= 0x80 are rejected" fall
// out of the data instead of depending on char signedness.
constexpr std::array<bool, 256> MakeTopicCharTable() {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (char c : std::string_view("-_.~:/@")) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kTopicChar = MakeTopicCharTable();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One pass for both styles, so a '+' produced by "%2B" is never turned into a space.
Result<std::string> Decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (in.size() - i < 3) return Error::kBadPercentEncoding;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return Error::kBadPercentEncoding;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Status ValidateTopic(std::string_view topic) {
  if (topic.empty()) return Error::kTopicEmpty;
  if (topic.size() > kMaxTopicBytes) return Error::kTopicTooLong;
  for (char c : topic) {
    if (!kTopicChar[static_cast<unsigned char>(c)]) return Error::kTopicBadCharacter;
  }
  return Status::Ok();
}

Result<std::string> PercentDecode(std::string_view in) {
  return Decode(in, false);
}

Result<std::string> FormDecode(std::string_view in) {
  return Decode(in, true);
}

void Normalize(TopicSet* topics) {
  std::sort(topics->begin(), topics->end());
  topics->erase(std::unique(topics->begin(), topics->end()), topics->end());
}

bool Intersects(std::span<const std::string> a, std::span<const std::string> b) {
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() && ib != b.end()) {
    const int cmp = ia->compare(*ib);
    if (cmp == 0) return true;
    if (cmp < 0) {
      ++ia;
    } else {
      ++ib;
    }
  }
  return false;
}

}  // namespace ssegw
