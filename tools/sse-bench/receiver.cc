#include "receiver.h"

#include <event2/event.h>

namespace ssebench {

namespace {

// How often the loop looks at the stop flag and for commands. Polling keeps libevent
// free of locks (no evthread set-up), at the cost of 200 cheap wake-ups a second.
constexpr timeval kCommandPollInterval = {0, 5'000};

}  // namespace

Receiver::Receiver(ReceiverConfig config) : config_(std::move(config)) {
  context_.ssl_ctx = config_.ssl_ctx;
  context_.target = config_.target;
  context_.address = config_.address;
  context_.address_length = config_.address_length;
  context_.stream_window = config_.stream_window;
  context_.connection_window = config_.connection_window;
  context_.sources = config_.sources;
  context_.resume_sessions = config_.resume_sessions;
  context_.read_buffer.resize(config_.read_buffer_bytes);
  context_.record_from_ns = config_.record_from_ns;
  context_.keep_samples = config_.keep_samples;
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

void Receiver::Disconnect() {
  std::lock_guard lock(commands_mutex_);
  commands_.push_back(Command{});
  has_commands_.store(true, std::memory_order_release);
}

void Receiver::Reconnect(std::string last_event_id, uint64_t catch_up_events) {
  std::lock_guard lock(commands_mutex_);
  commands_.push_back(Command{true, std::move(last_event_id), catch_up_events});
  has_commands_.store(true, std::memory_order_release);
}

void Receiver::RunCommands() {
  std::vector<Command> commands;
  {
    std::lock_guard lock(commands_mutex_);
    commands.swap(commands_);
    has_commands_.store(false, std::memory_order_release);
  }
  for (const Command& command : commands) {
    if (!command.reconnect) {
      for (auto& connection : connections_) connection->Disconnect();
      continue;
    }
    context_.catch_up_events = command.catch_up_events;
    for (auto& connection : connections_) connection->Reconnect(command.last_event_id);
  }
}

void Receiver::Run() {
  context_.base = event_base_new();
  for (size_t index : config_.connections) {
    connections_.push_back(std::make_unique<BenchConnection>(
        context_, index, index * config_.streams_per_connection, config_.streams_per_connection));
  }
  for (auto& connection : connections_) connection->Start();

  event* stop_timer = event_new(
      context_.base, -1, EV_PERSIST,
      [](evutil_socket_t, short, void* arg) {
        auto* self = static_cast<Receiver*>(arg);
        if (self->stop_.load(std::memory_order_relaxed)) {
          event_base_loopbreak(self->context_.base);
          return;
        }
        if (self->has_commands_.load(std::memory_order_acquire)) self->RunCommands();
      },
      this);
  event_add(stop_timer, &kCommandPollInterval);
  event_base_dispatch(context_.base);

  context_.stopping = true;
  for (auto& connection : connections_) connection->Shutdown();
  event_free(stop_timer);
  event_base_free(context_.base);
  context_.base = nullptr;
}

}  // namespace ssebench
