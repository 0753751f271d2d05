#include "auth/topic_pattern.h"

#include "core/topics.h"

namespace ssegw::auth {
namespace {

constexpr std::string_view kOneSegment = "*";
constexpr std::string_view kAnyRest = "**";

// The segment of `s` that starts at `begin`: up to the next '/' or the end.
std::string_view SegmentAt(std::string_view s, size_t begin) {
  const size_t end = s.find('/', begin);
  return s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

}  // namespace

std::optional<TopicPattern> TopicPattern::Parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxTopicBytes) return std::nullopt;
  size_t begin = 0;
  while (true) {
    const std::string_view segment = SegmentAt(text, begin);
    const size_t end = begin + segment.size();
    const bool last = end == text.size();
    if (segment == kAnyRest) {
      if (!last) return std::nullopt;
    } else if (segment != kOneSegment) {
      // ValidateTopic rejects '*' along with every other byte outside the grammar; an
      // empty segment ("a//b") is literal and valid, as it is in a topic.
      if (!segment.empty() && !ValidateTopic(segment).ok()) return std::nullopt;
    }
    if (last) break;
    begin = end + 1;
  }
  return TopicPattern(std::string(text));
}

bool TopicPattern::Matches(std::string_view topic) const {
  const std::string_view pattern = text_;
  size_t p = 0;
  size_t t = 0;
  while (true) {
    const std::string_view want = SegmentAt(pattern, p);
    if (want == kAnyRest) return t < topic.size();  // "**" is last: the rest must not be empty
    const std::string_view have = SegmentAt(topic, t);
    if (want == kOneSegment ? have.empty() : want != have) return false;
    p += want.size();
    t += have.size();
    const bool pattern_done = p == pattern.size();
    const bool topic_done = t == topic.size();
    if (pattern_done || topic_done) return pattern_done && topic_done;
    ++p;  // past the '/' both have here
    ++t;
  }
}

}  // namespace ssegw::auth
