#include "net/publisher_connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/ingest.h"
#include "net/log.h"
#include "ssegw/v1/ssegw.pb.h"
#include "wire/publish_wire.h"

namespace ssegw::net {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// At most 256 KiB of requests read per turn, so one publisher shares the loop with the
// others and with the log's own work.
constexpr int kMaxReadsPerTurn = 4;

timeval ToTimeval(uint64_t ms) {
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

}  // namespace

PublisherConnection::PublisherConnection(EventLoop& loop, PublisherOwner& owner, EventLog& log,
                                         PublishGate& gate, GatewayCounters& counters,
                                         const PublisherOptions& options, UniqueFd fd,
                                         std::string name)
    : loop_(loop),
      owner_(owner),
      log_(log),
      gate_(gate),
      counters_(counters),
      options_(options),
      fd_(std::move(fd)),
      name_(std::move(name)),
      decoder_(options.max_frame_bytes) {
  read_event_.reset(event_new(loop_.base(), fd_.get(), EV_READ | EV_PERSIST,
                              &PublisherConnection::OnReadEvent, this));
  write_event_.reset(event_new(loop_.base(), fd_.get(), EV_WRITE | EV_PERSIST,
                               &PublisherConnection::OnWriteEvent, this));
  // Activated, not polled: runs in this loop iteration, after the callbacks already due,
  // so every reply completed by one batch of log results goes out in one send.
  flush_event_.reset(event_new(loop_.base(), -1, 0, &PublisherConnection::OnFlushEvent, this));
  // A timer, not event_active: a zero timeout fires in the next loop iteration, after
  // the turn-end work and a poll for socket readiness.
  resume_event_.reset(evtimer_new(loop_.base(), &PublisherConnection::OnResumeEvent, this));
  stall_timer_.reset(evtimer_new(loop_.base(), &PublisherConnection::OnStallTimer, this));
}

PublisherConnection::~PublisherConnection() = default;

void PublisherConnection::Start() {
  UpdateInterest();
}

void PublisherConnection::Resume() {
  if (closed_) return;
  UpdateInterest();
}

void PublisherConnection::OnReadEvent(evutil_socket_t, short, void* self) {
  static_cast<PublisherConnection*>(self)->ReadAll();
}

void PublisherConnection::OnWriteEvent(evutil_socket_t, short, void* self) {
  static_cast<PublisherConnection*>(self)->WriteReplies();
}

void PublisherConnection::OnFlushEvent(evutil_socket_t, short, void* self) {
  auto* publisher = static_cast<PublisherConnection*>(self);
  publisher->flush_scheduled_ = false;
  publisher->WriteReplies();
}

void PublisherConnection::OnResumeEvent(evutil_socket_t, short, void* self) {
  auto* publisher = static_cast<PublisherConnection*>(self);
  publisher->resume_added_ = false;
  publisher->ReadAll();
}

void PublisherConnection::OnStallTimer(evutil_socket_t, short, void* self) {
  auto* publisher = static_cast<PublisherConnection*>(self);
  publisher->stall_armed_ = false;
  LOG_WARN("publisher %s: sent %zu bytes of a frame, then nothing for %llu ms; closing",
           publisher->name_.c_str(), publisher->decoder_.buffered_bytes(),
           static_cast<unsigned long long>(publisher->options_.stall_timeout_ms));
  publisher->CloseAfterReplies();
}

bool PublisherConnection::CanRead() {
  return !closed_ && !input_done_ && unwritten() <= options_.max_unwritten_reply_bytes &&
         owed() < options_.max_in_flight && gate_.open();
}

void PublisherConnection::ReadAll() {
  reading_ = true;
  size_t events = 0;
  // Requests left over from the previous turn go first: nothing new is read (and so
  // nothing can overtake them) while the decoder may still hold complete ones.
  if (frames_pending_) HandleFrames(&events);
  char buffer[kReadChunk];
  bool got_bytes = false;
  for (int i = 0; i < kMaxReadsPerTurn && !frames_pending_ && CanRead(); ++i) {
    ssize_t n = recv(fd_.get(), buffer, sizeof(buffer), 0);
    if (n > 0) {
      got_bytes = true;
      decoder_.Append({buffer, static_cast<size_t>(n)});
      HandleFrames(&events);
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
    reading_ = false;
    Close("read error");
    return;
  }
  reading_ = false;
  if (closed_) return;
  // Silence is measured from the last bytes that arrived.
  if (got_bytes && stall_armed_) {
    event_del(stall_timer_.get());
    stall_armed_ = false;
  }
  WriteReplies();  // also schedules the rest of a backlog (UpdateInterest)
}

void PublisherConnection::HandleFrames(size_t* events) {
  frames_pending_ = false;
  while (!input_done_) {
    if (*events >= options_.max_events_per_turn || !CanRead()) {
      frames_pending_ = true;
      return;
    }
    switch (decoder_.Next(&request_)) {
      case PublishDecoder::Outcome::kNeedMore:
        return;
      case PublishDecoder::Outcome::kFrame:
        *events += static_cast<size_t>(request_.events_size());
        Append(request_.seq());
        break;
      case PublishDecoder::Outcome::kError: {
        Error error = decoder_.error();
        v1::PublishReply reply;
        reply.set_seq(0);
        reply.set_status(error == Error::kFrameTooLarge ? v1::STATUS_TOO_LARGE
                                                        : v1::STATUS_MALFORMED);
        reply.set_error(std::string(Describe(error)));
        Slot& slot = SlotAt(AddSlot(0));
        AppendDelimited(reply, &slot.encoded);
        slot.known = true;
        MoveReadyReplies();
        ++counters_.publish_errors_total;
        LOG_WARN("publisher %s: bad frame (%s); closing after the error reply", name_.c_str(),
                 reply.error().c_str());
        input_done_ = true;
        return;
      }
    }
  }
}

void PublisherConnection::Append(uint64_t seq) {
  wire::DraftsFrom(&request_, &batch_);
  const uint64_t number = AddSlot(seq);
  if (std::optional<IngestError> invalid = ValidateBatch(&batch_)) {
    ++counters_.publish_errors_total;
    Slot& slot = SlotAt(number);
    slot.result.status = PublishStatus::kInvalidArgument;
    slot.result.error = Describe(*invalid);
    slot.known = true;  // nothing committed: no delivery to wait for (mark 0)
    LOG_DEBUG("publisher %s: request seq %llu rejected: %s", name_.c_str(),
              static_cast<unsigned long long>(seq), slot.result.error.c_str());
    MoveReadyReplies();
    return;
  }
  ++log_answers_owed_;
  // Two words: std::function keeps them in place, so no allocation per request. The
  // connection outlives the call (see the header).
  log_.Append(batch_, [this, number](PublishResult&& result) { OnLogAnswer(number, result); });
}

uint64_t PublisherConnection::AddSlot(uint64_t seq) {
  if (owed() == slots_.size()) {
    std::vector<Slot> grown(std::max<size_t>(16, slots_.size() * 2));
    for (uint64_t n = first_slot_; n != next_slot_; ++n) {
      grown[n & (grown.size() - 1)] = std::move(SlotAt(n));
    }
    slots_.swap(grown);
  }
  Slot& slot = SlotAt(next_slot_);
  slot.seq = seq;
  slot.mark = 0;
  slot.known = false;
  return next_slot_++;
}

void PublisherConnection::OnLogAnswer(uint64_t number, PublishResult& result) {
  --log_answers_owed_;
  if (closed_) {
    ReleaseIfDone();
    return;
  }
  if (result.status != PublishStatus::kOk) ++counters_.publish_errors_total;
  Slot& slot = SlotAt(number);
  // Swapped, not moved: the log gets back the slot's emptied id list, so a steady
  // publisher's replies reuse the same few lists.
  slot.result.status = result.status;
  slot.result.ids.swap(result.ids);
  slot.result.duplicates = result.duplicates;
  slot.result.error.swap(result.error);
  slot.mark = gate_.committed_mark();
  slot.known = true;
  MoveReadyReplies();
}

void PublisherConnection::OnDelivered() {
  awaiting_delivery_ = false;
  if (closed_) {
    ReleaseIfDone();
    return;
  }
  MoveReadyReplies();
}

void PublisherConnection::MoveReadyReplies() {
  const size_t before = out_.size();
  uint64_t delivered = 0;
  bool delivered_read = false;
  while (first_slot_ != next_slot_) {
    Slot& slot = SlotAt(first_slot_);
    if (!slot.known) break;
    if (slot.mark > delivered && !delivered_read) {
      delivered = gate_.delivered_mark();
      delivered_read = true;
    }
    if (slot.mark > delivered) {
      // One call owed at a time: when it comes, every slot known by now is deliverable.
      if (!awaiting_delivery_) {
        awaiting_delivery_ = true;
        gate_.AfterDelivery([this] { OnDelivered(); });
      }
      break;
    }
    if (!slot.encoded.empty()) {
      out_.append(slot.encoded);
      slot.encoded.clear();
    } else {
      wire::FillReply(slot.seq, &slot.result, &reply_);
      AppendDelimited(reply_, &out_);
      slot.result.ids.clear();  // keeps its storage for a later answer (OnLogAnswer)
      slot.result.error.clear();
    }
    ++first_slot_;
  }
  if (out_.size() != before) ScheduleFlush();
}

void PublisherConnection::ScheduleFlush() {
  // Replies known inside a read are written once, when it ends; those known later (the
  // log or the workers answer asynchronously) once per loop iteration, not one send each.
  if (!reading_ && !closed_ && unwritten() > 0 && !write_added_ && !flush_scheduled_) {
    flush_scheduled_ = true;
    event_active(flush_event_.get(), 0, 0);
  }
}

void PublisherConnection::WriteReplies() {
  if (closed_) return;
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
    if (input_done_ && owed() == 0) {
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
  const bool can_read = CanRead();
  // With a backlog in the decoder, the timer alone brings the next turn's share (the
  // read event too would hand out a second share in the same turn).
  bool want_resume = can_read && frames_pending_;
  bool want_read = can_read && !frames_pending_;
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
  UpdateStallTimer();
}

void PublisherConnection::UpdateStallTimer() {
  // Only while we are waiting for the rest of a frame: a publisher we have stopped
  // reading is not stalling.
  const bool want = read_added_ && decoder_.buffered_bytes() > 0 && options_.stall_timeout_ms > 0;
  if (want == stall_armed_) return;
  if (want) {
    const timeval timeout = ToTimeval(options_.stall_timeout_ms);
    event_add(stall_timer_.get(), &timeout);
  } else {
    event_del(stall_timer_.get());
  }
  stall_armed_ = want;
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
  event_del(stall_timer_.get());
  event_del(flush_event_.get());
  read_added_ = write_added_ = resume_added_ = stall_armed_ = flush_scheduled_ = false;
  fd_.Reset();
  LOG_INFO("publisher %s: disconnected (%s)", name_.c_str(), why);
  ReleaseIfDone();
}

void PublisherConnection::ReleaseIfDone() {
  if (released_ || !closed_ || log_answers_owed_ > 0 || awaiting_delivery_) return;
  released_ = true;
  owner_.OnPublisherClosed(this);
}

}  // namespace ssegw::net
