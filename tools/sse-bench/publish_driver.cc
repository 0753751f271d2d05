#include "publish_driver.h"

#include <event2/event.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "payload.h"
#include "publish_schedule.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssebench {

namespace {

// Output not yet taken by the socket beyond which no new events are made.
constexpr size_t kMaxUnsentBytes = 8 << 20;
// While publishing has stopped: how often to look whether every reply is in.
constexpr uint64_t kDrainPollNs = 1'000'000;
// A reply larger than this is not a reply: the stream is out of step.
constexpr uint64_t kMaxReplyBytes = 1 << 20;

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Decodes a varint at data[*pos, size); false when more bytes are needed or it is
// longer than 10 bytes (then *malformed is set).
bool ReadVarint(const std::string& data, size_t* pos, uint64_t* value, bool* malformed) {
  uint64_t result = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (*pos + i >= data.size()) return false;
    const auto byte = static_cast<uint8_t>(data[*pos + i]);
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *pos += i + 1;
      *value = result;
      return true;
    }
  }
  *malformed = true;
  return false;
}

}  // namespace

PublishDriver::PublishDriver(PublishConfig config)
    : config_(std::move(config)), accepted_per_topic_(config_.topics.size(), 0) {}

PublishDriver::~PublishDriver() {
  StopPublishing();
  Join();
  if (fd_ >= 0) close(fd_);
}

bool PublishDriver::Connect(std::string* error) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (config_.socket_path.size() >= sizeof address.sun_path) {
    *error = "--socket: path too long";
    return false;
  }
  std::memcpy(address.sun_path, config_.socket_path.data(), config_.socket_path.size());
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    *error =
        "cannot connect to the publish socket " + config_.socket_path + ": " + std::strerror(errno);
    return false;
  }
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  return true;
}

void PublishDriver::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PublishDriver::Join() {
  if (thread_.joinable()) thread_.join();
}

void PublishDriver::OnTimer(int, short, void* self) {
  static_cast<PublishDriver*>(self)->Tick();
}

void PublishDriver::OnSocket(int, short what, void* self) {
  auto* driver = static_cast<PublishDriver*>(self);
  if (what & EV_READ) driver->ReadReplies();
  if ((what & EV_WRITE) && !driver->dead_) {
    driver->write_pending_ = false;
    driver->WriteSome();
  }
}

void PublishDriver::Run() {
  // libevent's default clock is the coarse one, whose steps (a kernel tick, often 4 ms)
  // would move every wake-up, and so every event's departure, by up to a step.
  event_config* config = event_config_new();
  event_config_set_flag(config, EVENT_BASE_FLAG_PRECISE_TIMER);
  base_ = event_base_new_with_config(config);
  event_config_free(config);
  timer_ = evtimer_new(base_, OnTimer, this);  // armed again by every Tick
  read_event_ = event_new(base_, fd_, EV_READ | EV_PERSIST, OnSocket, this);
  write_event_ = event_new(base_, fd_, EV_WRITE, OnSocket, this);
  start_ns_ = MonotonicNs();
  event_add(read_event_, nullptr);
  Tick();
  event_base_dispatch(base_);

  // Requests still unanswered when the loop ended will never be answered now.
  if (!in_flight_.empty()) {
    counters_.errors.Add(in_flight_.size());
    NoteError(std::to_string(in_flight_.size()) + " publish requests got no reply");
  }
  event_free(timer_);
  event_free(read_event_);
  event_free(write_event_);
  event_base_free(base_);
  finished_.store(true, std::memory_order_release);
}

void PublishDriver::Tick() {
  const uint64_t now = MonotonicNs();
  if (dead_) {
    event_base_loopbreak(base_);
    return;
  }
  if (stop_.load(std::memory_order_relaxed)) {
    if (stop_deadline_ns_ == 0) {
      stop_deadline_ns_ = now + static_cast<uint64_t>(config_.drain.count()) * 1'000'000;
    }
    if (in_flight_.empty() || now >= stop_deadline_ns_) {
      event_base_loopbreak(base_);
    } else {
      WakeAfter(kDrainPollNs);
    }
    return;
  }
  SendDue(now);
  WakeAfter(WakeDelayNs(MonotonicNs() - start_ns_, next_event_, config_.rate));
}

void PublishDriver::WakeAfter(uint64_t delay_ns) {
  const timeval delay = {static_cast<time_t>(delay_ns / 1'000'000'000),
                         static_cast<suseconds_t>(delay_ns % 1'000'000'000 / 1'000)};
  event_add(timer_, &delay);
}

void PublishDriver::SendDue(uint64_t now_ns) {
  const uint64_t due = EventsDue(now_ns - start_ns_, config_.rate);
  while (next_event_ < due && output_.size() - output_offset_ < kMaxUnsentBytes) {
    const auto events = static_cast<uint32_t>(std::min<uint64_t>(due - next_event_, config_.batch));
    AppendRequest(next_event_, events, now_ns);
    next_event_ += events;
  }
  WriteSome();
}

void PublishDriver::AppendRequest(uint64_t first_event, uint32_t events, uint64_t stamp_ns) {
  ssegw::v1::PublishRequest request;
  request.set_seq(next_seq_);
  const size_t topic_count = config_.topics.size();
  for (uint32_t i = 0; i < events; ++i) {
    ssegw::v1::Event* event = request.add_events();
    event->add_topics(config_.topics[(first_event + i) % topic_count]);
    FormatPayload(stamp_ns, config_.payload_bytes, &payload_);
    event->set_data(payload_);
  }
  const size_t size = request.ByteSizeLong();
  AppendVarint(size, &output_);
  const size_t at = output_.size();
  output_.resize(at + size);
  request.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(output_.data() + at));
  in_flight_.push_back({next_seq_, first_event, events});
  ++next_seq_;
  counters_.requests_sent.Add();
  counters_.events_sent.Add(events);
}

void PublishDriver::WriteSome() {
  while (output_offset_ < output_.size()) {
    const ssize_t n =
        send(fd_, output_.data() + output_offset_, output_.size() - output_offset_, MSG_NOSIGNAL);
    if (n > 0) {
      output_offset_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!write_pending_) {
        write_pending_ = true;
        event_add(write_event_, nullptr);
      }
      return;
    }
    if (n < 0 && errno == EINTR) continue;
    return Fail(std::string("publish socket write failed: ") + std::strerror(errno));
  }
  output_.clear();
  output_offset_ = 0;
}

void PublishDriver::ReadReplies() {
  char buffer[64 * 1024];
  while (!dead_) {
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      input_.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Fail("the gateway closed the publish connection");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return Fail(std::string("publish socket read failed: ") + std::strerror(errno));
    }
    break;
  }
  if (!ParseReplies()) return;
  if (stop_deadline_ns_ != 0 && in_flight_.empty()) event_base_loopbreak(base_);
}

bool PublishDriver::ParseReplies() {
  size_t pos = 0;
  ssegw::v1::PublishReply reply;
  while (true) {
    size_t body = pos;
    uint64_t length = 0;
    bool malformed = false;
    if (!ReadVarint(input_, &body, &length, &malformed)) {
      if (malformed) {
        Fail("the gateway sent a malformed reply length");
        return false;
      }
      break;
    }
    if (length > kMaxReplyBytes) {
      Fail("the gateway sent an oversized reply");
      return false;
    }
    if (input_.size() - body < length) break;
    if (!reply.ParseFromArray(input_.data() + body, static_cast<int>(length))) {
      Fail("the gateway sent a reply that does not parse");
      return false;
    }
    pos = body + length;
    counters_.replies.Add();
    if (in_flight_.empty() || in_flight_.front().seq != reply.seq()) {
      Fail("reply seq " + std::to_string(reply.seq()) + " does not match the oldest request (" +
           reply.error() + ")");
      return false;
    }
    const InFlight request = in_flight_.front();
    in_flight_.pop_front();
    if (reply.status() == ssegw::v1::STATUS_OK) {
      counters_.events_accepted.Add(request.events);
      for (uint32_t i = 0; i < request.events; ++i) {
        ++accepted_per_topic_[(request.first_event + i) % accepted_per_topic_.size()];
      }
    } else {
      counters_.events_rejected.Add(request.events);
      counters_.errors.Add();
      NoteError("publish rejected (status " + std::to_string(reply.status()) +
                "): " + reply.error());
    }
  }
  input_.erase(0, pos);
  return true;
}

void PublishDriver::Fail(std::string reason) {
  if (dead_) return;
  dead_ = true;
  counters_.errors.Add();
  NoteError(std::move(reason));
  event_del(read_event_);
  event_del(write_event_);
  event_base_loopbreak(base_);
}

void PublishDriver::NoteError(std::string message) {
  if (first_error_.empty()) first_error_ = std::move(message);
}

}  // namespace ssebench
