#include "cluster/ordered_subscription.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "cluster/connection_core.h"

namespace ssegw::cluster {

struct OrderedSubscription::Shared : std::enable_shared_from_this<Shared> {
  Shared(Deliverer d, OrderedSubscriptionOptions o, OrderedSubscriptionEvents e,
         std::shared_ptr<NatsConnection::Core> c)
      : deliver(std::move(d)),
        options(std::move(o)),
        events(std::move(e)),
        last_delivered(options.start_seq == 0 ? 0 : options.start_seq - 1),
        connection(std::move(c)),
        tracker(options.start_seq) {}

  const Deliverer deliver;  // alive: this subscription's, not the connection's
  const OrderedSubscriptionOptions options;

  // Owner thread only.
  OrderedSubscriptionEvents events;
  uint64_t last_delivered;

  const std::shared_ptr<NatsConnection::Core> connection;
  SequenceTracker tracker;  // libnats' delivery thread only

  std::mutex mutex;
  std::condition_variable changed;
  std::atomic<bool> announced{false};  // on_started posted
  size_t in_flight = 0;                // guarded by mutex
  bool closing = false;                // guarded by mutex
  bool complete = false;               // guarded by mutex: libnats' handler is done for good
  natsSubscription* sub = nullptr;     // guarded by mutex

  void Start();
  void Handle(natsMsg* raw);
  // Posts on_started once, from whichever thread is first: the first message may arrive
  // before js_Subscribe has returned to the starter thread.
  void Announce() {
    if (announced.exchange(true)) return;
    deliver.Run([self = shared_from_this()] {
      if (self->events.on_started) self->events.on_started();
    });
  }
  static void OnMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
    static_cast<Shared*>(self)->Handle(msg);
  }
  static void OnComplete(void* self) {
    auto* shared = static_cast<Shared*>(self);
    std::lock_guard lock(shared->mutex);
    shared->complete = true;
    shared->changed.notify_all();
  }
};

namespace {

NatsResult<natsSubscription*> Subscribe(OrderedSubscription::Shared& shared) {
  jsCtx* js = shared.connection->js.load();
  if (js == nullptr) {
    return NatsError{NatsErrorKind::kUnavailable, 0, 0, "not connected to NATS yet"};
  }
  const OrderedSubscriptionOptions& o = shared.options;
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = o.stream.c_str();
  options.Ordered = true;
  if (o.start_seq > 1) options.Config.OptStartSeq = o.start_seq;
  options.Config.Heartbeat = std::chrono::nanoseconds(o.heartbeat).count();
  natsSubscription* sub = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_Subscribe(&sub, js, o.filter_subject.c_str(), &OrderedSubscription::Shared::OnMessage,
                   &shared, nullptr, &options, &js_code);
  if (s != NATS_OK) return LastNatsError(s, js_code);
  // Flow control bounds what the server pushes; libnats must never drop a message as a
  // "slow consumer" (its ordered consumer would not notice the hole).
  s = natsSubscription_SetPendingLimits(sub, -1, -1);
  if (s == NATS_OK) {
    s = natsSubscription_SetOnCompleteCB(sub, &OrderedSubscription::Shared::OnComplete, &shared);
  }
  if (s != NATS_OK) {
    NatsError error = LastNatsError(s);
    natsSubscription_Destroy(sub);
    return error;
  }
  return sub;
}

}  // namespace

// Starter thread.
void OrderedSubscription::Shared::Start() {
  std::chrono::milliseconds backoff = options.retry_min;
  while (true) {
    {
      std::lock_guard lock(mutex);
      if (closing) return;
    }
    NatsResult<natsSubscription*> made = Subscribe(*this);
    if (made.ok()) {
      std::lock_guard lock(mutex);
      sub = made.value();  // the destructor unsubscribes it, even when closing already
      Announce();
      return;
    }
    deliver.Run([self = shared_from_this(), error = made.error()] {
      if (self->events.on_error) self->events.on_error(error);
    });
    std::unique_lock lock(mutex);
    changed.wait_for(lock, backoff, [this] { return closing; });
    backoff = std::min(backoff * 2, options.retry_max);
  }
}

// libnats' delivery thread of the subscription: one message at a time, in order.
void OrderedSubscription::Shared::Handle(natsMsg* raw) {
  std::optional<StoredMessage> stored = StoredMessage::FromDelivery(NatsMsgPtr(raw));
  if (!stored) return;
  const SequenceTracker::Verdict verdict = tracker.Observe(stored->seq());
  if (!verdict.deliver) return;
  Announce();
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [this] { return closing || in_flight < options.max_in_flight; });
    if (closing) return;
    ++in_flight;
  }
  auto message = std::make_shared<StoredMessage>(std::move(*stored));
  // Not deliver.Run: the window must be released even when the owner is gone.
  deliver.post([self = shared_from_this(), gap = verdict.gap, message] {
    if (*self->deliver.alive) {
      if (gap && self->events.on_gap) self->events.on_gap(*gap);
      self->last_delivered = message->seq();
      if (self->events.on_message) self->events.on_message(std::move(*message));
    }
    std::lock_guard lock(self->mutex);
    --self->in_flight;
    self->changed.notify_all();
  });
}

OrderedSubscription::OrderedSubscription(NatsConnection& connection,
                                         OrderedSubscriptionOptions options,
                                         OrderedSubscriptionEvents events)
    : connection_(connection.core_) {
  ++connection_->live_subscriptions;
  shared_ =
      std::make_shared<Shared>(Deliverer{connection_->deliver.post, std::make_shared<bool>(true)},
                               std::move(options), std::move(events), connection_);
  starter_ = std::thread([shared = shared_] { shared->Start(); });
}

OrderedSubscription::~OrderedSubscription() {
  *shared_->deliver.alive = false;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closing = true;
    shared_->changed.notify_all();
  }
  starter_.join();
  natsSubscription* sub = nullptr;
  {
    std::lock_guard lock(shared_->mutex);
    sub = shared_->sub;
    shared_->sub = nullptr;
  }
  if (sub != nullptr) {
    natsSubscription_Destroy(sub);
    std::unique_lock lock(shared_->mutex);
    const bool quiet = shared_->changed.wait_for(lock, std::chrono::seconds(5),
                                                 [this] { return shared_->complete; });
    lock.unlock();
    if (!quiet) KeepForever(shared_);
  }
  --connection_->live_subscriptions;
}

uint64_t OrderedSubscription::last_delivered() const {
  return shared_->last_delivered;
}

}  // namespace ssegw::cluster
