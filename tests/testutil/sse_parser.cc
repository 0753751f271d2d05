#include "testutil/sse_parser.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace ssegw::testing {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

void SseParser::Feed(std::string_view bytes) {
  std::string held;
  if (!bom_checked_) {
    // The BOM may arrive split over several chunks; hold bytes until we know.
    bom_prefix_.append(bytes);
    const size_t n = std::min(bom_prefix_.size(), kBom.size());
    if (std::string_view(bom_prefix_).substr(0, n) == kBom.substr(0, n) &&
        bom_prefix_.size() < kBom.size()) {
      return;
    }
    bom_checked_ = true;
    held = std::move(bom_prefix_);
    bom_prefix_.clear();
    if (std::string_view(held).starts_with(kBom)) held.erase(0, kBom.size());
    bytes = held;
  }
  for (char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the LF of a CRLF whose CR already ended the line
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      ProcessLine(line_);
      line_.clear();
    } else {
      line_.push_back(c);
    }
  }
}

std::vector<ParsedEvent> SseParser::TakeEvents() {
  return std::exchange(events_, {});
}

void SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    Dispatch();
    return;
  }
  if (line.front() == ':') {
    ++comments_;
    return;
  }
  std::string_view field = line;
  std::string_view value;
  if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  if (field == "event") {
    type_.assign(value);
  } else if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value);
  } else if (field == "retry") {
    // The spec says "only ASCII digits"; an empty value has none to interpret. Values
    // past uint32 saturate rather than wrap.
    if (value.empty()) return;
    uint64_t ms = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return;
      ms = std::min<uint64_t>(ms * 10 + static_cast<uint64_t>(c - '0'),
                              std::numeric_limits<uint32_t>::max());
    }
    retry_ = static_cast<uint32_t>(ms);
  }
  // Any other field is ignored, as the spec requires.
}

void SseParser::Dispatch() {
  last_event_id_ = id_buffer_;
  if (data_.empty()) {
    type_.clear();
    return;
  }
  if (data_.back() == '\n') data_.pop_back();
  events_.push_back(ParsedEvent{
      .type = type_.empty() ? std::string("message") : std::move(type_),
      .data = std::move(data_),
      .last_event_id = last_event_id_,
  });
  data_.clear();
  type_.clear();
}

}  // namespace ssegw::testing
