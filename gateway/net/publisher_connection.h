// PublisherConnection: one publisher on the publish socket.
//
// Reads varint-delimited PublishRequests (PublishDecoder, capped at --max-frame), hands
// each to the hub and queues the hub's reply, so replies go out in request order and
// only after the request's events are in history and queued to subscribers. A rejected
// request (non-zero status) is counted and the connection stays open. A framing error
// gets one reply (seq 0, STATUS_TOO_LARGE or STATUS_MALFORMED), is counted, and the
// connection closes once that reply is written.
//
// Backpressure: while more than `max_unwritten_reply_bytes` of replies wait for the
// publisher to read them, nothing more is read from it. Nothing blocks and no accepted
// event is dropped. After the publisher half-closes, the replies still owed are written
// before closing.
//
// Fairness: one loop turn handles requests from this publisher only until their fan-out
// work (events accepted plus deliveries queued to streams) reaches
// `max_fanout_per_turn`; the rest of a backlog stays in the decoder, in order, and is
// handled in the following turns, each after the clients' output of the previous one
// has been flushed. The bound is checked between requests: one request is always
// handled as a whole. Requests not yet handled when the gateway shuts down get no
// reply (they were not accepted).
//
// Owned by a PublisherOwner (PublishServer), which frees it after OnPublisherClosed, at
// the end of the turn. Single-threaded.
#pragma once

#include <sys/socket.h>

#include <string>

#include "core/counters.h"
#include "core/hub.h"
#include "core/publish_codec.h"
#include "net/event_loop.h"
#include "net/unique_fd.h"

namespace ssegw::net {

class PublisherConnection;

class PublisherOwner {
 public:
  virtual void OnPublisherClosed(PublisherConnection* publisher) = 0;

 protected:
  ~PublisherOwner() = default;
};

struct PublisherOptions {
  size_t max_frame_bytes = 1024 * 1024;
  size_t max_unwritten_reply_bytes = 256 * 1024;
  // Fan-out work (events + deliveries) one turn takes from this publisher; see above.
  size_t max_fanout_per_turn = 256 * 1024;
};

class PublisherConnection {
 public:
  // `name` identifies the publisher in logs ("pid=123 uid=1000").
  PublisherConnection(EventLoop& loop, PublisherOwner& owner, Hub& hub, GatewayCounters& counters,
                      const PublisherOptions& options, UniqueFd fd, std::string name);
  ~PublisherConnection();
  PublisherConnection(const PublisherConnection&) = delete;
  PublisherConnection& operator=(const PublisherConnection&) = delete;

  void Start();
  // Stops reading; closes once the replies already owed are written (or at once if the
  // socket will not take them now).
  void CloseAfterReplies();
  const std::string& name() const { return name_; }

 private:
  static void OnReadEvent(evutil_socket_t, short, void* self);
  static void OnWriteEvent(evutil_socket_t, short, void* self);
  static void OnResumeEvent(evutil_socket_t, short, void* self);
  void ReadAll();
  // Handles buffered requests until the decoder needs more bytes or `*work` reaches the
  // turn's bound (then frames_pending_ is set).
  void HandleFrames(size_t* work);
  void WriteReplies();
  void UpdateInterest();
  size_t unwritten() const { return out_.size() - out_offset_; }
  void Close(const char* why);

  EventLoop& loop_;
  PublisherOwner& owner_;
  Hub& hub_;
  GatewayCounters& counters_;
  const PublisherOptions& options_;
  UniqueFd fd_;
  std::string name_;
  EventPtr read_event_;
  EventPtr write_event_;
  EventPtr resume_event_;  // zero-delay timer: the next turn's share of a backlog
  bool read_added_ = false;
  bool write_added_ = false;
  bool resume_added_ = false;

  PublishDecoder decoder_;
  internal::IngestRequest request_;  // reused so its storage is recycled
  std::string out_;                  // out_[out_offset_, size()) are replies not yet written
  size_t out_offset_ = 0;
  bool input_done_ = false;      // EOF, framing error or shutdown: read nothing more
  bool frames_pending_ = false;  // the decoder may hold complete requests not yet handled
  bool closed_ = false;
};

}  // namespace ssegw::net
