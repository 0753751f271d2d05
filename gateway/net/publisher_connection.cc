#include "net/publisher_connection.h"

#include <cerrno>
#include <cstring>

#include "net/log.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::net {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// At most 256 KiB of requests per turn: the events they publish are flushed to the
// clients at the end of the turn, so a burst reaches subscribers in slices well below
// their --stream-buffer instead of queueing megabytes in one turn and tripping the
// slow-consumer rule on healthy streams.
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

void PublisherConnection::ReadAll() {
  char buffer[kReadChunk];
  for (int i = 0; i < kMaxReadsPerTurn && !closed_ && !input_done_; ++i) {
    if (unwritten() > options_.max_unwritten_reply_bytes) break;  // backpressure
    ssize_t n = recv(fd_.get(), buffer, sizeof(buffer), 0);
    if (n > 0) {
      decoder_.Append({buffer, static_cast<size_t>(n)});
      HandleFrames();
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
  if (!closed_) WriteReplies();
}

void PublisherConnection::HandleFrames() {
  while (!input_done_) {
    switch (decoder_.Next(&request_)) {
      case PublishDecoder::Outcome::kNeedMore:
        return;
      case PublishDecoder::Outcome::kFrame: {
        v1::PublishReply reply = hub_.Publish(request_);
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
  bool want_read = !closed_ && !input_done_ && unwritten() <= options_.max_unwritten_reply_bytes;
  bool want_write = !closed_ && unwritten() > 0;
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
  read_added_ = write_added_ = false;
  LOG_INFO("publisher %s: disconnected (%s)", name_.c_str(), why);
  owner_.OnPublisherClosed(this);
}

}  // namespace ssegw::net
