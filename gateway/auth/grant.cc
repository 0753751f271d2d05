#include "auth/grant.h"

#include <algorithm>

namespace ssegw::auth {

bool TopicGrant::Grants(std::string_view topic) const {
  return std::any_of(patterns_.begin(), patterns_.end(),
                     [topic](const TopicPattern& p) { return p.Matches(topic); });
}

bool TopicGrant::GrantsAll(std::span<const std::string> topics) const {
  return std::all_of(topics.begin(), topics.end(),
                     [this](const std::string& topic) { return Grants(topic); });
}

}  // namespace ssegw::auth
