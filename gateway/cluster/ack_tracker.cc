#include "cluster/ack_tracker.h"

#include <charconv>
#include <string_view>
#include <vector>

#include "cluster/nats_handles.h"

namespace ssegw::cluster {

AckTracker::AckTracker() : deadline_thread_([this] { DeadlineLoop(); }) {}

AckTracker::~AckTracker() {
  Stop();
}

NatsResult<bool> AckTracker::Attach(natsConnection* nc) {
  natsInbox* inbox = nullptr;
  natsStatus s = natsInbox_Create(&inbox);
  if (s != NATS_OK) return LastNatsError(s);
  std::string prefix = std::string(inbox) + ".";
  natsInbox_Destroy(inbox);

  natsSubscription* sub = nullptr;
  s = natsConnection_Subscribe(&sub, nc, (prefix + "*").c_str(), &AckTracker::OnReply, this);
  if (s == NATS_OK) {
    // PubAcks are tiny and must never be dropped as a "slow consumer".
    s = natsSubscription_SetPendingLimits(sub, -1, -1);
  }
  if (s == NATS_OK) s = natsSubscription_SetOnCompleteCB(sub, &AckTracker::OnInboxComplete, this);
  if (s != NATS_OK) {
    NatsError error = LastNatsError(s);
    natsSubscription_Destroy(sub);
    return error;
  }
  std::lock_guard lock(mutex_);
  prefix_ = std::move(prefix);
  inbox_ = sub;
  return true;
}

bool AckTracker::attached() const {
  std::lock_guard lock(mutex_);
  return inbox_ != nullptr;
}

AckTracker::Ticket AckTracker::Register(Clock::time_point deadline, Done done) {
  std::unique_lock lock(mutex_);
  const uint64_t token = next_token_++;
  const bool earliest = deadlines_.empty() || deadline < deadlines_.begin()->first;
  waiters_.emplace(token, Waiter{deadline, std::move(done)});
  deadlines_.emplace(deadline, token);
  Ticket ticket{token, prefix_ + std::to_string(token)};
  lock.unlock();
  if (earliest) changed_.notify_all();
  return ticket;
}

bool AckTracker::Cancel(uint64_t token) {
  std::lock_guard lock(mutex_);
  Waiter ignored;
  return TakeLocked(token, &ignored);
}

size_t AckTracker::pending() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

bool AckTracker::TakeLocked(uint64_t token, Waiter* out) {
  const auto it = waiters_.find(token);
  if (it == waiters_.end()) return false;
  deadlines_.erase({it->second.deadline, token});
  *out = std::move(it->second);
  waiters_.erase(it);
  return true;
}

void AckTracker::OnReply(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<AckTracker*>(self)->HandleReply(msg);
}

void AckTracker::HandleReply(natsMsg* raw) {
  const NatsMsgPtr msg(raw);
  const std::string_view subject(natsMsg_GetSubject(raw));
  Waiter waiter;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || subject.size() <= prefix_.size()) return;
    uint64_t token = 0;
    const std::string_view digits = subject.substr(prefix_.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token);
    if (ec != std::errc() || end != digits.data() + digits.size()) return;
    // A reply after the deadline (or a second reply) finds no waiter: already answered.
    if (!TakeLocked(token, &waiter)) return;
  }
  if (natsMsg_IsNoResponders(raw)) {
    waiter.done(NatsError{NatsErrorKind::kUnavailable, NATS_NO_RESPONDERS, 0,
                          "no JetStream stream answers on this subject"});
    return;
  }
  const char* data = natsMsg_GetData(raw);
  const int length = natsMsg_GetDataLength(raw);
  waiter.done(ParsePubAck(data == nullptr ? std::string_view()
                                          : std::string_view(data, static_cast<size_t>(length))));
}

void AckTracker::OnInboxComplete(void* self) {
  auto* tracker = static_cast<AckTracker*>(self);
  std::lock_guard lock(tracker->mutex_);
  tracker->inbox_complete_ = true;
  tracker->changed_.notify_all();
}

void AckTracker::DeadlineLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const Clock::time_point next = deadlines_.begin()->first;
    if (Clock::now() < next) {
      changed_.wait_until(lock, next);
      continue;
    }
    std::vector<Waiter> expired;
    const Clock::time_point now = Clock::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      Waiter waiter;
      if (TakeLocked(deadlines_.begin()->second, &waiter)) expired.push_back(std::move(waiter));
    }
    lock.unlock();
    for (Waiter& waiter : expired) {
      waiter.done(NatsError{NatsErrorKind::kTimeout, NATS_TIMEOUT, 0,
                            "no acknowledgement from the stream in time"});
    }
    lock.lock();
  }
}

bool AckTracker::Stop(std::chrono::milliseconds wait) {
  natsSubscription* inbox = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return stop_confirmed_;
    stopping_ = true;
    inbox = inbox_;
  }
  changed_.notify_all();
  deadline_thread_.join();
  bool confirmed = true;
  if (inbox != nullptr) {
    natsSubscription_Destroy(inbox);
    std::unique_lock lock(mutex_);
    confirmed = changed_.wait_for(lock, wait, [this] { return inbox_complete_; });
  }
  std::lock_guard lock(mutex_);
  waiters_.clear();
  deadlines_.clear();
  stopped_ = true;
  stop_confirmed_ = confirmed;
  return confirmed;
}

}  // namespace ssegw::cluster
