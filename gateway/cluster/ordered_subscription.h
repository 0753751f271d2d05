// OrderedSubscription: reads a stream in order, from a given sequence, for as long as it
// lives, across disconnects and server failures.
//
// It is libnats' ordered consumer (an ephemeral push consumer without acks, with flow
// control and idle heartbeats, in memory, one replica): when libnats sees a hole in the
// consumer's delivery sequence, or no heartbeat for two intervals (the server that held
// the consumer died, the connection was lost), it makes a new consumer that starts at the
// last stream sequence it received + 1. Creating the first consumer needs JetStream; until
// that succeeds it is retried with a backoff (on_error says why each attempt failed).
//
// On top of that, a SequenceTracker: `on_message` receives each stream sequence at most
// once and in increasing order, and `on_gap` reports, before the message after them, the
// sequences the stream no longer held (removed by its limits or an operator) or that were
// lost on the way. The owner decides what a gap means.
//
// Flow: at most `max_in_flight` messages wait in the owner's queue; beyond that libnats'
// delivery thread waits, which holds back flow-control replies, so the server stops
// pushing. Nothing is dropped.
//
// Threading: construct, use and destroy on the owner thread of `connection`; callbacks
// run there (posted), never inside the constructor. Destroy before the connection. The
// destructor unsubscribes and waits for libnats' delivery thread to finish (bounded); the
// ephemeral consumer is removed by the server after its inactivity threshold.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "cluster/nats_connection.h"
#include "cluster/nats_result.h"
#include "cluster/sequence_tracker.h"
#include "cluster/stored_message.h"

namespace ssegw::cluster {

struct OrderedSubscriptionOptions {
  std::string stream;
  std::string filter_subject;  // e.g. "ssegw.>": the stream's subjects or a subset
  uint64_t start_seq = 1;      // the first sequence wanted (1: the whole stream)
  // Idle heartbeat of the consumer; two missed ones make libnats recreate it, so this
  // bounds how long a reader stalls after losing the server that held its consumer.
  std::chrono::milliseconds heartbeat{2000};
  size_t max_in_flight = 4096;
  std::chrono::milliseconds retry_min{100};  // backoff between creation attempts
  std::chrono::milliseconds retry_max{2000};
};

struct OrderedSubscriptionEvents {
  std::function<void(StoredMessage)> on_message;
  std::function<void(SequenceGap)> on_gap;
  // Creating the consumer failed (it is retried) or libnats reported a problem with it.
  std::function<void(NatsError)> on_error;
  // The consumer exists and messages flow: once, before the first message.
  std::function<void()> on_started;
};

class OrderedSubscription {
 public:
  OrderedSubscription(NatsConnection& connection, OrderedSubscriptionOptions options,
                      OrderedSubscriptionEvents events);
  ~OrderedSubscription();
  OrderedSubscription(const OrderedSubscription&) = delete;
  OrderedSubscription& operator=(const OrderedSubscription&) = delete;

  // The highest sequence delivered to on_message (owner thread's view), or start_seq - 1.
  uint64_t last_delivered() const;

  struct Shared;  // what libnats' and the starter thread's callbacks use

 private:
  std::shared_ptr<NatsConnection::Core> connection_;
  std::shared_ptr<Shared> shared_;
  std::thread starter_;  // creates the consumer, retrying until it exists
};

}  // namespace ssegw::cluster
