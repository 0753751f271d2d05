// Treats the input as an HTTP request target (and as a Last-Event-ID header value) and
// checks what the router and subscription parser promise, whatever the bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/request_target.h"
#include "core/topics.h"

namespace {

// abort() rather than assert(): the fuzz build may define NDEBUG (RelWithDebInfo).
void Check(bool condition) {
  if (!condition) std::abort();
}

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ssegw;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const RequestTarget target = ClassifyTarget(input);

  // The views are pieces of the input: the path is a prefix, neither holds a
  // separator it should have been cut at, and a query exists only after a '?'.
  Check(input.starts_with(target.path));
  Check(target.path.find_first_of("?#") == std::string_view::npos);
  Check(target.query.find('#') == std::string_view::npos);
  if (!target.query.empty()) {
    Check(target.query.data() == input.data() + target.path.size() + 1);
    Check(input[target.path.size()] == '?');
  }

  const bool events_path = target.path == "/events" || target.path.starts_with("/events/");
  Check((target.route == Route::kEvents) == events_path);
  Check((target.route == Route::kDemoPage) == (target.path == "/"));
  Check((target.route == Route::kHealthz) == (target.path == "/healthz"));
  Check((target.route == Route::kMetrics) == (target.path == "/metrics"));

  Result<Subscription> sub = ParseSubscription(target);
  if (target.route != Route::kEvents) Check(!sub.ok());
  if (sub.ok()) {
    const TopicSet& topics = sub.value().topics;
    Check(!topics.empty());
    for (const std::string& topic : topics) Check(ValidateTopic(topic).ok());
    Check(std::adjacent_find(topics.begin(), topics.end(), [](const auto& a, const auto& b) {
            return !(a < b);
          }) == topics.end());
    if (sub.value().last_event_id) {
      Check(!sub.value().last_event_id->empty());
      Check(!HasLineBreakOrNul(*sub.value().last_event_id));
    }
    Check(Intersects(topics, topics));
  }

  Result<std::optional<std::string>> header = ParseLastEventIdHeader(input);
  Check(header.ok() == !HasLineBreakOrNul(input));
  if (header.ok()) {
    Check(header.value().has_value() == !input.empty());
    if (header.value()) Check(*header.value() == input);
  }

  // Decoding never grows the input, and path-style decoding agrees with form-style
  // except where the input holds '+'.
  Result<std::string> path_decoded = PercentDecode(input);
  Result<std::string> form_decoded = FormDecode(input);
  Check(path_decoded.ok() == form_decoded.ok());
  if (path_decoded.ok()) {
    Check(path_decoded.value().size() <= input.size());
    Check(path_decoded.value().size() == form_decoded.value().size());
    if (input.find('+') == std::string_view::npos) {
      Check(path_decoded.value() == form_decoded.value());
    }
  }
  return 0;
}
