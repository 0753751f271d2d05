// AckTracker: matches JetStream's PubAcks to the publishes waiting for them, and fails
// the ones that wait too long.
//
// Every publish gets its own reply subject under one private inbox ("_INBOX.<nuid>.<n>"),
// and one wildcard subscription receives every PubAck. Register() files a waiter under a
// new token and says its reply subject; the waiter's `done` is then called exactly once:
// with the PubAck, with the stream's refusal, with kUnavailable when JetStream had no
// responder for the subject, or with kTimeout at its deadline. Cancel() takes a waiter
// back (when the publish itself could not be sent); `done` is then never called.
//
// libnats' own js_PublishMsgAsync does the same, but its acknowledgement callback can
// still be running after jsCtx_Destroy returns; a subscription we own has an on-complete
// callback, so Stop() knows when the last PubAck handler has returned.
//
// Threading: Register/Cancel from any thread. `done` runs on libnats' delivery thread of
// the inbox subscription or on the tracker's deadline thread, never inside Register, and
// must only hand the result on (post it). Stop() (also run by the destructor) waits for
// both threads; after it, no `done` is called and unanswered waiters are dropped.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "cluster/nats_result.h"
#include "cluster/pub_ack.h"

namespace ssegw::cluster {

class AckTracker {
 public:
  using Clock = std::chrono::steady_clock;
  using Done = std::function<void(NatsResult<PublishAck>)>;

  AckTracker();
  ~AckTracker();
  AckTracker(const AckTracker&) = delete;
  AckTracker& operator=(const AckTracker&) = delete;

  // Subscribes the private inbox on `nc` (which may still be connecting). Once only.
  // Returns the libnats failure when it could not.
  NatsResult<bool> Attach(natsConnection* nc);
  bool attached() const;

  struct Ticket {
    uint64_t token;
    std::string reply_subject;
  };
  Ticket Register(Clock::time_point deadline, Done done);
  // True when the waiter was still pending; its `done` will not be called.
  bool Cancel(uint64_t token);

  // Waiters not answered yet.
  size_t pending() const;

  // Unsubscribes the inbox and waits (up to `wait`) for its handler to return, and stops
  // the deadline thread. False when libnats did not confirm in time: the tracker must
  // then be kept alive (leaked), since the handler may still run.
  bool Stop(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  struct Waiter {
    Clock::time_point deadline;
    Done done;
  };

  static void OnReply(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* self);
  static void OnInboxComplete(void* self);
  void HandleReply(natsMsg* msg);
  void DeadlineLoop();
  // Removes and returns the waiter for `token`, if pending. Lock held.
  bool TakeLocked(uint64_t token, Waiter* out);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string prefix_;  // "_INBOX.<nuid>." set once in Attach
  natsSubscription* inbox_ = nullptr;
  bool inbox_complete_ = false;                                 // guarded by mutex_
  bool stopping_ = false;                                       // guarded by mutex_
  bool stopped_ = false;                                        // guarded by mutex_
  bool stop_confirmed_ = false;                                 // guarded by mutex_
  uint64_t next_token_ = 1;                                     // guarded by mutex_
  std::map<uint64_t, Waiter> waiters_;                          // guarded by mutex_
  std::set<std::pair<Clock::time_point, uint64_t>> deadlines_;  // guarded by mutex_
  std::thread deadline_thread_;
};

}  // namespace ssegw::cluster
