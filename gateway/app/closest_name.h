// ClosestName: the "did you mean" of error messages. Given a name the user typed and the
// names that exist, returns the one that is closest in optimal-string-alignment distance
// (insertions, deletions, substitutions and swaps of neighbours each cost 1), when it is
// close enough to be a likely typo.
//
// Pure; no allocation beyond one row of the distance table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ssegw::app {

size_t EditDistance(std::string_view a, std::string_view b);

// nullopt when nothing is within max(2, typed.size() / 4) edits of `typed`; ties go to
// the earlier candidate.
std::optional<std::string> ClosestName(std::string_view typed,
                                       std::span<const std::string_view> candidates);

}  // namespace ssegw::app
