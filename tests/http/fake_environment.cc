#include "fake_environment.h"

namespace ssegw::http::testing {

std::string FakeEnvironment::RenderMetrics() {
  return "ssegw_streams " + std::to_string(counters().streams.value()) + "\n";
}

size_t QueuedReferences(FakeEnvironment& env, const std::vector<std::string>& topics) {
  size_t refs = 0;
  const EventWindow& window = env.history().window();
  for (size_t i = 0; i < window.size(); ++i) {
    const LogEvent& event = window.at(i);
    // The LogEvent's own reference is shared by the log and the tail; the rest are queues.
    if (Intersects(event.topics, topics)) refs += event.message.use_count() - 1;
  }
  return refs;
}

}  // namespace ssegw::http::testing
