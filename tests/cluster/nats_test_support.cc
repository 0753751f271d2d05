#include "nats_test_support.h"

#include <thread>

namespace ssegw::cluster::testing {

std::unique_ptr<NatsConnection> Connect(OwnerQueue& owner, std::vector<std::string> urls,
                                        std::vector<ConnectionState>* states) {
  NatsConnectionOptions options;
  options.urls = std::move(urls);
  options.reconnect_wait = std::chrono::milliseconds(100);
  // A killed server closes its sockets, which the client sees at once; pings only find
  // a server that stopped answering, and at 1 s a test process stalled for two (a loaded
  // machine) would add Disconnected/Connected to the state sequences the tests compare.
  options.ping_interval = std::chrono::seconds(5);
  ConnectionEvents events;
  if (states != nullptr) {
    events.on_state = [states](ConnectionState state) { states->push_back(state); };
  }
  NatsResult<std::unique_ptr<NatsConnection>> started =
      NatsConnection::Start(std::move(options), owner.post(), std::move(events));
  if (!started.ok()) return nullptr;
  return std::move(started).value();
}

bool WaitForState(OwnerQueue& owner, const NatsConnection& connection, ConnectionState state) {
  return owner.RunUntil([&] { return connection.state() == state; }, kGiveUp);
}

StreamSpec TestStream(int replicas, bool file) {
  StreamSpec spec;
  spec.name = "T";
  spec.subjects = {"t.>"};
  spec.replicas = replicas;
  spec.file_storage = file;
  return spec;
}

NatsResult<StreamDescription> EnsureStreamPatiently(OwnerQueue& owner, NatsConnection& connection,
                                                    const StreamSpec& spec) {
  const auto deadline = std::chrono::steady_clock::now() + kGiveUp;
  while (true) {
    std::optional<NatsResult<StreamDescription>> result = Await<StreamDescription>(
        owner, [&](auto done) { connection.EnsureStream(spec, std::move(done)); });
    if (!result) return NatsError{NatsErrorKind::kTimeout, 0, 0, "EnsureStream never answered"};
    if (result->ok() || result->error().kind != NatsErrorKind::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline) {
      return std::move(*result);
    }
    // A fresh cluster may not know all its peers yet; pacing only.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

OutgoingMessage Message(const std::string& id, const std::string& data) {
  OutgoingMessage message;
  message.subject = "t.events";
  message.msg_id = id;
  message.expected_stream = "T";
  message.headers = {{"Ssegw-Test", "yes"}};
  message.data = data;
  return message;
}

std::unique_ptr<OrderedSubscription> Subscribe(NatsConnection& connection, uint64_t start_seq,
                                               Received* out, std::chrono::milliseconds heartbeat) {
  OrderedSubscriptionOptions options;
  options.stream = "T";
  options.filter_subject = "t.>";
  options.start_seq = start_seq;
  options.heartbeat = heartbeat;
  OrderedSubscriptionEvents events;
  events.on_message = [out](StoredMessage message) {
    out->seqs.push_back(message.seq());
    out->ids.emplace_back(message.Header("Nats-Msg-Id").value_or(""));
    out->data.emplace_back(message.data());
  };
  events.on_gap = [out](SequenceGap gap) { out->gaps.push_back(gap); };
  events.on_error = [out](NatsError error) { out->errors.push_back(std::move(error)); };
  events.on_started = [out] { out->started = true; };
  return std::make_unique<OrderedSubscription>(connection, std::move(options), std::move(events));
}

ReliablePublishResult PublishReliably(OwnerQueue& owner, NatsConnection& connection,
                                      const std::string& prefix, int count, int window,
                                      std::chrono::milliseconds timeout,
                                      const std::function<void(int)>& after_ack) {
  struct State {
    ReliablePublishResult result;
    int next = 0;
    int in_flight = 0;
    std::function<void(int)> send;
  };
  auto state = std::make_shared<State>();
  auto id = [prefix](int i) { return prefix + "-" + std::to_string(i); };
  std::weak_ptr<State> weak = state;
  state->send = [&, weak, id](int i) {
    auto sending = weak.lock();
    if (!sending) return;
    ++sending->in_flight;
    connection.Publish(Message(id(i), id(i)), timeout, [&, weak, id, i](NatsResult<PublishAck> r) {
      auto s = weak.lock();
      if (!s) return;
      --s->in_flight;
      if (!r.ok()) {
        ++s->result.failures;
        // Pacing only: while the cluster elects a leader, retrying at once would spin.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        s->send(i);
        return;
      }
      s->result.acks[id(i)] = r.value();
      if (after_ack) after_ack(static_cast<int>(s->result.acks.size()));
      while (s->in_flight < window && s->next < count) s->send(s->next++);
    });
  };
  while (state->in_flight < window && state->next < count) state->send(state->next++);
  state->result.finished =
      owner.RunUntil([&] { return static_cast<int>(state->result.acks.size()) == count; }, kGiveUp);
  ReliablePublishResult result = std::move(state->result);
  state->send = nullptr;
  return result;
}

}  // namespace ssegw::cluster::testing
