// TopicGrant: the topics one claim of a token grants ("subscribe" or "publish"), as a
// list of TopicPatterns. A topic is granted when any pattern matches it. An empty grant
// grants nothing.
//
// Immutable value once built; safe to share between threads.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/topic_pattern.h"

namespace ssegw::auth {

class TopicGrant {
 public:
  TopicGrant() = default;
  explicit TopicGrant(std::vector<TopicPattern> patterns) : patterns_(std::move(patterns)) {}

  bool Grants(std::string_view topic) const;
  // Whether every one of `topics` is granted (true for none).
  bool GrantsAll(std::span<const std::string> topics) const;

  const std::vector<TopicPattern>& patterns() const { return patterns_; }
  bool empty() const { return patterns_.empty(); }

 private:
  std::vector<TopicPattern> patterns_;
};

}  // namespace ssegw::auth
