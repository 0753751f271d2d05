// A test-only text/event-stream parser that follows the WHATWG HTML "Server-sent
// events" interpretation rules (section 9.2.6) step by step, so tests can check what a
// browser would actually see rather than compare bytes.
//
// Input is fed incrementally in arbitrary chunks; a line break split across chunks
// (CR at the end of one, LF at the start of the next) counts once. Bytes are treated
// as already-valid UTF-8 and are not decoded. Not thread-safe; one parser per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssegw::testing {

struct ParsedEvent {
  std::string type;           // "message" when the stream set none
  std::string data;           // data lines joined with LF, without a trailing LF
  std::string last_event_id;  // the last-event-id buffer when the event was dispatched

  friend bool operator==(const ParsedEvent&, const ParsedEvent&) = default;
};

class SseParser {
 public:
  void Feed(std::string_view bytes);
  // The events dispatched since the previous call, in order.
  std::vector<ParsedEvent> TakeEvents();
  // Comment lines (starting with ':') seen so far.
  size_t comments() const { return comments_; }
  // The last valid "retry:" value, if any.
  std::optional<uint32_t> retry() const { return retry_; }
  // The event source's last event ID string: the id buffer as of the latest dispatch
  // (even one that fired no event), i.e. what a browser would send on reconnect.
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void ProcessLine(std::string_view line);
  void Dispatch();

  std::string line_;  // bytes of the current, unfinished line
  bool bom_checked_ = false;
  std::string bom_prefix_;  // bytes held while deciding whether the stream starts with a BOM
  bool after_cr_ = false;   // the previous byte was a CR that ended a line
  std::string data_;
  std::string type_;
  std::string id_buffer_;
  std::string last_event_id_;
  std::vector<ParsedEvent> events_;
  size_t comments_ = 0;
  std::optional<uint32_t> retry_;
};

}  // namespace ssegw::testing
