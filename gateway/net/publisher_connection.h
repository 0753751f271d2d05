// PublisherConnection: one publisher on the publish socket.
//
// Reads varint-delimited PublishRequests (PublishDecoder, capped at --max-frame), maps
// each onto the log's domain types, validates it as a whole (Ingest) and appends it to
// the event log. Appends complete asynchronously (at once for the in-memory log, after
// the replicated log's acknowledgement for a cluster) and in any order; each request
// holds a reply slot, so replies go out in request order, each after its events are
// committed to the log and every worker has queued them to its subscribers. A rejected request
// (non-zero status) is counted and the connection stays open. A framing error gets one reply (seq
// 0, STATUS_TOO_LARGE or STATUS_MALFORMED) after the replies owed, is counted, and the connection
// closes once that reply is written.
//
// Backpressure: nothing more is read while more than `max_unwritten_reply_bytes` of
// replies wait for the publisher to read them, while `max_in_flight` requests await the
// log, or while the gate (the workers being behind) is closed; the owner calls Resume()
// when the gate opens. Nothing blocks and no accepted event is dropped. After the
// publisher half-closes, the replies still owed are written before closing. A publisher
// that has sent part of a frame and then nothing for `stall_timeout_ms` is closed.
//
// Fairness: one loop turn handles at most `max_events_per_turn` events from this
// publisher (checked between requests: a request is always handled as a whole); the
// rest of a backlog stays in the decoder, in order, for the following turns. Requests
// not yet handled when the gateway shuts down get no reply (they were not accepted).
//
// Owned by a PublisherOwner (PublishServer), which frees it after OnPublisherClosed, at
// the end of the turn. The log's answers and the gate's AfterDelivery call back into the
// connection through a plain pointer (no allocation per request), so a closed connection
// reports OnPublisherClosed only once none of those calls is still owed; until then it
// holds no socket. An owner that goes away with the loop stopped may free it earlier:
// nothing runs those calls any more. Single-threaded: lives on the log owner's loop, like
// the log.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/counters.h"
#include "core/event_log.h"
#include "net/event_loop.h"
#include "net/unique_fd.h"
#include "ssegw/internal/ingest.pb.h"
#include "ssegw/v1/ssegw.pb.h"
#include "wire/publish_codec.h"

namespace ssegw::net {

class PublisherConnection;

class PublisherOwner {
 public:
  virtual void OnPublisherClosed(PublisherConnection* publisher) = 0;

 protected:
  ~PublisherOwner() = default;
};

// What the publish edge needs from the log owner: whether it takes more publishing now
// (false while the workers are behind), and when what it committed has reached them.
class PublishGate {
 public:
  virtual bool open() = 0;
  // Events committed so far, and how many of them every worker has fanned out. A result
  // known when committed_mark() was m may be answered once delivered_mark() >= m: the
  // reply then goes after its events are queued to subscribers, so a client that
  // subscribes after the reply does not get them live.
  virtual uint64_t committed_mark() = 0;
  virtual uint64_t delivered_mark() = 0;
  // Runs `fn` (on the log owner's thread) once delivered_mark() reaches committed_mark()
  // as it is now.
  virtual void AfterDelivery(std::function<void()> fn) = 0;

 protected:
  ~PublishGate() = default;
};

struct PublisherOptions {
  size_t max_frame_bytes = 1024 * 1024;
  size_t max_unwritten_reply_bytes = 256 * 1024;
  size_t max_in_flight = 1024;             // requests appended, reply not yet known
  size_t max_events_per_turn = 16 * 1024;  // see "Fairness" above
  uint64_t stall_timeout_ms = 30 * 1000;   // part of a frame, then silence: closed
};

class PublisherConnection {
 public:
  // `name` identifies the publisher in logs ("pid=123 uid=1000").
  PublisherConnection(EventLoop& loop, PublisherOwner& owner, EventLog& log, PublishGate& gate,
                      GatewayCounters& counters, const PublisherOptions& options, UniqueFd fd,
                      std::string name);
  ~PublisherConnection();
  PublisherConnection(const PublisherConnection&) = delete;
  PublisherConnection& operator=(const PublisherConnection&) = delete;

  void Start();
  // The gate has opened: read again if that was what stopped this publisher.
  void Resume();
  // Stops reading; closes once the replies already owed are written (or at once if the
  // socket will not take them now or the log still owes answers).
  void CloseAfterReplies();
  const std::string& name() const { return name_; }

 private:
  // One reply owed, in request order. It is known when the log has answered (or at once
  // for a rejection); the known prefix whose events every worker holds is encoded into
  // the output.
  struct Slot {
    uint64_t seq = 0;   // the request's
    uint64_t mark = 0;  // the gate's committed_mark() when the result became known
    bool known = false;
    PublishResult result;  // what the reply says, unless `encoded` is set
    std::string encoded;   // a reply made here (a framing error)
  };

  static void OnReadEvent(evutil_socket_t, short, void* self);
  static void OnWriteEvent(evutil_socket_t, short, void* self);
  static void OnFlushEvent(evutil_socket_t, short, void* self);
  static void OnResumeEvent(evutil_socket_t, short, void* self);
  static void OnStallTimer(evutil_socket_t, short, void* self);
  void ReadAll();
  // Handles buffered requests until the decoder needs more bytes or this turn's share
  // is used (then frames_pending_ is set).
  void HandleFrames(size_t* events);
  void Append(uint64_t seq);
  // A new slot at the back; returns its number.
  uint64_t AddSlot(uint64_t seq);
  Slot& SlotAt(uint64_t number) { return slots_[number & (slots_.size() - 1)]; }
  size_t owed() const { return static_cast<size_t>(next_slot_ - first_slot_); }
  void OnLogAnswer(uint64_t slot, PublishResult& result);
  void OnDelivered();
  void MoveReadyReplies();
  // Output was added outside a read: written once per loop iteration.
  void ScheduleFlush();
  // Closed, and nothing still owes this connection a call: the owner may free it.
  void ReleaseIfDone();
  void WriteReplies();
  bool CanRead();
  void UpdateInterest();
  void UpdateStallTimer();
  size_t unwritten() const { return out_.size() - out_offset_; }
  void Close(const char* why);

  EventLoop& loop_;
  PublisherOwner& owner_;
  EventLog& log_;
  PublishGate& gate_;
  GatewayCounters& counters_;
  const PublisherOptions& options_;
  UniqueFd fd_;
  std::string name_;
  EventPtr read_event_;
  EventPtr write_event_;
  EventPtr flush_event_;   // replies completed outside a read: one send per iteration
  EventPtr resume_event_;  // zero-delay timer: the next turn's share of a backlog
  EventPtr stall_timer_;
  bool read_added_ = false;
  bool write_added_ = false;
  bool flush_scheduled_ = false;  // flush_event_ is active
  bool resume_added_ = false;
  bool stall_armed_ = false;

  PublishDecoder decoder_;
  internal::IngestRequest request_;  // reused so its storage is recycled
  v1::PublishReply reply_;           // likewise
  std::vector<EventDraft> batch_;    // likewise: its strings trade places with request_'s
  // A ring of the slots first_slot_ .. next_slot_ - 1 (a power of two in size, grown
  // when full), so a steady stream of requests allocates none.
  std::vector<Slot> slots_;
  uint64_t first_slot_ = 0;
  uint64_t next_slot_ = 0;
  size_t log_answers_owed_ = 0;
  bool awaiting_delivery_ = false;  // an AfterDelivery call is owed
  bool released_ = false;           // OnPublisherClosed was called
  std::string out_;                 // out_[out_offset_, size()) are replies not yet written
  size_t out_offset_ = 0;
  bool input_done_ = false;      // EOF, framing error or shutdown: read nothing more
  bool frames_pending_ = false;  // the decoder may hold complete requests not yet handled
  bool reading_ = false;         // inside ReadAll: replies are written when it ends
  bool closed_ = false;
};

}  // namespace ssegw::net
