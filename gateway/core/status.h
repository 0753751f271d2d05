// Error reporting for the pure core: an `Error` enum naming every reason the core can
// reject input, and a `Result<T>` that holds either a value or one such reason.
//
// Each reason has a stable, human-readable description (`Describe`) that the gateway
// passes on to publishers and into logs, so a reason added here needs a description.
#pragma once

#include <cassert>
#include <string_view>
#include <utility>
#include <variant>

namespace ssegw {

enum class Error {
  // Events (sse_encoder).
  kIdHasLineBreakOrNul,
  kTypeHasLineBreakOrNul,
  kIdNotUtf8,
  kTypeNotUtf8,
  kDataNotUtf8,
  // Publish framing (publish_codec).
  kVarintTooLong,
  kVarintOverflow,
  kFrameTooLarge,
  kUnparseableMessage,
  // Publish requests (validated before anything is published).
  kNoEvents,
  kNoTopic,
  kTooManyTopicsInEvent,
  // Topics and request targets (topics).
  kTopicEmpty,
  kTopicTooLong,
  kTopicBadCharacter,
  kBadPercentEncoding,
  kNoTopicInRequest,
  kTooManyTopics,
  kBadLastEventId,
};

// A short sentence naming the reason, e.g. "data is not valid UTF-8".
std::string_view Describe(Error error);

// Either a T or an Error. Cheap to move; check `ok()` before `value()`.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(error) {}         // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  Error error() const {
    assert(!ok());
    return std::get<1>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

// A Result with no value: success, or the reason for failure.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(error), ok_(false) {}  // NOLINT: implicit by design

  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  Error error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{};
  bool ok_ = true;
};

}  // namespace ssegw
