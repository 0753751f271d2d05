// Helpers for the cluster library's tests against real servers: blocking wrappers that
// pump the OwnerQueue until a result arrives, a recorder for ordered subscriptions, and a
// publisher that retries every message with its own Nats-Msg-Id until the stream has
// acknowledged it.
//
// Everything here runs on the test thread (the owner thread). Waits are give-up bounds.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/nats_connection.h"
#include "cluster/ordered_subscription.h"
#include "owner_queue.h"

namespace ssegw::cluster::testing {

inline constexpr auto kGiveUp = std::chrono::seconds(60);

// Starts `call` with a `done` and runs the owner queue until it has been called.
// Nothing when it was not called within `give_up`.
template <typename T>
std::optional<NatsResult<T>> Await(
    OwnerQueue& owner, const std::function<void(std::function<void(NatsResult<T>)>)>& call,
    std::chrono::milliseconds give_up = kGiveUp) {
  auto out = std::make_shared<std::optional<NatsResult<T>>>();
  call([out](NatsResult<T> result) { out->emplace(std::move(result)); });
  owner.RunUntil([&] { return out->has_value(); }, give_up);
  return std::move(*out);
}

std::unique_ptr<NatsConnection> Connect(OwnerQueue& owner, std::vector<std::string> urls,
                                        std::vector<ConnectionState>* states = nullptr);
bool WaitForState(OwnerQueue& owner, const NatsConnection& connection, ConnectionState state);

// The test stream: "T" on subjects "t.>", in memory unless `file` (servers restarted).
StreamSpec TestStream(int replicas = 1, bool file = true);

// EnsureStream, retried while the cluster cannot place it yet (fresh cluster).
NatsResult<StreamDescription> EnsureStreamPatiently(OwnerQueue& owner, NatsConnection& connection,
                                                    const StreamSpec& spec);

OutgoingMessage Message(const std::string& id, const std::string& data);

// Everything an OrderedSubscription delivered, in order.
struct Received {
  std::vector<uint64_t> seqs;
  std::vector<std::string> ids;  // Nats-Msg-Id of each
  std::vector<std::string> data;
  std::vector<SequenceGap> gaps;
  std::vector<NatsError> errors;
  bool started = false;
};
std::unique_ptr<OrderedSubscription> Subscribe(
    NatsConnection& connection, uint64_t start_seq, Received* out,
    std::chrono::milliseconds heartbeat = std::chrono::milliseconds(500));

// Publishes ids prefix-0 .. prefix-(count-1) with data "<id>", `window` at a time in
// flight, each re-published with the same msg id after a failure until acknowledged.
// `after_ack(n)` runs after the n-th first acknowledgement (e.g. to kill a server).
struct ReliablePublishResult {
  std::map<std::string, PublishAck> acks;  // by id: the acknowledgement that ended it
  int failures = 0;                        // attempts that failed and were retried
  bool finished = false;
};
ReliablePublishResult PublishReliably(OwnerQueue& owner, NatsConnection& connection,
                                      const std::string& prefix, int count, int window,
                                      std::chrono::milliseconds timeout,
                                      const std::function<void(int)>& after_ack = nullptr);

}  // namespace ssegw::cluster::testing
