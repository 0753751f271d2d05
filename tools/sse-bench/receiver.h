// Receiver: one thread running one libevent loop over a share of sse-bench's
// connections.
//
// Start() spawns the thread, which opens its connections and runs until Stop(); then it
// sends GOAWAY on every connection, releases them and exits. While it runs, other threads
// may read counters() and histogram() (single-writer values, see counter.h), and ask for
// a reconnect storm: Disconnect() closes every connection, Reconnect() opens them all
// again at once with a Last-Event-ID (the thread acts within kCommandPollInterval). Once
// Join() has returned, streams() and first_error() are stable and may be read by anyone.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_connection.h"
#include "receive_context.h"

namespace ssebench {

struct ReceiverConfig {
  const Target* target = nullptr;
  ssl_ctx_st* ssl_ctx = nullptr;
  sockaddr_storage address{};
  socklen_t address_length = 0;
  int32_t stream_window = 16 << 20;
  int32_t connection_window = 1 << 30;
  std::vector<sockaddr_in> sources;  // see ReceiveContext
  bool resume_sessions = false;
  size_t read_buffer_bytes = 256 * 1024;
  bool keep_samples = false;  // see ReceiveContext
  const std::atomic<uint64_t>* record_from_ns = nullptr;
  size_t streams_per_connection = 1;
  std::vector<size_t> connections;  // global indices of the connections this thread runs
};

class Receiver {
 public:
  explicit Receiver(ReceiverConfig config);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  void Start();
  void Stop() { stop_.store(true, std::memory_order_relaxed); }
  void Join();
  // Thread-safe; the receive thread carries them out in the order asked.
  void Disconnect();
  // `catch_up_events`: what each stream must then receive to count as caught up.
  void Reconnect(std::string last_event_id, uint64_t catch_up_events);

  const ReceiverCounters& counters() const { return context_.counters; }
  const LatencyHistogram& histogram() const { return context_.histogram; }

  // After Join(): every stream of this thread, and the first failure it saw (if any).
  void ForEachStream(const std::function<void(const StreamSlot&)>& visit) const;
  const std::string& first_error() const { return context_.first_error; }
  const std::vector<LatencySample>& samples() const { return context_.samples; }

 private:
  void Run();
  // On the receive thread: carries out the commands asked since the last call.
  void RunCommands();

  struct Command {
    bool reconnect = false;  // false: disconnect
    std::string last_event_id;
    uint64_t catch_up_events = 0;
  };

  ReceiverConfig config_;
  ReceiveContext context_;
  std::vector<std::unique_ptr<BenchConnection>> connections_;
  std::atomic<bool> stop_{false};
  std::mutex commands_mutex_;
  std::vector<Command> commands_;  // guarded by commands_mutex_
  std::atomic<bool> has_commands_{false};
  std::thread thread_;
};

}  // namespace ssebench
