// PublishDriver: publishes stamped events (payload.h) through the gateway's Unix publish
// socket at a steady rate, on its own thread and libevent loop, and checks every reply.
//
// Event k goes to topic k mod N (the Target's topics), so events spread evenly over the
// topics. Every tick (1 ms, or 1/rate when slower) the driver sends the events that have
// fallen due since the start, stamped with the current time, in requests of up to
// `batch` events each. Requests are pipelined: the driver never waits for a reply before
// sending the next request, and matches replies to requests by order and seq, as the
// protocol promises. An accepted request adds its events to the per-topic accepted
// counts; a rejected one counts as an error. When the gateway reads more slowly than the
// rate asks, unsent output is capped (kMaxUnsentBytes) and the driver falls behind rather
// than buffering without bound; events_sent then shows the rate actually achieved.
//
// Threading: Connect() on the calling thread, then Start(). StopPublishing() may be
// called from any thread: no new events are made and the thread ends once every reply
// is in (or the drain deadline passes, or the connection fails). counters() may be read
// at any time; accepted_per_topic() and first_error() after Join().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "counter.h"

struct event;
struct event_base;

namespace ssebench {

struct PublishConfig {
  std::string socket_path;
  double rate = 0;  // events per second
  size_t payload_bytes = 100;
  size_t batch = 1;                       // events per request, at most
  std::vector<std::string> topics;        // event k goes to topics[k % size]
  std::chrono::milliseconds drain{5000};  // how long to wait for replies after stopping
};

struct PublishCounters {
  Counter events_sent;
  Counter requests_sent;
  Counter events_accepted;
  Counter events_rejected;  // in requests the gateway rejected
  Counter replies;
  Counter errors;  // rejected requests, bad replies, a lost connection, unanswered requests
};

class PublishDriver {
 public:
  explicit PublishDriver(PublishConfig config);
  ~PublishDriver();
  PublishDriver(const PublishDriver&) = delete;
  PublishDriver& operator=(const PublishDriver&) = delete;

  // Connects to the socket. false with *error when it is missing or refuses.
  bool Connect(std::string* error);
  void Start();
  void StopPublishing() { stop_.store(true, std::memory_order_relaxed); }
  void Join();
  // True once the thread has ended (all replies in, or given up).
  bool finished() const { return finished_.load(std::memory_order_acquire); }

  const PublishCounters& counters() const { return counters_; }
  const std::vector<uint64_t>& accepted_per_topic() const { return accepted_per_topic_; }
  const std::string& first_error() const { return first_error_; }

 private:
  struct InFlight {
    uint64_t seq;
    uint64_t first_event;  // global index of the request's first event
    uint32_t events;
  };

  void Run();
  void Tick();
  void WakeAfter(uint64_t delay_ns);  // the next Tick, once
  void SendDue(uint64_t now_ns);
  void AppendRequest(uint64_t first_event, uint32_t events, uint64_t stamp_ns);
  void WriteSome();
  void ReadReplies();
  bool ParseReplies();
  void Fail(std::string reason);
  void NoteError(std::string message);

  static void OnTimer(int fd, short what, void* self);
  static void OnSocket(int fd, short what, void* self);

  PublishConfig config_;
  int fd_ = -1;
  event_base* base_ = nullptr;
  event* timer_ = nullptr;
  event* read_event_ = nullptr;
  event* write_event_ = nullptr;
  bool write_pending_ = false;

  uint64_t start_ns_ = 0;
  uint64_t stop_deadline_ns_ = 0;  // 0 until StopPublishing is seen
  uint64_t next_seq_ = 1;
  uint64_t next_event_ = 0;
  std::string payload_;  // reused between events
  std::string output_;
  size_t output_offset_ = 0;
  std::string input_;
  std::deque<InFlight> in_flight_;
  bool dead_ = false;

  PublishCounters counters_;
  std::vector<uint64_t> accepted_per_topic_;
  std::string first_error_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace ssebench
