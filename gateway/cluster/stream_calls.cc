// NatsConnection's JetStream management calls. Each runs as a job on the connection's
// CallThread (libnats blocks until the server answers) and posts its result.
#include <algorithm>
#include <memory>

#include "cluster/call_thread.h"
#include "cluster/connection_core.h"
#include "cluster/nats_connection.h"

namespace ssegw::cluster {

namespace {

using Core = NatsConnection::Core;

NatsError NotConnectedYet() {
  return NatsError{NatsErrorKind::kUnavailable, 0, 0, "not connected to NATS yet"};
}

StreamDescription Describe(const jsStreamInfo& info, bool created) {
  StreamDescription d;
  if (const jsStreamConfig* c = info.Config) {
    d.config.name = c->Name != nullptr ? c->Name : "";
    for (int i = 0; i < c->SubjectsLen; ++i) d.config.subjects.emplace_back(c->Subjects[i]);
    d.config.max_msgs = c->MaxMsgs;
    d.config.max_bytes = c->MaxBytes;
    d.config.max_age = std::chrono::nanoseconds(c->MaxAge);
    d.config.replicas = static_cast<int>(c->Replicas);
    d.config.duplicate_window = std::chrono::nanoseconds(c->Duplicates);
    d.config.file_storage = c->Storage == js_FileStorage;
    d.config.allow_direct = c->AllowDirect;
  }
  d.first_seq = info.State.FirstSeq;
  d.last_seq = info.State.LastSeq;
  d.messages = info.State.Msgs;
  d.bytes = info.State.Bytes;
  if (info.Cluster != nullptr && info.Cluster->Leader != nullptr) d.leader = info.Cluster->Leader;
  d.created = created;
  d.created_at_ns = info.Created;
  return d;
}

NatsResult<StreamDescription> Lookup(jsCtx* js, const std::string& stream) {
  jsStreamInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetStreamInfo(&raw, js, stream.c_str(), nullptr, &js_code);
  if (s != NATS_OK) return LastNatsError(s, js_code);
  const JsStreamInfoPtr info(raw);
  return Describe(*info, false);
}

NatsResult<StreamDescription> Create(jsCtx* js, const StreamSpec& spec) {
  std::vector<const char*> subjects;
  for (const std::string& subject : spec.subjects) subjects.push_back(subject.c_str());
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = spec.name.c_str();
  config.Subjects = subjects.data();
  config.SubjectsLen = static_cast<int>(subjects.size());
  config.Retention = js_LimitsPolicy;
  config.Discard = js_DiscardOld;
  config.MaxMsgs = spec.max_msgs;
  config.MaxBytes = spec.max_bytes;
  config.MaxAge = spec.max_age.count();
  config.Replicas = spec.replicas;
  config.Duplicates = spec.duplicate_window.count();
  config.Storage = spec.file_storage ? js_FileStorage : js_MemoryStorage;
  config.AllowDirect = spec.allow_direct;
  jsStreamInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus s = js_AddStream(&raw, js, &config, nullptr, &js_code);
  if (s != NATS_OK) return LastNatsError(s, js_code);
  const JsStreamInfoPtr info(raw);
  return Describe(*info, true);
}

NatsResult<StreamDescription> Ensure(jsCtx* js, const StreamSpec& spec) {
  NatsResult<StreamDescription> found = Lookup(js, spec.name);
  if (found.ok() || found.error().kind != NatsErrorKind::kNotFound) return found;
  NatsResult<StreamDescription> created = Create(js, spec);
  // Another gateway created it meanwhile (with another config): it is the operator's now.
  if (!created.ok() && created.error().js_code == JSStreamNameExistErr) {
    return Lookup(js, spec.name);
  }
  return created;
}

NatsResult<StoredMessage> Get(jsCtx* js, const std::string& stream, uint64_t seq, GetMode mode) {
  natsMsg* raw = nullptr;
  natsStatus s = NATS_OK;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  if (mode == GetMode::kDirect) {
    jsDirectGetMsgOptions options;
    jsDirectGetMsgOptions_Init(&options);
    options.Sequence = seq;
    s = js_DirectGetMsg(&raw, js, stream.c_str(), nullptr, &options);
  } else {
    s = js_GetMsg(&raw, js, stream.c_str(), seq, nullptr, &js_code);
  }
  if (s != NATS_OK) return LastNatsError(s, js_code);
  return StoredMessage::FromGet(NatsMsgPtr(raw));
}

NatsResult<std::vector<StoredMessage>> Range(jsCtx* js, const RangeRequest& request,
                                             std::chrono::milliseconds api_timeout) {
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = request.stream.c_str();
  options.Config.DeliverPolicy = js_DeliverByStartSequence;
  options.Config.OptStartSeq = request.first_seq;
  options.Config.AckPolicy = js_AckNone;
  // A reader for one request: in memory, one replica, gone soon if we vanish.
  options.Config.MemoryStorage = true;
  options.Config.Replicas = 1;
  options.Config.InactiveThreshold = std::chrono::nanoseconds(std::chrono::seconds(30)).count();
  natsSubscription* sub = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  natsStatus s = js_PullSubscribe(&sub, js, request.filter_subject.c_str(), nullptr, nullptr,
                                  &options, &js_code);
  if (s != NATS_OK) return LastNatsError(s, js_code);

  // With an expiry set, a no-wait pull on a consumer with nothing pending is held until
  // it expires (nats-server 2.9), so ask first how many the consumer has.
  jsConsumerInfo* consumer = nullptr;
  s = natsSubscription_GetConsumerInfo(&consumer, sub, nullptr, &js_code);
  const uint64_t pending = s == NATS_OK ? consumer->NumPending : 0;
  jsConsumerInfo_Destroy(consumer);
  NatsResult<std::vector<StoredMessage>> result = std::vector<StoredMessage>();
  natsMsgList list{nullptr, 0};
  if (s != NATS_OK) {
    result = LastNatsError(s, js_code);
  } else if (pending > 0) {
    jsFetchRequest fetch;
    jsFetchRequest_Init(&fetch);
    fetch.Batch = static_cast<int>(std::min<uint64_t>(pending, request.max_messages));
    fetch.NoWait = true;  // what the stream holds now, then stop
    fetch.Expires = std::chrono::nanoseconds(api_timeout).count();
    s = natsSubscription_FetchRequest(&list, sub, &fetch);
    if (s == NATS_OK) {
      for (int i = 0; i < list.Count; ++i) {
        NatsMsgPtr msg(list.Msgs[i]);
        list.Msgs[i] = nullptr;
        if (auto stored = StoredMessage::FromDelivery(std::move(msg))) {
          result.value().push_back(std::move(*stored));
        }
      }
    } else if (s != NATS_NOT_FOUND) {
      result = LastNatsError(s);
    }
  }
  natsMsgList_Destroy(&list);
  // Deletes the consumer now rather than after its inactivity threshold.
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  return result;
}

template <typename T>
void Deliver(const Core& core, std::function<void(NatsResult<T>)> done, NatsResult<T> result) {
  auto shared = std::make_shared<NatsResult<T>>(std::move(result));
  core.deliver.Run([done = std::move(done), shared] { done(std::move(*shared)); });
}

}  // namespace

void NatsConnection::EnsureStream(StreamSpec spec,
                                  std::function<void(NatsResult<StreamDescription>)> done) {
  if (std::string problem = ValidateStreamSpec(spec); !problem.empty()) {
    Deliver<StreamDescription>(
        *core_, std::move(done),
        NatsError{NatsErrorKind::kInvalid, 0, 0, "stream " + spec.name + ": " + problem});
    return;
  }
  calls_->Run([core = core_, spec = std::move(spec), done = std::move(done)] {
    jsCtx* js = core->js.load();
    Deliver<StreamDescription>(*core, done, js ? Ensure(js, spec) : NotConnectedYet());
  });
}

void NatsConnection::GetStreamInfo(std::string stream,
                                   std::function<void(NatsResult<StreamDescription>)> done) {
  calls_->Run([core = core_, stream = std::move(stream), done = std::move(done)] {
    jsCtx* js = core->js.load();
    Deliver<StreamDescription>(*core, done, js ? Lookup(js, stream) : NotConnectedYet());
  });
}

void NatsConnection::GetMessage(std::string stream, uint64_t seq, GetMode mode,
                                std::function<void(NatsResult<StoredMessage>)> done) {
  calls_->Run([core = core_, stream = std::move(stream), seq, mode, done = std::move(done)] {
    jsCtx* js = core->js.load();
    Deliver<StoredMessage>(
        *core, done,
        js ? Get(js, stream, seq, mode) : NatsResult<StoredMessage>(NotConnectedYet()));
  });
}

void NatsConnection::ReadRange(RangeRequest request,
                               std::function<void(NatsResult<std::vector<StoredMessage>>)> done) {
  if (request.max_messages <= 0 || request.first_seq == 0 || request.filter_subject.empty()) {
    Deliver<std::vector<StoredMessage>>(
        *core_, std::move(done),
        NatsError{NatsErrorKind::kInvalid, 0, 0,
                  "a range needs a subject, a first sequence >= 1 and a size"});
    return;
  }
  calls_->Run([core = core_, request = std::move(request), done = std::move(done)] {
    jsCtx* js = core->js.load();
    Deliver<std::vector<StoredMessage>>(
        *core, done,
        js ? Range(js, request, core->api_timeout)
           : NatsResult<std::vector<StoredMessage>>(NotConnectedYet()));
  });
}

}  // namespace ssegw::cluster
