#include "cluster/nats_connection.h"

#include <cassert>
#include <fstream>
#include <optional>

#include "cluster/call_thread.h"
#include "cluster/connection_core.h"

namespace ssegw::cluster {

namespace {

using Core = NatsConnection::Core;

NatsError Invalid(std::string text) {
  return NatsError{NatsErrorKind::kInvalid, 0, 0, std::move(text)};
}

bool Readable(const std::string& path) {
  return std::ifstream(path).good();
}

// Owner thread: reads libnats' own view of the connection, so that callbacks posted from
// different threads in any order still end in the right state.
void RefreshState(Core& core) {
  ConnectionState next = core.state;
  natsConnection* nc = core.nc.load();
  if (nc != nullptr) {
    switch (natsConnection_Status(nc)) {
      case NATS_CONN_STATUS_CONNECTED:
      case NATS_CONN_STATUS_DRAINING_SUBS:
      case NATS_CONN_STATUS_DRAINING_PUBS:
        next = ConnectionState::kConnected;
        break;
      case NATS_CONN_STATUS_CLOSED:
        next = ConnectionState::kClosed;
        break;
      case NATS_CONN_STATUS_CONNECTING:
      case NATS_CONN_STATUS_RECONNECTING:
      case NATS_CONN_STATUS_DISCONNECTED:
        next = core.state == ConnectionState::kConnecting ? ConnectionState::kConnecting
                                                          : ConnectionState::kDisconnected;
        break;
    }
  }
  if (next == core.state) return;
  core.state = next;
  if (core.events.on_state) core.events.on_state(next);
}

void OnConnectionEvent(natsConnection*, void* closure) {
  auto* core = static_cast<Core*>(closure);
  core->deliver.Run([core] { RefreshState(*core); });
}

void OnClosed(natsConnection*, void* closure) {
  auto* core = static_cast<Core*>(closure);
  core->deliver.Run([core] { RefreshState(*core); });
  // The destructor may free the core as soon as it sees this: nothing after it.
  std::lock_guard lock(core->mutex);
  core->closed_seen = true;
  core->changed.notify_all();
}

void OnAsyncError(natsConnection* nc, natsSubscription*, natsStatus status, void* closure) {
  auto* sink = static_cast<ErrorSink*>(closure);
  const char* text = nullptr;
  natsConnection_GetLastError(nc, &text);
  std::string message = natsStatus_GetText(status);
  if (text != nullptr && *text != '\0') message += std::string(": ") + text;
  std::lock_guard lock(sink->mutex);
  Core* core = sink->core;
  if (core == nullptr) return;
  core->deliver.Run([core, message] {
    if (core->events.on_async_error) core->events.on_async_error(message);
  });
}

// Connector thread: tries until the first connection is made, saying why each distinct
// failure happened (refused, TLS verification, authorization); from then on libnats
// reconnects by itself. (libnats' own "retry on failed connect" retries silently: it
// drops the reason.)
void ConnectUntilConnected(const std::shared_ptr<Core>& core, std::chrono::milliseconds pause) {
  std::string last_reason;
  natsConnection* nc = nullptr;
  while (true) {
    {
      std::lock_guard lock(core->mutex);
      if (core->stopping) return;
    }
    const natsStatus s = natsConnection_Connect(&nc, core->options.get());
    if (s == NATS_OK) break;
    const std::string reason = Describe(LastNatsError(s));
    if (reason != last_reason) {
      last_reason = reason;
      core->deliver.Run([core = core.get(), reason] {
        if (core->events.on_async_error) {
          core->events.on_async_error("cannot connect to NATS yet, retrying: " + reason);
        }
      });
    }
    std::unique_lock lock(core->mutex);
    if (core->changed.wait_for(lock, pause, [&] { return core->stopping; })) return;
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = core->api_timeout.count();
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, nc, &js_options);
  if (s == NATS_OK) {
    const NatsResult<bool> attached = core->acks.Attach(nc);
    if (!attached.ok()) {
      const std::string why =
          "cannot subscribe for publish acknowledgements: " + Describe(attached.error());
      core->deliver.Run([core = core.get(), why] {
        if (core->events.on_async_error) core->events.on_async_error(why);
      });
    }
  }
  core->js = js;
  core->nc = nc;
  core->deliver.Run([core = core.get()] { RefreshState(*core); });
}

// Every header line is "key: value\r\n": a CR or LF would forge another header.
bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != text.npos;
}

std::optional<NatsError> CheckMessage(const OutgoingMessage& message) {
  if (message.subject.empty() || message.subject.find_first_of(" \t\r\n*>") != std::string::npos) {
    return Invalid("bad publish subject '" + message.subject + "'");
  }
  if (HasLineBreak(message.msg_id) || HasLineBreak(message.expected_stream)) {
    return Invalid("a line break in Nats-Msg-Id or Nats-Expected-Stream");
  }
  for (const auto& [key, value] : message.headers) {
    if (key.empty() || HasLineBreak(key) || HasLineBreak(value) ||
        key.find(':') != std::string::npos) {
      return Invalid("bad header '" + key + "'");
    }
  }
  return std::nullopt;
}

// The message as libnats sends it, with `reply` for the PubAck.
NatsResult<NatsMsgPtr> BuildMessage(const OutgoingMessage& message, const std::string& reply) {
  natsMsg* raw = nullptr;
  natsStatus s = natsMsg_Create(&raw, message.subject.c_str(), reply.c_str(), message.data.data(),
                                static_cast<int>(message.data.size()));
  if (s != NATS_OK) return LastNatsError(s);
  NatsMsgPtr msg(raw);
  if (!message.msg_id.empty()) s = natsMsgHeader_Set(raw, "Nats-Msg-Id", message.msg_id.c_str());
  if (s == NATS_OK && !message.expected_stream.empty()) {
    s = natsMsgHeader_Set(raw, "Nats-Expected-Stream", message.expected_stream.c_str());
  }
  for (const auto& [key, value] : message.headers) {
    if (s == NATS_OK) s = natsMsgHeader_Add(raw, key.c_str(), value.c_str());
  }
  if (s != NATS_OK) return LastNatsError(s);
  return msg;
}

}  // namespace

void KeepForever(std::shared_ptr<void> state) {
  static std::mutex mutex;
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  std::lock_guard lock(mutex);
  kept->push_back(std::move(state));
}

std::string_view ConnectionStateName(ConnectionState state) {
  switch (state) {
    case ConnectionState::kConnecting:
      return "connecting";
    case ConnectionState::kConnected:
      return "connected";
    case ConnectionState::kDisconnected:
      return "disconnected";
    case ConnectionState::kClosed:
      return "closed";
  }
  return "unknown";
}

NatsResult<std::unique_ptr<NatsConnection>> NatsConnection::Start(NatsConnectionOptions options,
                                                                  Post post,
                                                                  ConnectionEvents events) {
  if (options.urls.empty()) return Invalid("no NATS server URL");
  bool secure = false;
  std::vector<const char*> servers;
  for (const std::string& url : options.urls) {
    if (url.rfind("tls://", 0) == 0) {
      secure = true;
    } else if (url.rfind("nats://", 0) != 0) {
      return Invalid("NATS URL '" + url + "' does not start with nats:// or tls://");
    }
    servers.push_back(url.c_str());
  }
  if (!options.creds_file.empty() && !Readable(options.creds_file)) {
    return Invalid("cannot read the NATS credentials file " + options.creds_file);
  }
  if (!options.ca_file.empty() && !Readable(options.ca_file)) {
    return Invalid("cannot read the NATS CA file " + options.ca_file);
  }

  auto core = std::make_shared<Core>();
  core->deliver = Deliverer{std::move(post), std::make_shared<bool>(true)};
  core->events = std::move(events);
  core->api_timeout = options.api_timeout;
  natsOptions* raw = nullptr;
  natsStatus s = natsOptions_Create(&raw);
  if (s != NATS_OK) return LastNatsError(s);
  core->options.reset(raw);

  Core* closure = core.get();
  auto sink = std::make_shared<ErrorSink>();
  sink->core = closure;
  core->error_sink = sink.get();
  KeepForever(std::move(sink));
  s = natsOptions_SetServers(raw, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetName(raw, options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(raw, options.connect_timeout.count());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(raw, -1);  // forever
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(raw, options.reconnect_wait.count());
  // Nothing is buffered while disconnected: a publish then fails at once instead of
  // being sent after the caller was told it failed.
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(raw, 0);
  if (s == NATS_OK) s = natsOptions_SetPingInterval(raw, options.ping_interval.count());
  if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(raw, options.max_pings_out);
  // A management call waiting for its answer fails at a disconnect rather than at its
  // timeout.
  if (s == NATS_OK) s = natsOptions_SetFailRequestsOnDisconnect(raw, true);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(raw, &OnConnectionEvent, closure);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(raw, &OnConnectionEvent, closure);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(raw, &OnClosed, closure);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(raw, &OnAsyncError, core->error_sink);
  if (s == NATS_OK && secure) s = natsOptions_SetSecure(raw, true);
  if (s == NATS_OK && !options.ca_file.empty()) {
    s = natsOptions_LoadCATrustedCertificates(raw, options.ca_file.c_str());
  }
  if (s == NATS_OK && !options.creds_file.empty()) {
    s = natsOptions_SetUserCredentialsFromFiles(raw, options.creds_file.c_str(), nullptr);
  }
  if (s != NATS_OK) {
    NatsError error = LastNatsError(s);
    error.kind = NatsErrorKind::kInvalid;
    return error;
  }

  std::unique_ptr<NatsConnection> connection(new NatsConnection(core));
  connection->connector_ =
      std::thread([core, pause = options.reconnect_wait] { ConnectUntilConnected(core, pause); });
  return connection;
}

NatsConnection::NatsConnection(std::shared_ptr<Core> core)
    : core_(std::move(core)), calls_(std::make_unique<CallThread>()) {}

NatsConnection::~NatsConnection() {
  assert(core_->live_subscriptions.load() == 0 && "destroy subscriptions first");
  *core_->deliver.alive = false;
  {
    std::lock_guard lock(core_->error_sink->mutex);
    core_->error_sink->core = nullptr;
  }
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
    core_->changed.notify_all();
  }
  connector_.join();  // an attempt in progress ends within its connect timeout
  calls_.reset();     // lets a running call finish; it finds nothing to deliver to
  bool quiet = core_->acks.Stop();
  if (jsCtx* js = core_->js.exchange(nullptr)) jsCtx_Destroy(js);
  if (natsConnection* nc = core_->nc.exchange(nullptr)) {
    natsConnection_Close(nc);
    std::unique_lock lock(core_->mutex);
    quiet = core_->changed.wait_for(lock, std::chrono::seconds(5), [this] {
      return core_->closed_seen;
    }) && quiet;
    lock.unlock();
    natsConnection_Destroy(nc);
  }
  if (!quiet) KeepForever(core_);
}

ConnectionState NatsConnection::state() const {
  return core_->state;
}

size_t NatsConnection::pending_publishes() const {
  return core_->acks.pending();
}

int64_t NatsConnection::max_payload() const {
  natsConnection* nc = core_->nc.load();
  return nc != nullptr ? natsConnection_GetMaxPayload(nc) : 0;
}

void NatsConnection::Publish(OutgoingMessage message, std::chrono::milliseconds timeout,
                             std::function<void(NatsResult<PublishAck>)> done) {
  const Deliverer& deliver = core_->deliver;
  auto fail = [&](NatsError error) {
    deliver.Run([done = std::move(done), error = std::move(error)] { done(error); });
  };
  if (std::optional<NatsError> bad = CheckMessage(message)) return fail(std::move(*bad));
  natsConnection* nc = core_->nc.load();
  if (nc == nullptr || !core_->acks.attached() ||
      natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED) {
    return fail(NatsError{NatsErrorKind::kUnavailable, 0, 0, "not connected to NATS"});
  }
  const AckTracker::Ticket ticket = core_->acks.Register(
      AckTracker::Clock::now() + timeout, [deliver, done](NatsResult<PublishAck> result) {
        deliver.Run([done, result = std::move(result)] { done(result); });
      });
  NatsResult<NatsMsgPtr> msg = BuildMessage(message, ticket.reply_subject);
  natsStatus s = NATS_OK;
  if (msg.ok()) s = natsConnection_PublishMsg(nc, msg.value().get());
  if ((!msg.ok() || s != NATS_OK) && core_->acks.Cancel(ticket.token)) {
    fail(msg.ok() ? LastNatsError(s) : msg.error());
  }
}

void NatsConnection::PublishBatch(std::vector<OutgoingMessage> messages,
                                  std::chrono::milliseconds timeout,
                                  std::function<void(std::vector<NatsResult<PublishAck>>)> done) {
  if (messages.empty()) {
    core_->deliver.Run([done = std::move(done)] { done({}); });
    return;
  }
  // Every per-message result runs on the owner thread: no lock needed.
  struct Batch {
    std::vector<std::optional<NatsResult<PublishAck>>> results;
    size_t remaining;
    std::function<void(std::vector<NatsResult<PublishAck>>)> done;
  };
  auto batch = std::make_shared<Batch>(
      Batch{std::vector<std::optional<NatsResult<PublishAck>>>(messages.size()), messages.size(),
            std::move(done)});
  for (size_t i = 0; i < messages.size(); ++i) {
    Publish(std::move(messages[i]), timeout, [batch, i](NatsResult<PublishAck> result) {
      batch->results[i] = std::move(result);
      if (--batch->remaining != 0) return;
      std::vector<NatsResult<PublishAck>> results;
      results.reserve(batch->results.size());
      for (auto& r : batch->results) results.push_back(std::move(*r));
      batch->done(std::move(results));
    });
  }
}

}  // namespace ssegw::cluster
