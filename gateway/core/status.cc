#include "core/status.h"

namespace ssegw {

std::string_view Describe(Error error) {
  switch (error) {
    case Error::kIdHasLineBreakOrNul:
      return "event id must not contain CR, LF or NUL";
    case Error::kTypeHasLineBreakOrNul:
      return "event type must not contain CR, LF or NUL";
    case Error::kIdNotUtf8:
      return "event id is not valid UTF-8";
    case Error::kTypeNotUtf8:
      return "event type is not valid UTF-8";
    case Error::kDataNotUtf8:
      return "event data is not valid UTF-8";
    case Error::kVarintTooLong:
      return "frame length varint is longer than 10 bytes";
    case Error::kVarintOverflow:
      return "frame length varint overflows 64 bits";
    case Error::kFrameTooLarge:
      return "frame is larger than the gateway's --max-frame";
    case Error::kUnparseableMessage:
      return "frame does not hold a valid PublishRequest";
    case Error::kNoEvents:
      return "request holds no events";
    case Error::kNoTopic:
      return "event has no topic";
    case Error::kTooManyTopicsInEvent:
      return "event names more than 64 distinct topics";
    case Error::kTopicEmpty:
      return "topic is empty";
    case Error::kTopicTooLong:
      return "topic is longer than 256 bytes";
    case Error::kTopicBadCharacter:
      return "topic may hold only A-Z a-z 0-9 - _ . ~ : / @";
    case Error::kBadPercentEncoding:
      return "malformed percent-encoding";
    case Error::kNoTopicInRequest:
      return "no topic given: use /events/{topic} or /events?topic=T";
    case Error::kTooManyTopics:
      return "more than 64 topics in one subscription";
    case Error::kBadLastEventId:
      return "last event id must not contain CR, LF or NUL";
  }
  return "unknown error";
}

}  // namespace ssegw
