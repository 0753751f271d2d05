// JetStreamLog: the EventLog of a cluster of gateways, kept in one NATS JetStream stream.
//
// Every gateway appends to the stream and reads all of it, in order, so every gateway
// commits the same events at the same positions with the same ids (log_position.h).
//
// Appending. A validated request becomes one stream message (a LogRecord, on the subject
// "ssegw.<stream>.events"), so its events stay together, in order, and are stored or
// not as a whole: JetStream 2.9 has no atomic multi-message append. Events whose
// publisher id the history already holds are answered as duplicates and left out. When
// every event has a publisher id the message carries a Nats-Msg-Id derived from them
// (message_id.h), so the same request sent again within the stream's duplicate window,
// to any gateway, is stored once; JetStream's "duplicate" answer makes every event of
// the request a duplicate. `done` runs once the stream acknowledged the message (stored
// at its replication) and this gateway has read it back and committed it, so the reply
// follows "in history and queued" here as on one node; should reading lag more than
// publish_timeout behind the acknowledgement, `done` runs from the acknowledgement
// alone. Not connected, or no acknowledgement within publish_timeout: kUnavailable
// (after a timeout the message may still be stored, whole; a retry with the same ids is
// deduplicated). More than kMaxEventsPerMessage events: kInvalidArgument; a record over
// the server's max_payload: kTooLarge. A publisher id of this stream's assigned-id form
// is refused (kInvalidArgument): those ids are the log's own.
//
// Reading. An ordered consumer reads the stream from the warm-up start (warm_start.h)
// on, across reconnects, from the last message read + 1. Each message is decoded once,
// checked with ValidateBatch (anything can write to the stream; a record that fails is
// skipped and logged), encoded once, and its events committed to the history (the tail,
// capped like --history / --history-bytes) and to the sink, in order. An event whose id
// the history already holds is not committed again (a publisher id re-sent in another
// request reaches subscribers once; identically on gateways whose histories hold the
// same events). A jump in stream sequences (messages removed by the stream's limits or
// an operator before this gateway read them) is counted in log_gaps_total and given to
// the sink's OnGap; a jump before the first message read (the warm-up) is not a loss.
//
// Resuming. Locate: an id in the history has its seq. An assigned id of this stream
// that is older than the history is looked up in the stream (one get) and, when the
// stream still holds it, resumes from there: ReadAfter reads the stream from that
// position (a short-lived consumer that starts at it, never a scan), a slice at a time,
// and reports a jump as a gap. An assigned id this gateway has not read yet is answered
// once it has (or nullopt after publish_timeout). Anything else: nullopt (a gap notice).
//
// Readiness. ready() once connected, the stream found (created when missing, with limits
// from the history caps, the given replicas and a 2-minute duplicate window; an existing
// stream is never changed, only compared) and the warm-up read up to the stream's last
// message as it was then; false while disconnected, and for good if the stream was
// deleted and created again (a restart is needed). set_on_ready runs once, the first
// time. Tick drives the periodic work: looking the stream up again, its info for
// log_lag, and the publish_timeout bounds.
//
// Threading: everything runs on the owner thread, the one `post` runs closures on (the
// log owner's loop); ready() and ack_latency() may be read from any thread. Destroy on
// the owner thread, before whatever `post` posts to; appends not answered by then are
// dropped (their publishers are going too).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/nats_connection.h"
#include "cluster/ordered_subscription.h"
#include "cluster/stored_message.h"
#include "core/counters.h"
#include "core/event_log.h"
#include "core/history.h"
#include "core/latency_histogram.h"

namespace ssegw::cluster {

struct JetStreamLogOptions {
  NatsConnectionOptions connection;
  std::string stream = "SSEGW";
  int replicas = 1;  // when the gateway creates the stream
  size_t history_events = 10000;
  size_t history_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds publish_timeout{2000};
  // The ordered consumer's idle heartbeat: two missed ones and it is made again.
  std::chrono::milliseconds heartbeat{2000};
  std::chrono::milliseconds info_interval{1000};  // stream info, for log_lag
  int read_messages = 64;                         // stream messages per ReadAfter, at most
  size_t read_events = 4096;                      // events per ReadAfter, about
};

class JetStreamLog final : public EventLog {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts connecting at once; fails only on unusable options (no URL, unreadable creds
  // or CA file, a bad stream name). `sink` and `counters` (log_gaps_total, log_lag,
  // nats_connected, the published/duplicate totals and history gauges) must outlive the
  // log; `post` must stay callable until the destructor returns.
  static NatsResult<std::unique_ptr<JetStreamLog>> Start(JetStreamLogOptions options, Post post,
                                                         CommitSink& sink,
                                                         GatewayCounters& counters);
  ~JetStreamLog() override;
  JetStreamLog(const JetStreamLog&) = delete;
  JetStreamLog& operator=(const JetStreamLog&) = delete;

  // EventLog.
  void Append(std::span<EventDraft> batch, AppendDone done) override;
  void Locate(const std::string& id, LocateDone done) override;
  void ReadAfter(uint64_t seq, ReadDone done) override;
  size_t held_events() const override { return history_.size(); }
  size_t held_bytes() const override { return history_.bytes(); }

  // Call every few hundred milliseconds on the owner thread.
  void Tick(Clock::time_point now);

  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // Runs `on_ready` the first time ready() becomes true (at once if it was already).
  void set_on_ready(std::function<void()> on_ready);
  // Runs `on_change` with the new value whenever ready() changes.
  void set_on_ready_change(std::function<void(bool)> on_change) {
    on_ready_change_ = std::move(on_change);
  }
  // Publish → acknowledgement times.
  const LatencyHistogram& ack_latency() const { return ack_latency_; }
  const std::string& subject() const { return subject_; }

 private:
  struct PendingAppend;
  struct PendingLocate {
    LocateDone done;
    Clock::time_point deadline;
  };

  JetStreamLog(JetStreamLogOptions options, CommitSink& sink, GatewayCounters& counters);

  void OnState(ConnectionState state);
  void EnsureStream();
  void OnStream(NatsResult<StreamDescription> result);
  void OnStreamInfo(NatsResult<StreamDescription> result);
  void OnMessage(StoredMessage message);
  void OnGap(SequenceGap gap);
  void OnAck(const std::shared_ptr<PendingAppend>& pending, NatsResult<PublishAck> ack);
  // The reply of an acknowledged append, from what the history holds.
  void Finish(PendingAppend& pending);
  void AnswerWaitersUpTo(uint64_t stream_seq);
  void AnswerLocate(uint64_t position, const LocateDone& done);
  // Whether the stream holds the log-named event at `position`, with one get.
  void LocateInStream(uint64_t position, GetMode mode, LocateDone done);
  void OnReadRange(uint64_t after, NatsResult<std::vector<StoredMessage>> result, ReadDone done);
  // The events of one stored record, as the reading side commits them (ids assigned,
  // bytes encoded); nullopt for a record that is not valid.
  std::optional<std::vector<EventDraft>> Decode(const StoredMessage& message);
  LogEventPtr MakeEvent(uint64_t position, EventDraft& draft, std::string id);
  void UpdateReady();

  const JetStreamLogOptions options_;
  CommitSink& sink_;
  GatewayCounters& counters_;
  const std::string subject_;         // where records are published
  const std::string filter_subject_;  // what the stream holds: ssegw.<stream>.>
  History history_;
  std::unique_ptr<NatsConnection> connection_;
  std::unique_ptr<OrderedSubscription> subscription_;

  // The stream, once found.
  bool stream_known_ = false;
  bool stream_replaced_ = false;  // deleted and created again under us: never ready again
  int64_t created_at_ns_ = 0;
  std::string epoch_;
  uint64_t warm_target_ = 0;      // the stream's last sequence when reading began
  uint64_t delivered_ = 0;        // the last stream sequence read and committed
  bool read_any_ = false;         // a message was read since the warm-up start
  uint64_t stream_last_seq_ = 0;  // from the latest stream info
  bool ensure_in_flight_ = false;
  bool info_in_flight_ = false;
  Clock::time_point next_info_{};
  std::string last_stream_error_;

  std::multimap<uint64_t, std::shared_ptr<PendingAppend>> awaiting_read_;  // by stream seq
  std::multimap<uint64_t, PendingLocate> awaiting_locate_;                 // by position

  std::atomic<bool> ready_{false};
  bool announced_ready_ = false;
  std::function<void()> on_ready_;
  std::function<void(bool)> on_ready_change_;
  LatencyHistogram ack_latency_;
};

}  // namespace ssegw::cluster
