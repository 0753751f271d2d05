// Topics: the topic grammar, the two percent-decodings a request target needs, and
// sorted topic sets.
//
// A topic is 1 to kMaxTopicBytes bytes of `A-Z a-z 0-9 - _ . ~ : / @` (the contract's
// grammar; publishers and subscribers share it). Topics travel in request targets, so
// they arrive percent-encoded: path segments use PercentDecode, query parameters
// FormDecode. Decoding does not validate; callers decode, then ValidateTopic.
//
// A TopicSet is a plain vector kept sorted and unique (Normalize), so matching an event's
// topics against a subscriber's is one linear merge (Intersects) with no allocation.
// Everything here is a pure function of its arguments: no state, safe from any thread;
// returned strings own their bytes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ssegw {

// Sorted (byte-wise, std::string's operator<) and free of duplicates; see Normalize.
using TopicSet = std::vector<std::string>;

inline constexpr size_t kMaxTopicBytes = 256;
// A stream keeps its topic set for its whole life and matches every replayed event
// against it, so one request may not name more than this many distinct topics.
inline constexpr size_t kMaxTopicsPerSubscription = 64;

// kTopicEmpty, kTopicTooLong (more than kMaxTopicBytes bytes) or kTopicBadCharacter.
Status ValidateTopic(std::string_view topic);

// Path-segment decoding (RFC 3986): "%XX" (either case of hex) becomes one byte, '+'
// stays '+'. A '%' not followed by two hex digits is kBadPercentEncoding. The result may
// hold any byte, NUL included.
Result<std::string> PercentDecode(std::string_view in);

// Query decoding as application/x-www-form-urlencoded (what URLSearchParams and HTML
// forms produce): '+' becomes a space, "%XX" a byte; so "%2B" is a literal '+'. Same
// error rule as PercentDecode.
Result<std::string> FormDecode(std::string_view in);

// Sorts and removes duplicates, making `topics` a valid TopicSet.
void Normalize(TopicSet* topics);

// Whether two sorted ranges share an element. Both must be sorted as by Normalize.
bool Intersects(std::span<const std::string> a, std::span<const std::string> b);

}  // namespace ssegw
