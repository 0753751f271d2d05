#include "receiver.h"

#include <event2/event.h>

namespace ssebench {

namespace {

// How often the loop looks at the stop flag. Polling a flag keeps libevent free of
// locks (no evthread set-up), at the cost of 50 cheap wake-ups a second.
constexpr timeval kStopPollInterval = {0, 20'000};

}  // namespace

Receiver::Receiver(ReceiverConfig config) : config_(std::move(config)) {
  context_.ssl_ctx = config_.ssl_ctx;
  context_.target = config_.target;
  context_.address = config_.address;
  context_.address_length = config_.address_length;
  context_.stream_window = config_.stream_window;
  context_.connection_window = config_.connection_window;
  context_.read_buffer.resize(config_.read_buffer_bytes);
  context_.record_from_ns = config_.record_from_ns;
}

Receiver::~Receiver() {
  Stop();
  Join();
}

void Receiver::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Receiver::Join() {
  if (thread_.joinable()) thread_.join();
}

void Receiver::ForEachStream(const std::function<void(const StreamSlot&)>& visit) const {
  for (const auto& connection : connections_) {
    for (const StreamSlot& slot : connection->streams()) visit(slot);
  }
}

void Receiver::Run() {
  context_.base = event_base_new();
  for (size_t index : config_.connections) {
    connections_.push_back(std::make_unique<BenchConnection>(
        context_, index * config_.streams_per_connection, config_.streams_per_connection));
  }
  for (auto& connection : connections_) connection->Start();

  event* stop_timer = event_new(
      context_.base, -1, EV_PERSIST,
      [](evutil_socket_t, short, void* arg) {
        auto* self = static_cast<Receiver*>(arg);
        if (self->stop_.load(std::memory_order_relaxed)) event_base_loopbreak(self->context_.base);
      },
      this);
  event_add(stop_timer, &kStopPollInterval);
  event_base_dispatch(context_.base);

  context_.stopping = true;
  for (auto& connection : connections_) connection->Shutdown();
  event_free(stop_timer);
  event_base_free(context_.base);
  context_.base = nullptr;
}

}  // namespace ssebench
