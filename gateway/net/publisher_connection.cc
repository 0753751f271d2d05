#include "net/publisher_connection.h"

#include <cerrno>
#include <cstring>

#include "net/log.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::net {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// At most 256 KiB of requests read per turn, whatever their fan-out, so a publisher with
// few subscribers still shares the loop. Fan-out work is bounded separately
// (max_fanout_per_turn): 256 KiB of 100-byte events to 10,000 streams would otherwise be
// ~20 million deliveries queued before the turn's flush writes any of them.
constexpr int kMaxReadsPerTurn = 4;

}  // namespace

PublisherConnection::PublisherConnection(EventLoop& loop, PublisherOwner& owner, Hub& hub,
                                         GatewayCounters& counters, const PublisherOptions& options,
                                         UniqueFd fd, std::string name)
    : loop_(loop),
      owner_(owner),
      hub_(hub),
      counters_(counters),
      options_(options),
      fd_(std::move(fd)),
      name_(std::move(name)),
      decoder_(options.max_frame_bytes) {
  read_event_.reset(event_new(loop_.base(), fd_.get(), EV_READ | EV_PERSIST,
                              &PublisherConnection::OnReadEvent, this));
  write_event_.reset(event_new(loop_.base(), fd_.get(), EV_WRITE | EV_PERSIST,
                               &PublisherConnection::OnWriteEvent, this));
  // A timer, not event_active: a zero timeout fires in the next loop iteration, after
  // the turn-end flush and a poll for socket readiness, so blocked connections get
  // their write events between two slices of a backlog.
  resume_event_.reset(evtimer_new(loop_.base(), &PublisherConnection::OnResumeEvent, this));
}

PublisherConnection::~PublisherConnection() = default;

void PublisherConnection::Start() {
  UpdateInterest();
}

void PublisherConnection::OnReadEvent(evutil_socket_t, short, void* self) {
  static_cast<PublisherConnection*>(self)->ReadAll();
}

void PublisherConnection::OnWriteEvent(evutil_socket_t, short, void* self) {
  static_cast<PublisherConnection*>(self)->WriteReplies();
}

void PublisherConnection::OnResumeEvent(evutil_socket_t, short, void* self) {
  auto* publisher = static_cast<PublisherConnection*>(self);
  publisher->resume_added_ = false;
  publisher->ReadAll();
}

void PublisherConnection::ReadAll() {
  size_t work = 0;
  // Requests left over from the previous turn go first: nothing new is read (and so
  // nothing can overtake them) while the decoder may still hold complete ones.
  if (frames_pending_) HandleFrames(&work);
  char buffer[kReadChunk];
  for (int i = 0; i < kMaxReadsPerTurn && !closed_ && !input_done_ && !frames_pending_; ++i) {
    if (unwritten() > options_.max_unwritten_reply_bytes) break;  // backpressure
    ssize_t n = recv(fd_.get(), buffer, sizeof(buffer), 0);
    if (n > 0) {
      decoder_.Append({buffer, static_cast<size_t>(n)});
      HandleFrames(&work);
      continue;
    }
    if (n == 0) {
      if (decoder_.buffered_bytes() > 0) {
        LOG_WARN("publisher %s: closed in the middle of a frame (%zu bytes dropped)", name_.c_str(),
                 decoder_.buffered_bytes());
      }
      input_done_ = true;  // half-closed: the replies owed still go out
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    LOG_INFO("publisher %s: read failed: %s", name_.c_str(), strerror(errno));
    Close("read error");
    return;
  }
  if (!closed_) WriteReplies();  // also schedules the rest of a backlog (UpdateInterest)
}

void PublisherConnection::HandleFrames(size_t* work) {
  frames_pending_ = false;
  while (!input_done_) {
    if (*work >= options_.max_fanout_per_turn || unwritten() > options_.max_unwritten_reply_bytes) {
      frames_pending_ = true;
      return;
    }
    switch (decoder_.Next(&request_)) {
      case PublishDecoder::Outcome::kNeedMore:
        return;
      case PublishDecoder::Outcome::kFrame: {
        // Each event counts as well as each delivery, so requests nobody subscribes to
        // are bounded too.
        size_t deliveries = 0;
        v1::PublishReply reply = hub_.Publish(request_, &deliveries);
        *work += static_cast<size_t>(request_.events_size()) + deliveries;
        if (reply.status() != v1::STATUS_OK) {
          ++counters_.publish_errors_total;
          LOG_DEBUG("publisher %s: request seq %llu rejected: %s", name_.c_str(),
                    static_cast<unsigned long long>(reply.seq()), reply.error().c_str());
        }
        AppendDelimited(reply, &out_);
        break;
      }
      case PublishDecoder::Outcome::kError: {
        Error error = decoder_.error();
        v1::PublishReply reply;
        reply.set_seq(0);
        reply.set_status(error == Error::kFrameTooLarge ? v1::STATUS_TOO_LARGE
                                                        : v1::STATUS_MALFORMED);
        reply.set_error(std::string(Describe(error)));
        AppendDelimited(reply, &out_);
        ++counters_.publish_errors_total;
        LOG_WARN("publisher %s: bad frame (%s); closing after the error reply", name_.c_str(),
                 reply.error().c_str());
        input_done_ = true;
        return;
      }
    }
  }
}

void PublisherConnection::WriteReplies() {
  while (unwritten() > 0) {
    ssize_t n = send(fd_.get(), out_.data() + out_offset_, unwritten(), MSG_NOSIGNAL);
    if (n > 0) {
      out_offset_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    LOG_INFO("publisher %s: write failed: %s", name_.c_str(),
             n < 0 ? strerror(errno) : "no progress");
    Close("write error");
    return;
  }
  if (unwritten() == 0) {
    out_.clear();
    out_offset_ = 0;
    if (input_done_) {
      Close("done");
      return;
    }
  } else if (out_offset_ > out_.size() / 2) {
    out_.erase(0, out_offset_);  // keep the buffer from growing with written bytes
    out_offset_ = 0;
  }
  UpdateInterest();
}

void PublisherConnection::UpdateInterest() {
  const bool can_take =
      !closed_ && !input_done_ && unwritten() <= options_.max_unwritten_reply_bytes;
  // With a backlog in the decoder, the timer alone brings the next turn's share (the
  // read event too would hand out a second share in the same turn).
  bool want_resume = can_take && frames_pending_;
  bool want_read = can_take && !frames_pending_;
  bool want_write = !closed_ && unwritten() > 0;
  if (want_resume != resume_added_) {
    if (want_resume) {
      const timeval now = {0, 0};
      event_add(resume_event_.get(), &now);
    } else {
      event_del(resume_event_.get());
    }
    resume_added_ = want_resume;
  }
  if (want_read != read_added_) {
    if (want_read) {
      event_add(read_event_.get(), nullptr);
    } else {
      event_del(read_event_.get());
    }
    read_added_ = want_read;
  }
  if (want_write != write_added_) {
    if (want_write) {
      event_add(write_event_.get(), nullptr);
    } else {
      event_del(write_event_.get());
    }
    write_added_ = want_write;
  }
}

void PublisherConnection::CloseAfterReplies() {
  if (closed_) return;
  input_done_ = true;
  WriteReplies();
  if (!closed_) Close("shutting down");
}

void PublisherConnection::Close(const char* why) {
  if (closed_) return;
  closed_ = true;
  event_del(read_event_.get());
  event_del(write_event_.get());
  event_del(resume_event_.get());
  read_added_ = write_added_ = resume_added_ = false;
  LOG_INFO("publisher %s: disconnected (%s)", name_.c_str(), why);
  owner_.OnPublisherClosed(this);
}

}  // namespace ssegw::net
