#include "net/connection.h"

#include <utility>

#include "net/heap_trimmer.h"
#include "net/log.h"
#include "net/protocol_detect.h"

namespace ssegw::net {
namespace {

// One TLS record's worth: SSL_read never returns more than that at once.
constexpr size_t kReadChunk = 16 * 1024;
// Read at most this much per turn, so one busy peer cannot starve the others.
constexpr size_t kReadBudgetPerTurn = 256 * 1024;
// The output buffer is kept while the connection writes at least this often: regrowing it
// from empty on each turn cost ~4% of the instructions per delivery under fan-out.
constexpr uint64_t kKeepOutputMs = 1000;
const size_t kInlineCapacity = std::string().capacity();
}  // namespace

Connection::Connection(EventLoop& loop, ConnectionOwner& owner, http::SessionEnvironment& env,
                       const ConnectionOptions& options, std::unique_ptr<Transport> transport,
                       std::string peer)
    : loop_(loop),
      owner_(owner),
      env_(env),
      options_(options),
      transport_(std::move(transport)),
      peer_(std::move(peer)) {
  read_event_.reset(event_new(loop_.base(), transport_->fd(), EV_READ | EV_PERSIST,
                              &Connection::OnReadEvent, this));
  write_event_.reset(event_new(loop_.base(), transport_->fd(), EV_WRITE | EV_PERSIST,
                               &Connection::OnWriteEvent, this));
}

// Members go in reverse order: the session (unsubscribing its streams) before the
// transport closes the socket; the events are freed first so no callback can fire.
Connection::~Connection() = default;

void Connection::Start() {
  started_ms_ = EventLoop::NowMs();
  WakeBy(started_ms_ + options_.handshake_timeout_ms);
  UpdateReadInterest();
  DoHandshake();  // the ClientHello may already be there
}

void Connection::OnReadEvent(evutil_socket_t, short, void* self) {
  auto* c = static_cast<Connection*>(self);
  if (c->state_ == State::kClosed) return;
  if (c->state_ == State::kHandshaking) {
    c->DoHandshake();
    return;
  }
  if (c->write_wants_read_) {
    c->write_wants_read_ = false;
    c->UpdateReadInterest();
    c->Flush();
    if (c->state_ != State::kOpen) return;
  }
  c->DoRead();
}

void Connection::OnWriteEvent(evutil_socket_t, short, void* self) {
  auto* c = static_cast<Connection*>(self);
  if (c->state_ == State::kClosed) return;
  if (c->state_ == State::kHandshaking) {
    c->DoHandshake();
    return;
  }
  if (c->read_wants_write_) {
    c->read_wants_write_ = false;
    c->DoRead();
    if (c->state_ != State::kOpen) return;
  }
  if (c->write_blocked_) {
    // Writability is the event this flush was waiting for; no reason to wait for the
    // end of the turn, and flushing now avoids re-arming the write event.
    c->write_blocked_ = false;
    c->Flush();
    if (c->state_ != State::kOpen) return;
  }
  c->UpdateWriteInterest();
}

void Connection::DoHandshake() {
  IoResult result = transport_->Handshake();
  switch (result.status) {
    case IoStatus::kOk:
      break;
    case IoStatus::kWantRead:
      handshake_wants_write_ = false;
      UpdateWriteInterest();
      return;
    case IoStatus::kWantWrite:
      handshake_wants_write_ = true;
      UpdateWriteInterest();
      return;
    case IoStatus::kEof:
      Close(false, "closed during the TLS handshake");
      return;
    case IoStatus::kError:
      LOG_DEBUG("connection %s: TLS handshake failed: %s", peer_.c_str(),
                transport_->last_error().c_str());
      Close(false, "TLS handshake failed");
      return;
  }
  handshake_wants_write_ = false;
  state_ = State::kOpen;
  // Handshakes are what leaves free memory behind (HeapTrimmer): a burst is over when
  // they stop finishing, not when connections stop arriving.
  HeapTrimmer::Process().NoteChurn();
  EndHandshake();
  const std::string_view alpn = transport_->protocol();
  LOG_DEBUG("connection %s: handshake done, protocol %s", peer_.c_str(),
            alpn.empty() ? "(none)" : std::string(alpn).c_str());
  const HttpVersion version = DetectHttpVersion(alpn, {});
  if (version != HttpVersion::kUndecided) StartSession(version == HttpVersion::kHttp2);
  UpdateWriteInterest();
  DoRead();  // the client's first bytes may already be decrypted inside the TLS buffer
}

void Connection::StartSession(bool http2) {
  if (http2) {
    session_ =
        h2::NewServerSession(env_, options_.session, *this, transport_->encrypted() ? "h2" : "h2c");
  } else {
    session_ = h1::NewSession(env_, options_.session, options_.http1, *this);
  }
  session_->Start(EventLoop::NowMs());
  OnOutputPending();  // the HTTP/2 server preface
  WakeBy(session_->NextDeadlineMs());
}

bool Connection::Deliver(std::span<const uint8_t> bytes) {
  if (session_) {
    session_->AdvanceClock(EventLoop::CoarseNowMs());
    return session_->Receive(bytes);
  }
  first_bytes_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const HttpVersion version = DetectHttpVersion({}, first_bytes_);
  if (version == HttpVersion::kUndecided) return true;
  LOG_DEBUG("connection %s: %s by its first bytes", peer_.c_str(),
            version == HttpVersion::kHttp2 ? "HTTP/2" : "HTTP/1.1");
  StartSession(version == HttpVersion::kHttp2);
  std::string first;
  first.swap(first_bytes_);
  return session_->Receive({reinterpret_cast<const uint8_t*>(first.data()), first.size()});
}

void Connection::DoRead() {
  if (state_ != State::kOpen || reading_paused_ || session_failed_) return;
  uint8_t buffer[kReadChunk];
  size_t budget = kReadBudgetPerTurn;
  while (budget > 0) {
    IoResult result = transport_->Read(buffer);
    switch (result.status) {
      case IoStatus::kOk:
        budget -= std::min(budget, result.bytes);
        if (!Deliver({buffer, result.bytes})) {
          // The session queued its last words (HTTP/2: GOAWAY): send them, then close.
          CloseAfterOutput();
          return;
        }
        if (state_ != State::kOpen || reading_paused_) return;
        // A short read with nothing held back took all the socket had; readiness says
        // when there is more, which spares the read() that would only say "again".
        if (result.bytes < sizeof buffer && !transport_->HoldsInput()) return;
        break;
      case IoStatus::kWantRead:
        return;
      case IoStatus::kWantWrite:
        read_wants_write_ = true;
        UpdateWriteInterest();
        return;
      case IoStatus::kEof:
        if (session_ && (unwritten() > 0 || session_->WantsWrite())) {
          // A half-close after the last request (`nc -N`, some HTTP/1.0 clients): the
          // answers already produced are still owed, whether the session still holds
          // them or they wait in our output; write them, then close.
          CloseAfterOutput();
          return;
        }
        Close(false, "closed by the peer");
        return;
      case IoStatus::kError:
        LOG_DEBUG("connection %s: read failed: %s", peer_.c_str(),
                  transport_->last_error().c_str());
        Close(false, "read error");
        return;
    }
  }
  // Budget spent: TLS may hold decrypted bytes the socket will not signal again, so come
  // back later in this turn rather than wait for the next readiness.
  event_active(read_event_.get(), EV_READ, 0);
}

void Connection::OnOutputPending() {
  if (dirty_ || state_ == State::kClosed) return;
  dirty_ = true;
  owner_.MarkDirty(this);
}

void Connection::Flush() {
  // Stay "dirty" while flushing: output the session announces meanwhile is taken by
  // this same flush (it loops until ProduceOutput has nothing more or the socket is
  // full, and a full socket brings its own write event), so it needs no second pass.
  dirty_ = true;
  WriteOutput();
  dirty_ = false;
}

void Connection::WriteOutput() {
  if (state_ != State::kOpen) return;
  GatewayCounters& counters = env_.counters();
  // Coarse: streams stamp their last output with it, for keep-alives seconds apart.
  const uint64_t now = EventLoop::CoarseNowMs();
  if (session_) session_->AdvanceClock(now);
  bool wrote = false;
  while (true) {
    if (unwritten() == 0) {
      out_offset_ = 0;
      out_.clear();  // keeps the capacity while busy; see OnTimerExpired
      if (session_failed_ || !session_) break;
      if (!session_->ProduceOutput(&out_, options_.output_cap_bytes)) {
        session_failed_ = true;
        closing_ = true;
      }
      if (out_.empty()) break;
    }
    // Unchanged since a kWant* result: nothing is appended while bytes are unwritten, so
    // this retries with the same bytes and length, as OpenSSL requires.
    std::span<const uint8_t> pending(reinterpret_cast<const uint8_t*>(out_.data()) + out_offset_,
                                     unwritten());
    IoResult result = transport_->Write(pending);
    if (result.status == IoStatus::kOk) {
      out_offset_ += result.bytes;
      counters.bytes_sent_total += result.bytes;
      wrote = true;
      continue;
    }
    if (result.status == IoStatus::kWantWrite) {
      write_blocked_ = true;
      break;
    }
    if (result.status == IoStatus::kWantRead) {
      write_wants_read_ = true;
      break;
    }
    if (result.status == IoStatus::kError) {
      LOG_DEBUG("connection %s: write failed: %s", peer_.c_str(), transport_->last_error().c_str());
    }
    Close(false, "write failed");
    return;
  }

  if (wrote) {
    last_write_ms_ = now;
    if (out_.capacity() > kInlineCapacity) WakeBy(now + kKeepOutputMs);
  }
  if (unwritten() == 0) {
    write_blocked_ = false;
    write_wants_read_ = false;
    if (session_) session_->OnOutputDrained();
  }
  UpdateWriteInterest();
  if (!closing_) {
    if (unwritten() >= options_.read_pause_bytes) {
      reading_paused_ = true;
      UpdateReadInterest();
    } else if (reading_paused_ && unwritten() <= options_.read_pause_bytes / 2) {
      ResumeReading();
    }
  } else {
    UpdateReadInterest();
  }
  if (unwritten() == 0 && (closing_ || (session_ && session_->Finished()))) {
    Close(true, "finished");
  }
}

void Connection::WakeBy(uint64_t at_ms) {
  if (state_ != State::kClosed && at_ms != 0) owner_.timers().ScheduleBy(*this, at_ms);
}

void Connection::OnTimerExpired(uint64_t now_ms) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kHandshaking || !session_) {
    const uint64_t deadline = started_ms_ + options_.handshake_timeout_ms;
    if (now_ms >= deadline) {
      Close(false, "handshake timeout");
      return;
    }
    WakeBy(deadline);
    return;
  }
  if (drain_deadline_ms_ != 0 && now_ms >= drain_deadline_ms_) {
    Close(false, "drain timeout");
    return;
  }
  if (!session_->OnTimer(now_ms)) {
    Close(false, "peer stopped answering");
    return;
  }
  // The output buffer is kept only while the connection is busy, so an idle one holds
  // none, whatever a large event or a catch-up once made it grow to.
  if (unwritten() == 0 && out_.capacity() > kInlineCapacity &&
      now_ms - last_write_ms_ >= kKeepOutputMs) {
    std::string().swap(out_);
  }
  WakeBy(session_->NextDeadlineMs());
  WakeBy(drain_deadline_ms_);
  if (out_.capacity() > kInlineCapacity) WakeBy(last_write_ms_ + kKeepOutputMs);
}

void Connection::Shutdown() {
  if (state_ == State::kHandshaking || (state_ == State::kOpen && !session_)) {
    Close(false, "shutting down");
    return;
  }
  if (state_ != State::kOpen) return;
  session_->Shutdown();
  if (drain_deadline_ms_ == 0) {
    drain_deadline_ms_ = EventLoop::NowMs() + options_.drain_timeout_ms;
    WakeBy(drain_deadline_ms_);
  }
  OnOutputPending();
}

void Connection::UpdateWriteInterest() {
  bool want =
      state_ != State::kClosed && (handshake_wants_write_ || read_wants_write_ || write_blocked_);
  if (want == write_event_added_) return;
  if (want) {
    event_add(write_event_.get(), nullptr);
  } else {
    event_del(write_event_.get());
  }
  write_event_added_ = want;
}

void Connection::UpdateReadInterest() {
  // A write parked on readability needs the read event even while reading is paused.
  bool want = state_ != State::kClosed &&
              (state_ == State::kHandshaking || write_wants_read_ || !reading_paused_);
  if (want == read_event_added_) return;
  if (want) {
    event_add(read_event_.get(), nullptr);
  } else {
    event_del(read_event_.get());
  }
  read_event_added_ = want;
}

void Connection::ResumeReading() {
  reading_paused_ = false;
  UpdateReadInterest();
  // Bytes TLS already decrypted would not make the socket readable again.
  event_active(read_event_.get(), EV_READ, 0);
}

void Connection::CloseAfterOutput() {
  closing_ = true;
  reading_paused_ = true;
  drain_deadline_ms_ = EventLoop::NowMs() + options_.drain_timeout_ms;
  WakeBy(drain_deadline_ms_);
  UpdateReadInterest();
  OnOutputPending();
}

void Connection::Close(bool graceful, const char* why) {
  if (state_ == State::kClosed) return;
  LOG_DEBUG("connection %s: closed (%s)", peer_.c_str(), why);
  state_ = State::kClosed;
  TimerWheel::Cancel(*this);
  event_del(read_event_.get());
  event_del(write_event_.get());
  read_event_added_ = write_event_added_ = false;
  if (graceful) transport_->Shutdown();
  EndHandshake();
  owner_.OnClosed(this);
}

void Connection::EndHandshake() {
  if (handshake_over_) return;
  handshake_over_ = true;
  owner_.OnHandshakeOver(this);
}

}  // namespace ssegw::net
