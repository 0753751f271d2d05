// Topic patterns of a token's grant, e.g. "orders/42", "news/*", "user/alice/**".
//
// A pattern is a topic (core/topics.h grammar, at most kMaxTopicBytes) whose
// '/'-separated segments may also be wildcards:
//   - a segment "*" matches exactly one non-empty segment of the topic (never a '/');
//   - a last segment "**" matches the non-empty rest of the topic, one or more segments.
// Every other segment must equal the topic's segment byte for byte. There is no other
// syntax: "**" before the end, or '*' mixed with other bytes in a segment ("a*b", "***"),
// makes the pattern invalid, and so does any byte the topic grammar forbids.
//
// "news/**" does not match "news" itself: a grant of everything below a topic is not a
// grant of the topic (as NATS's ">" and Mercure's "{+rest}" templates, unlike MQTT's "#").
// Grant both when both are meant. Likewise wildcards never match an empty segment:
// "news/*" and "news/**" do not match "news/".
//
// Matching walks the pattern and the topic once, side by side: linear time, no regex,
// no backtracking. A TopicPattern is an immutable value; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssegw::auth {

class TopicPattern {
 public:
  // nullopt when `text` is not a valid pattern (see above).
  static std::optional<TopicPattern> Parse(std::string_view text);

  bool Matches(std::string_view topic) const;

  const std::string& text() const { return text_; }

 private:
  explicit TopicPattern(std::string text) : text_(std::move(text)) {}

  std::string text_;
};

}  // namespace ssegw::auth
