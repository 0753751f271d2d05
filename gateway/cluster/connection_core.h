// Internals shared by NatsConnection, its libnats callbacks, its CallThread jobs and the
// subscriptions made on it. Not part of the library's interface.
//
// Deliverer is what crosses threads: libnats and worker threads call Run(), which posts the
// closure to the owner thread, where it runs only while the NatsConnection (or
// subscription) that made the Deliverer still exists. `alive` is read and written on the
// owner thread only; the shared_ptr itself is copied on any thread.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "cluster/ack_tracker.h"
#include "cluster/nats_connection.h"
#include "cluster/nats_handles.h"

namespace ssegw::cluster {

struct Deliverer {
  Post post;
  std::shared_ptr<bool> alive;

  void Run(std::function<void()> fn) const {
    post([alive = alive, fn = std::move(fn)] {
      if (*alive) fn();
    });
  }
};

// For state whose libnats callbacks did not confirm their end in time: it must outlive
// any callback that may still come, so it is kept until the process exits.
void KeepForever(std::shared_ptr<void> state);

// libnats' asynchronous error handler (natsOptions_SetErrorHandler) can run after the
// connection's closed callback: an ordered consumer's heartbeat timer and its re-creation
// thread post errors for as long as libnats holds the subscription. So the handler's
// closure is an ErrorSink that lives until the process exits and forgets its Core when
// the NatsConnection goes.
struct ErrorSink {
  std::mutex mutex;
  NatsConnection::Core* core = nullptr;  // guarded by mutex
};

struct NatsConnection::Core {
  Deliverer deliver;
  std::chrono::milliseconds api_timeout{5000};
  NatsOptionsPtr options;

  // Owner thread only.
  ConnectionEvents events;
  ConnectionState state = ConnectionState::kConnecting;

  // Set once by the connector thread; read anywhere. Null until then.
  std::atomic<natsConnection*> nc{nullptr};
  std::atomic<jsCtx*> js{nullptr};
  std::atomic<int> live_subscriptions{0};

  AckTracker acks;
  ErrorSink* error_sink = nullptr;  // kept forever (see ErrorSink)

  std::mutex mutex;
  std::condition_variable changed;
  bool closed_seen = false;  // guarded by mutex: libnats' closed callback, its last one
  bool stopping = false;     // guarded by mutex: the connector thread must give up
};

}  // namespace ssegw::cluster
