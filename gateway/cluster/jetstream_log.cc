#include "cluster/jetstream_log.h"

#include <algorithm>
#include <utility>

#include "cluster/log_position.h"
#include "cluster/message_id.h"
#include "cluster/warm_start.h"
#include "core/ingest.h"
#include "net/log.h"
#include "wire/log_record.h"

namespace ssegw::cluster {

struct JetStreamLog::PendingAppend {
  AppendDone done;
  // One per event of the request: the publisher's id ("" when the log names it) and its
  // index in the message (-1: already in the history, left out).
  std::vector<std::string> ids;
  std::vector<int> index;
  uint32_t held_duplicates = 0;
  Clock::time_point started;
  Clock::time_point read_deadline;
  uint64_t stream_seq = 0;
  bool duplicate = false;  // JetStream's answer: the same request was stored before
};

namespace {

PublishResult Refused(PublishStatus status, std::string error) {
  PublishResult result;
  result.status = status;
  result.error = std::move(error);
  return result;
}

uint64_t MicrosSince(JetStreamLog::Clock::time_point start) {
  const auto elapsed = JetStreamLog::Clock::now() - start;
  return static_cast<uint64_t>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
}

StreamSpec SpecFor(const JetStreamLogOptions& options, const std::string& filter_subject) {
  StreamSpec spec;
  spec.name = options.stream;
  spec.subjects = {filter_subject};
  spec.max_msgs = static_cast<int64_t>(options.history_events);
  spec.max_bytes = static_cast<int64_t>(options.history_bytes);
  spec.replicas = options.replicas;
  return spec;
}

}  // namespace

NatsResult<std::unique_ptr<JetStreamLog>> JetStreamLog::Start(JetStreamLogOptions options,
                                                              Post post, CommitSink& sink,
                                                              GatewayCounters& counters) {
  std::unique_ptr<JetStreamLog> log(new JetStreamLog(std::move(options), sink, counters));
  if (std::string problem = ValidateStreamSpec(SpecFor(log->options_, log->filter_subject_));
      !problem.empty()) {
    return NatsError{NatsErrorKind::kInvalid, 0, 0,
                     "stream " + log->options_.stream + ": " + problem};
  }
  JetStreamLog* self = log.get();
  NatsResult<std::unique_ptr<NatsConnection>> connection = NatsConnection::Start(
      log->options_.connection, std::move(post),
      ConnectionEvents{
          .on_state = [self](ConnectionState state) { self->OnState(state); },
          .on_async_error = [](std::string text) { LOG_WARN("NATS: %s", text.c_str()); },
      });
  if (!connection.ok()) return connection.error();
  log->connection_ = std::move(connection).value();
  return log;
}

JetStreamLog::JetStreamLog(JetStreamLogOptions options, CommitSink& sink, GatewayCounters& counters)
    : options_(std::move(options)),
      sink_(sink),
      counters_(counters),
      subject_("ssegw." + options_.stream + ".events"),
      filter_subject_("ssegw." + options_.stream + ".>"),
      history_(options_.history_events, options_.history_bytes) {}

JetStreamLog::~JetStreamLog() {
  // The subscription first (it uses the connection); results still queued for either are
  // dropped with them.
  subscription_.reset();
  connection_.reset();
}

void JetStreamLog::OnState(ConnectionState state) {
  counters_.nats_connected.Set(state == ConnectionState::kConnected ? 1 : 0);
  if (state == ConnectionState::kConnected) {
    LOG_INFO("connected to NATS");
    if (!stream_known_) EnsureStream();
  } else if (state == ConnectionState::kDisconnected) {
    LOG_WARN("lost the connection to NATS: publishes are refused until it is back");
  }
  UpdateReady();
}

void JetStreamLog::EnsureStream() {
  if (ensure_in_flight_ || stream_known_) return;
  ensure_in_flight_ = true;
  connection_->EnsureStream(SpecFor(options_, filter_subject_),
                            [this](NatsResult<StreamDescription> result) {
                              ensure_in_flight_ = false;
                              OnStream(std::move(result));
                            });
}

void JetStreamLog::OnStream(NatsResult<StreamDescription> result) {
  if (stream_known_) return;
  if (!result.ok()) {
    // Retried from Tick; each distinct reason is logged once.
    const std::string reason = Describe(result.error());
    if (reason != last_stream_error_) {
      last_stream_error_ = reason;
      LOG_WARN("cannot use the NATS stream %s yet: %s", options_.stream.c_str(), reason.c_str());
    }
    return;
  }
  const StreamDescription& stream = result.value();
  for (const std::string& difference :
       StreamDifferences(SpecFor(options_, filter_subject_), stream.config)) {
    LOG_WARN("NATS stream %s differs from what this gateway would create: %s",
             options_.stream.c_str(), difference.c_str());
  }
  stream_known_ = true;
  created_at_ns_ = stream.created_at_ns;
  epoch_ = StreamEpoch(stream.created_at_ns);
  const uint64_t start =
      WarmStartSeq({stream.first_seq, stream.last_seq, stream.messages, stream.bytes},
                   options_.history_events, options_.history_bytes);
  delivered_ = start - 1;
  warm_target_ = stream.last_seq;
  stream_last_seq_ = stream.last_seq;
  LOG_INFO("NATS stream %s%s (ids %s-…): messages %llu to %llu; reading from %llu",
           options_.stream.c_str(), stream.created ? " created" : "", epoch_.c_str(),
           static_cast<unsigned long long>(stream.first_seq),
           static_cast<unsigned long long>(stream.last_seq),
           static_cast<unsigned long long>(start));
  subscription_ = std::make_unique<OrderedSubscription>(
      *connection_,
      OrderedSubscriptionOptions{.stream = options_.stream,
                                 .filter_subject = filter_subject_,
                                 .start_seq = start,
                                 .heartbeat = options_.heartbeat},
      OrderedSubscriptionEvents{
          .on_message = [this](StoredMessage message) { OnMessage(std::move(message)); },
          .on_gap = [this](SequenceGap gap) { OnGap(gap); },
          .on_error =
              [this](NatsError error) {
                LOG_WARN("reading the NATS stream %s: %s", options_.stream.c_str(),
                         Describe(error).c_str());
              },
          .on_started = nullptr,
      });
  UpdateReady();
}

void JetStreamLog::Tick(Clock::time_point now) {
  if (connection_->state() == ConnectionState::kConnected && !stream_known_) EnsureStream();
  if (stream_known_ && !info_in_flight_ && now >= next_info_ &&
      connection_->state() == ConnectionState::kConnected) {
    info_in_flight_ = true;
    next_info_ = now + options_.info_interval;
    connection_->GetStreamInfo(options_.stream, [this](NatsResult<StreamDescription> result) {
      info_in_flight_ = false;
      OnStreamInfo(std::move(result));
    });
  }
  // Acknowledged but not read back in time: answered from the acknowledgement.
  for (auto it = awaiting_read_.begin(); it != awaiting_read_.end();) {
    if (it->second->read_deadline > now) {
      ++it;
      continue;
    }
    Finish(*it->second);
    it = awaiting_read_.erase(it);
  }
  for (auto it = awaiting_locate_.begin(); it != awaiting_locate_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    it->second.done(std::nullopt);
    it = awaiting_locate_.erase(it);
  }
}

void JetStreamLog::OnStreamInfo(NatsResult<StreamDescription> result) {
  if (!result.ok()) return;  // unreachable for now: the lag keeps its last value
  const StreamDescription& stream = result.value();
  if (stream.created_at_ns != created_at_ns_ && !stream_replaced_) {
    stream_replaced_ = true;
    LOG_ERROR(
        "the NATS stream %s was deleted and created again: its positions start over, so "
        "this gateway stops taking publishes; restart it",
        options_.stream.c_str());
    UpdateReady();
    return;
  }
  stream_last_seq_ = stream.last_seq;
  counters_.log_lag.Set(stream.last_seq > delivered_ ? stream.last_seq - delivered_ : 0);
}

void JetStreamLog::Append(std::span<EventDraft> batch, AppendDone done) {
  if (batch.size() > kMaxEventsPerMessage) {
    return done(Refused(PublishStatus::kInvalidArgument, "a request holds at most " +
                                                             std::to_string(kMaxEventsPerMessage) +
                                                             " events in a cluster"));
  }
  if (!stream_known_ || stream_replaced_ || connection_->state() != ConnectionState::kConnected) {
    return done(Refused(PublishStatus::kUnavailable, "the cluster log (NATS) is not reachable"));
  }
  auto pending = std::make_shared<PendingAppend>();
  pending->done = std::move(done);
  const std::string msg_id = MessageIdFor(batch);
  std::vector<EventDraft> fresh;
  fresh.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EventDraft& draft = batch[i];
    if (!draft.id.empty()) {
      if (std::optional<AssignedIdParts> parts = ParseAssignedId(draft.id);
          parts && parts->epoch == epoch_) {
        return pending->done(
            Refused(PublishStatus::kInvalidArgument,
                    "event " + std::to_string(i) + ": ids of the form " + epoch_ +
                        "-<n>-<n> are the cluster log's own; leave the id empty to get one"));
      }
    }
    pending->ids.push_back(draft.id);
    if (!draft.id.empty() && history_.Contains(draft.id)) {
      pending->index.push_back(-1);
      ++pending->held_duplicates;
      continue;
    }
    pending->index.push_back(static_cast<int>(fresh.size()));
    fresh.push_back(std::move(draft));
  }
  if (fresh.empty()) {
    Finish(*pending);
    return;
  }
  OutgoingMessage message{.subject = subject_,
                          .msg_id = msg_id,
                          .expected_stream = options_.stream,
                          .headers = {},
                          .data = wire::EncodeLogRecord(fresh)};
  // Headers (the msg id, the expected stream) come on top of the record.
  const int64_t max_payload = connection_->max_payload();
  if (max_payload > 0 &&
      static_cast<int64_t>(message.data.size() + message.msg_id.size() + 128) > max_payload) {
    return pending->done(Refused(PublishStatus::kTooLarge,
                                 "the request is " + std::to_string(message.data.size()) +
                                     " bytes in the cluster log, over the NATS servers' limit of " +
                                     std::to_string(max_payload)));
  }
  pending->started = Clock::now();
  connection_->Publish(
      std::move(message), options_.publish_timeout,
      [this, pending](NatsResult<PublishAck> ack) { OnAck(pending, std::move(ack)); });
}

void JetStreamLog::OnAck(const std::shared_ptr<PendingAppend>& pending,
                         NatsResult<PublishAck> ack) {
  if (!ack.ok()) {
    const NatsError& error = ack.error();
    std::string why;
    switch (error.kind) {
      case NatsErrorKind::kTimeout:
        why = "the cluster log did not acknowledge within " +
              std::to_string(options_.publish_timeout.count()) +
              " ms; it may still store the request (whole): retry with the same ids";
        break;
      case NatsErrorKind::kUnavailable:
        why = "the cluster log (NATS) is not reachable: " + error.text;
        break;
      default:
        why = "the cluster log refused the request: " + Describe(error);
        break;
    }
    pending->done(Refused(PublishStatus::kUnavailable, std::move(why)));
    return;
  }
  ack_latency_.Observe(MicrosSince(pending->started));
  pending->stream_seq = ack.value().seq;
  pending->duplicate = ack.value().duplicate;
  if (delivered_ >= pending->stream_seq) {
    Finish(*pending);
    return;
  }
  pending->read_deadline = Clock::now() + options_.publish_timeout;
  awaiting_read_.emplace(pending->stream_seq, pending);
}

void JetStreamLog::Finish(PendingAppend& pending) {
  PublishResult result;
  result.ids.reserve(pending.ids.size());
  for (size_t k = 0; k < pending.ids.size(); ++k) {
    std::string& id = pending.ids[k];
    if (pending.index[k] < 0 || pending.duplicate) {
      ++result.duplicates;  // every id is the publisher's here
    } else {
      const uint64_t position =
          LogPosition(pending.stream_seq, static_cast<uint32_t>(pending.index[k]));
      if (id.empty()) {
        id = AssignedId(epoch_, position);
      } else if (const LogEvent* held = history_.Find(id); held && held->seq != position) {
        ++result.duplicates;  // another request with this id was read first
      }
    }
    result.ids.push_back(std::move(id));
  }
  counters_.duplicate_events_total += result.duplicates;
  pending.done(std::move(result));
}

void JetStreamLog::OnMessage(StoredMessage message) {
  const uint64_t seq = message.seq();
  read_any_ = true;
  std::vector<LogEventPtr> committed;
  if (std::optional<std::vector<EventDraft>> drafts = Decode(message)) {
    committed.reserve(drafts->size());
    for (uint32_t i = 0; i < drafts->size(); ++i) {
      EventDraft& draft = (*drafts)[i];
      const uint64_t position = LogPosition(seq, i);
      std::string id = draft.id;
      if (id.empty()) {
        id = AssignedId(epoch_, position);
        // Taken only by something that wrote to the stream without a gateway's checks.
        while (history_.Contains(id)) id.push_back('~');
      } else if (history_.Contains(id)) {
        continue;  // read once already: not delivered again
      }
      LogEventPtr event = MakeEvent(position, draft, std::move(id));
      history_.Append(event);
      committed.push_back(std::move(event));
    }
  }
  delivered_ = seq;
  counters_.events_published_total += committed.size();
  counters_.history_events.Set(history_.size());
  counters_.history_bytes.Set(history_.bytes());
  if (stream_last_seq_ < seq) stream_last_seq_ = seq;
  counters_.log_lag.Set(stream_last_seq_ - seq);
  if (!committed.empty()) sink_.OnCommitted(committed, history_.oldest_seq());
  AnswerWaitersUpTo(seq);
  if (!announced_ready_) UpdateReady();
}

std::optional<std::vector<EventDraft>> JetStreamLog::Decode(const StoredMessage& message) {
  std::optional<std::vector<EventDraft>> drafts = wire::DecodeLogRecord(message.data());
  const char* problem = nullptr;
  std::string detail;
  if (!drafts) {
    problem = "not a log record";
  } else if (drafts->size() > kMaxEventsPerMessage) {
    problem = "too many events";
  } else if (std::optional<IngestError> invalid = ValidateBatch(&*drafts)) {
    problem = "invalid";
    detail = Describe(*invalid);
  }
  if (problem == nullptr) return drafts;
  LOG_WARN("NATS stream %s: message %llu skipped: %s %s", options_.stream.c_str(),
           static_cast<unsigned long long>(message.seq()), problem, detail.c_str());
  return std::nullopt;
}

LogEventPtr JetStreamLog::MakeEvent(uint64_t position, EventDraft& draft, std::string id) {
  auto event = std::make_shared<LogEvent>();
  event->seq = position;
  event->message = EncodeDraft(draft, id);
  event->id = std::move(id);
  event->topics = std::move(draft.topics);
  return event;
}

void JetStreamLog::OnGap(SequenceGap gap) {
  if (!read_any_) {
    // Removed by the stream's limits between its info and the first read: before the
    // tail, so nobody here missed them.
    LOG_DEBUG("NATS stream %s: messages %llu to %llu went before the warm-up read them",
              options_.stream.c_str(), static_cast<unsigned long long>(gap.first_missing),
              static_cast<unsigned long long>(gap.last_missing));
    return;
  }
  ++counters_.log_gaps_total;
  LOG_WARN(
      "NATS stream %s: messages %llu to %llu were gone before this gateway read them; "
      "subscribers get a gap notice",
      options_.stream.c_str(), static_cast<unsigned long long>(gap.first_missing),
      static_cast<unsigned long long>(gap.last_missing));
  sink_.OnGap(LogPosition(gap.first_missing, 0));
}

void JetStreamLog::AnswerWaitersUpTo(uint64_t stream_seq) {
  while (!awaiting_read_.empty() && awaiting_read_.begin()->first <= stream_seq) {
    std::shared_ptr<PendingAppend> pending = std::move(awaiting_read_.begin()->second);
    awaiting_read_.erase(awaiting_read_.begin());
    Finish(*pending);
  }
  const uint64_t read_through = LogPosition(stream_seq, kEndOfMessage);
  while (!awaiting_locate_.empty() && awaiting_locate_.begin()->first <= read_through) {
    const uint64_t position = awaiting_locate_.begin()->first;
    LocateDone done = std::move(awaiting_locate_.begin()->second.done);
    awaiting_locate_.erase(awaiting_locate_.begin());
    AnswerLocate(position, done);
  }
}

void JetStreamLog::AnswerLocate(uint64_t position, const LocateDone& done) {
  const LogEvent* held = history_.Find(AssignedId(epoch_, position));
  done(held != nullptr && held->seq == position ? std::optional<uint64_t>(position) : std::nullopt);
}

void JetStreamLog::Locate(const std::string& id, LocateDone done) {
  if (const LogEvent* held = history_.Find(id)) return done(held->seq);
  const std::optional<AssignedIdParts> parts = ParseAssignedId(id);
  if (!stream_known_ || !parts || parts->epoch != epoch_) return done(std::nullopt);
  const uint64_t position = parts->position;
  if (StreamSeqOf(position) > delivered_) {
    // Read by the gateway that named it, not yet by this one: answered once it is (an
    // id that names no message yet gives up after publish_timeout).
    awaiting_locate_.emplace(
        position, PendingLocate{std::move(done), Clock::now() + options_.publish_timeout});
    return;
  }
  // Older than the history: resumable while the stream holds it.
  LocateInStream(position, GetMode::kDirect, std::move(done));
}

void JetStreamLog::LocateInStream(uint64_t position, GetMode mode, LocateDone done) {
  connection_->GetMessage(
      options_.stream, StreamSeqOf(position), mode,
      [this, position, mode, done = std::move(done)](NatsResult<StoredMessage> result) mutable {
        if (!result.ok()) {
          // Any replica answers a direct get, but only for a stream that allows it (an
          // operator's may not): then the leader.
          if (mode == GetMode::kDirect && result.error().kind != NatsErrorKind::kNotFound) {
            return LocateInStream(position, GetMode::kLeader, std::move(done));
          }
          return done(std::nullopt);
        }
        const std::optional<std::vector<EventDraft>> drafts = Decode(result.value());
        const uint32_t index = IndexOf(position);
        const bool named_by_the_log =
            drafts && index < drafts->size() && (*drafts)[index].id.empty();
        done(named_by_the_log ? std::optional<uint64_t>(position) : std::nullopt);
      });
}

void JetStreamLog::ReadAfter(uint64_t seq, ReadDone done) {
  const uint64_t stream_seq = StreamSeqOf(seq);
  const uint64_t first =
      IndexOf(seq) == kEndOfMessage ? stream_seq + 1 : std::max<uint64_t>(stream_seq, 1);
  if (!stream_known_ || first > delivered_) {
    LogRead lost;
    lost.lost = true;
    return done(std::move(lost));
  }
  connection_->ReadRange(
      RangeRequest{.stream = options_.stream,
                   .filter_subject = filter_subject_,
                   .first_seq = first,
                   .max_messages = options_.read_messages},
      [this, seq, done = std::move(done)](NatsResult<std::vector<StoredMessage>> result) mutable {
        OnReadRange(seq, std::move(result), std::move(done));
      });
}

void JetStreamLog::OnReadRange(uint64_t after, NatsResult<std::vector<StoredMessage>> result,
                               ReadDone done) {
  LogRead read;
  if (!result.ok()) {
    LOG_WARN("reading the NATS stream %s for a resume: %s", options_.stream.c_str(),
             Describe(result.error()).c_str());
    read.lost = true;
    return done(std::move(read));
  }
  const uint64_t stream_seq = StreamSeqOf(after);
  uint64_t expected = IndexOf(after) == kEndOfMessage ? stream_seq + 1 : stream_seq;
  for (const StoredMessage& message : result.value()) {
    // Only what this gateway committed (and so handed to the workers) before answering.
    if (message.seq() > delivered_) break;
    if (message.seq() != expected) {
      // A hole: report it before the events after it, and never span one.
      if (!read.events.empty()) break;
      read.gap = true;
    }
    expected = message.seq() + 1;
    std::optional<std::vector<EventDraft>> drafts = Decode(message);
    if (!drafts) continue;
    for (uint32_t i = 0; i < drafts->size(); ++i) {
      const uint64_t position = LogPosition(message.seq(), i);
      if (position <= after) continue;
      EventDraft& draft = (*drafts)[i];
      std::string id = draft.id.empty() ? AssignedId(epoch_, position) : draft.id;
      // What reading skipped as read before, as far as the history still tells.
      if (const LogEvent* held = history_.Find(id); held && held->seq < position) continue;
      read.events.push_back(MakeEvent(position, draft, std::move(id)));
    }
    // Enough, or the slice has reached the history (whose events every tail holds).
    if (read.events.size() >= options_.read_events ||
        (!read.events.empty() && read.events.back()->seq >= history_.oldest_seq())) {
      break;
    }
  }
  if (read.events.empty() && !read.gap) read.lost = true;
  done(std::move(read));
}

void JetStreamLog::set_on_ready(std::function<void()> on_ready) {
  if (announced_ready_) {
    on_ready();
    return;
  }
  on_ready_ = std::move(on_ready);
}

void JetStreamLog::UpdateReady() {
  const bool now = stream_known_ && !stream_replaced_ &&
                   connection_->state() == ConnectionState::kConnected &&
                   delivered_ >= warm_target_;
  if (now != ready_.exchange(now, std::memory_order_acq_rel) && on_ready_change_) {
    on_ready_change_(now);
  }
  if (now && !announced_ready_) {
    announced_ready_ = true;
    LOG_INFO("cluster log ready: %zu events in history, stream %s read up to message %llu",
             history_.size(), options_.stream.c_str(), static_cast<unsigned long long>(delivered_));
    if (on_ready_) on_ready_();
  }
}

}  // namespace ssegw::cluster
