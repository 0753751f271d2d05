// Strict UTF-8 validation for event fields that reach browsers.
//
// `IsValidUtf8` accepts exactly the well-formed byte sequences of the Unicode standard
// (table 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences and no stray continuation bytes. It is a pure
// function of its argument: it keeps no state, allocates nothing and is safe to call
// from any thread. Mostly-ASCII input is checked eight bytes at a time.
#pragma once

#include <string_view>

namespace ssegw {

bool IsValidUtf8(std::string_view s);

}  // namespace ssegw
