#include "bench_run.h"

#include <netdb.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <ssegw/publisher.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "cpu_usage.h"
#include "histogram.h"
#include "payload.h"
#include "publish_driver.h"
#include "receiver.h"
#include "report.h"
#include "samples_file.h"
#include "source_addresses.h"
#include "target.h"

namespace ssebench {

namespace {

constexpr double kNsPerMs = 1e6;

// Everything that is read at the start and the end of the measurement window.
struct Snapshot {
  uint64_t at_ns = 0;
  uint64_t events = 0;
  uint64_t data_bytes = 0;
  uint64_t accepted = 0;  // events the gateway accepted from our publisher
  double cpu_s = 0;
  std::optional<double> gateway_cpu_s;
  std::optional<uint64_t> gateway_rss_kib;
  std::optional<HostCpu> host_cpu;
};

// Descriptors beyond the connections: the publish socket, stdio, libevent's own.
constexpr size_t kSpareDescriptors = 64;

class Bench {
 public:
  explicit Bench(const BenchOptions& options) : options_(options) {}
  ~Bench() {
    if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  }

  int Run();

 private:
  bool Prepare(std::string* error);
  bool ResolveAddress(std::string* error);
  void MakeSslContext();
  void StartReceivers();
  bool WaitForStreams();
  void Measure();
  // The reconnect storm (bench_run.h), in place of Measure. false with *error when it
  // could not be staged (nothing was measured).
  bool Storm(std::string* error);
  void Drain();
  RunResults Collect();
  // After Collect(): the receivers' samples into --samples-file.
  bool WriteSamples(std::string* error) const;

  // Sleeps until `deadline_ns` or until `done` returns true, printing a progress line
  // on every whole second of the run.
  template <typename Done>
  void WaitUntil(uint64_t deadline_ns, Done&& done);
  void PrintProgress(uint64_t now_ns);

  uint64_t TotalEvents() const;
  uint64_t TotalDataBytes() const;
  uint64_t StreamsOpen() const;
  uint64_t ErrorsSoFar() const;
  uint64_t Sum(Counter ReceiverCounters::*counter) const;
  uint64_t Max(Counter ReceiverCounters::*counter) const;
  Snapshot Take() const;

  const BenchOptions& options_;
  Target target_;
  sockaddr_storage address_{};
  socklen_t address_length_ = 0;
  ssl_ctx_st* ssl_ctx_ = nullptr;
  std::atomic<uint64_t> record_from_ns_{UINT64_MAX};
  std::vector<std::unique_ptr<Receiver>> receivers_;
  std::unique_ptr<PublishDriver> publisher_;
  std::vector<sockaddr_in> sources_;
  std::optional<uint64_t> rss_before_kib_;
  // Events every stream gets besides the live publisher's: the storm's marker and backlog.
  uint64_t extra_events_per_stream_ = 0;
  std::optional<StormResults> storm_;

  uint64_t run_start_ns_ = 0;
  uint64_t setup_end_ns_ = 0;
  uint64_t last_progress_ns_ = 0;
  uint64_t last_progress_events_ = 0;
  Snapshot window_start_, window_end_;
  uint64_t window_end_connections_ = 0;  // connections open at the end of the window
};

bool Bench::Prepare(std::string* error) {
  if (options_.streams == 0 || options_.topics == 0 || options_.threads <= 0 ||
      options_.batch == 0) {
    *error = "--streams, --topics, --threads and --batch must be at least 1";
    return false;
  }
  // --connections 0 is the ingest mode: publish only, nobody subscribes.
  if (options_.connections == 0 && options_.publish_rate <= 0) {
    *error = "--connections 0 (publish only) needs --publish-rate";
    return false;
  }
  if (options_.stream_window == 0 || options_.stream_window > (size_t{1} << 31) - 1) {
    *error = "--stream-window must be in 1..2147483647";
    return false;
  }
  std::optional<Target> target = ParseTarget(options_.url, options_.topics, error);
  if (!target) return false;
  target_ = std::move(*target);
  if (options_.publish_rate > 0 && target_.topics.empty()) {
    *error = "--publish-rate needs a URL of the form https://HOST:PORT/events/<topic>";
    return false;
  }
  if (options_.storm_events > 0 && (target_.topics.size() != 1 || options_.connections == 0)) {
    *error = "--storm needs connections and one topic: https://HOST:PORT/events/<topic>";
    return false;
  }
  // An unwritable --samples-file is found out now, not after the whole run.
  if (!options_.samples_file.empty() && !WriteSamplesFile(options_.samples_file, 0, {}, error)) {
    return false;
  }
  if (!ResolveAddress(error)) return false;
  const size_t sources =
      SourceAddressCount(address_, options_.connections, options_.source_addresses);
  if (sources > 0 && address_.ss_family != AF_INET) {
    *error = "--source-addresses needs an IPv4 server address";
    return false;
  }
  sources_ = LoopbackSourceAddresses(sources);
  const size_t needed = options_.connections + kSpareDescriptors;
  const size_t limit = RaiseDescriptorLimit(needed);
  if (limit < needed) {
    *error = std::to_string(options_.connections) + " connections need " + std::to_string(needed) +
             " descriptors, the limit is " + std::to_string(limit) + " (raise it: ulimit -n " +
             std::to_string(needed) + ")";
    return false;
  }
  return true;
}

bool Bench::ResolveAddress(std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rv = getaddrinfo(target_.host.c_str(), target_.port.c_str(), &hints, &found);
  if (rv != 0 || found == nullptr) {
    *error = "cannot resolve " + target_.host + ": " + gai_strerror(rv);
    return false;
  }
  std::memcpy(&address_, found->ai_addr, found->ai_addrlen);
  address_length_ = found->ai_addrlen;
  freeaddrinfo(found);
  return true;
}

void Bench::MakeSslContext() {
  ssl_ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ssl_ctx_, TLS1_2_VERSION);
  // No certificate verification: a load tool for loopback and dev certificates.
  SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_NONE, nullptr);
  static const unsigned char kAlpnH2[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ssl_ctx_, kAlpnH2, sizeof kAlpnH2);
  // Read whatever the socket holds in one system call instead of one per record part.
  SSL_CTX_set_read_ahead(ssl_ctx_, 1);
  SSL_CTX_set_default_read_buffer_len(ssl_ctx_, 64 * 1024);
  EnableSessionKeeping(ssl_ctx_);
}

void Bench::StartReceivers() {
  const auto threads = static_cast<size_t>(options_.threads);
  std::vector<std::vector<size_t>> shares(std::min(threads, options_.connections));
  for (size_t c = 0; c < options_.connections; ++c) shares[c % shares.size()].push_back(c);
  for (auto& share : shares) {
    ReceiverConfig config;
    config.target = &target_;
    config.ssl_ctx = ssl_ctx_;
    config.address = address_;
    config.address_length = address_length_;
    config.stream_window = static_cast<int32_t>(options_.stream_window);
    config.record_from_ns = &record_from_ns_;
    config.streams_per_connection = options_.streams;
    config.connections = std::move(share);
    config.sources = sources_;
    config.resume_sessions = options_.resume;
    config.keep_samples = !options_.samples_file.empty();
    receivers_.push_back(std::make_unique<Receiver>(std::move(config)));
  }
  for (auto& receiver : receivers_) receiver->Start();
}

uint64_t Bench::TotalEvents() const {
  uint64_t sum = 0;
  for (const auto& r : receivers_) sum += r->counters().events.Get();
  return sum;
}

uint64_t Bench::TotalDataBytes() const {
  uint64_t sum = 0;
  for (const auto& r : receivers_) sum += r->counters().data_bytes.Get();
  return sum;
}

uint64_t Bench::StreamsOpen() const {
  uint64_t sum = 0;
  for (const auto& r : receivers_) sum += r->counters().streams_open.Get();
  return sum;
}

uint64_t Bench::Sum(Counter ReceiverCounters::*counter) const {
  uint64_t sum = 0;
  for (const auto& r : receivers_) sum += (r->counters().*counter).Get();
  return sum;
}

uint64_t Bench::Max(Counter ReceiverCounters::*counter) const {
  uint64_t max = 0;
  for (const auto& r : receivers_) max = std::max(max, (r->counters().*counter).Get());
  return max;
}

uint64_t Bench::ErrorsSoFar() const {
  uint64_t sum = publisher_ ? publisher_->counters().errors.Get() : 0;
  for (const auto& r : receivers_) {
    const ReceiverCounters& c = r->counters();
    sum += c.connections_failed.Get() + c.streams_failed.Get() + c.streams_closed.Get() +
           c.goaways.Get();
  }
  return sum;
}

Snapshot Bench::Take() const {
  Snapshot s;
  s.at_ns = MonotonicNs();
  s.events = TotalEvents();
  s.data_bytes = TotalDataBytes();
  if (publisher_) s.accepted = publisher_->counters().events_accepted.Get();
  s.cpu_s = SelfCpuSeconds();
  if (options_.gateway_pid > 0) {
    s.gateway_cpu_s = ProcessCpuSeconds(options_.gateway_pid);
    s.gateway_rss_kib = ProcessRssKiB(options_.gateway_pid);
  }
  s.host_cpu = ReadHostCpu();
  return s;
}

void Bench::PrintProgress(uint64_t now_ns) {
  const uint64_t events = TotalEvents();
  const double interval_s = static_cast<double>(now_ns - last_progress_ns_) / 1e9;
  const double rate =
      interval_s > 0 ? static_cast<double>(events - last_progress_events_) / interval_s : 0;
  last_progress_ns_ = now_ns;
  last_progress_events_ = events;
  if (options_.json_only) return;
  std::vector<uint64_t> counts;
  uint64_t max = 0;
  for (const auto& r : receivers_) max = std::max(max, r->histogram().MergeInto(&counts));
  const double p99_ms = static_cast<double>(ValueAtQuantile(counts, max, 0.99)) / kNsPerMs;
  const uint64_t published = publisher_ ? publisher_->counters().events_accepted.Get() : 0;
  const std::string line =
      ProgressLine(static_cast<double>(now_ns - run_start_ns_) / 1e9, StreamsOpen(),
                   options_.connections * options_.streams, rate, p99_ms, published, ErrorsSoFar());
  std::fprintf(stderr, "%s\n", line.c_str());
}

template <typename Done>
void Bench::WaitUntil(uint64_t deadline_ns, Done&& done) {
  constexpr uint64_t kStepNs = 10'000'000;  // how often `done` is checked
  while (true) {
    const uint64_t now = MonotonicNs();
    if (now >= last_progress_ns_ + 1'000'000'000) PrintProgress(now);
    if (now >= deadline_ns || done()) return;
    const uint64_t step = std::min(kStepNs, deadline_ns - now);
    std::this_thread::sleep_for(std::chrono::nanoseconds(step));
  }
}

bool Bench::WaitForStreams() {
  const uint64_t requested = options_.connections * options_.streams;
  const auto deadline = run_start_ns_ + static_cast<uint64_t>(options_.setup_timeout_s * 1e9);
  WaitUntil(deadline, [&] {
    uint64_t settled = 0;
    uint64_t failed_connections = 0;
    for (const auto& r : receivers_) {
      const ReceiverCounters& c = r->counters();
      settled += c.streams_open.Get() + c.streams_failed.Get() + c.streams_closed.Get() +
                 c.streams_unopened.Get();
      failed_connections += c.connections_failed.Get();
    }
    return settled >= requested || failed_connections == options_.connections;
  });
  setup_end_ns_ = MonotonicNs();
  return StreamsOpen() > 0;
}

void Bench::Measure() {
  const uint64_t start = MonotonicNs();
  const uint64_t window_start = start + static_cast<uint64_t>(options_.warmup_s * 1e9);
  const uint64_t window_end = window_start + static_cast<uint64_t>(options_.duration_s * 1e9);
  record_from_ns_.store(window_start, std::memory_order_relaxed);
  if (publisher_) publisher_->Start();
  WaitUntil(window_start, [] { return false; });
  window_start_ = Take();
  WaitUntil(window_end, [] { return false; });
  window_end_ = Take();
  window_end_connections_ = Sum(&ReceiverCounters::connections_open);
}

bool Bench::Storm(std::string* error) {
  const std::string& topic = target_.topics.front();
  const uint64_t streams = options_.connections * options_.streams;
  ssegw::Publisher publisher({.socket_path = options_.socket_path});
  if (!publisher.Connect(error)) return false;
  std::string payload;
  FormatPayload(MonotonicNs(), options_.payload_bytes, &payload);

  // The marker: the last event every stream has before the storm.
  const ssegw::PublishOutcome marker = publisher.Publish({{.topics = {topic}, .data = payload}});
  if (!marker.accepted || marker.ids.size() != 1) {
    *error = "the storm's marker event was not accepted: " + marker.error;
    return false;
  }
  const uint64_t deadline = MonotonicNs() + static_cast<uint64_t>(options_.setup_timeout_s * 1e9);
  WaitUntil(deadline, [&] { return TotalEvents() >= streams; });
  if (TotalEvents() < streams) {
    *error = "not every stream received the storm's marker event";
    return false;
  }

  for (auto& receiver : receivers_) receiver->Disconnect();
  WaitUntil(deadline, [&] { return Sum(&ReceiverCounters::connections_open) == 0; });
  if (Sum(&ReceiverCounters::connections_open) != 0) {
    *error = "the connections did not close before the storm";
    return false;
  }

  // The events the clients miss while they are away.
  for (uint64_t sent = 0; sent < options_.storm_events;) {
    std::vector<ssegw::PublishEvent> batch;
    for (; sent < options_.storm_events && batch.size() < options_.batch; ++sent) {
      FormatPayload(MonotonicNs(), options_.payload_bytes, &payload);
      batch.push_back({.topics = {topic}, .data = payload});
    }
    publisher.Enqueue(std::move(batch));
  }
  for (const ssegw::PublishOutcome& outcome : publisher.WaitAll()) {
    if (!outcome.accepted) {
      *error = "a storm event was not accepted: " + outcome.error;
      return false;
    }
  }
  extra_events_per_stream_ = 1 + options_.storm_events;

  // The storm: everyone back at once; live events from now on.
  const uint64_t full_before = Sum(&ReceiverCounters::handshakes_full);
  const uint64_t resumed_before = Sum(&ReceiverCounters::handshakes_resumed);
  const uint64_t start = MonotonicNs();
  const uint64_t window_end = start + static_cast<uint64_t>(options_.duration_s * 1e9);
  record_from_ns_.store(start, std::memory_order_relaxed);
  window_start_ = Take();
  if (publisher_) publisher_->Start();
  for (auto& receiver : receivers_) receiver->Reconnect(marker.ids.front(), options_.storm_events);
  const uint64_t catch_up_deadline = start + static_cast<uint64_t>(options_.setup_timeout_s * 1e9);
  // Streams whose connection failed to come back will never catch up: no waiting for them.
  WaitUntil(catch_up_deadline, [&] {
    return Sum(&ReceiverCounters::streams_caught_up) + Sum(&ReceiverCounters::streams_unopened) >=
           streams;
  });
  WaitUntil(window_end, [] { return false; });
  window_end_ = Take();
  window_end_connections_ = Sum(&ReceiverCounters::connections_open);

  StormResults storm;
  storm.events_behind = options_.storm_events;
  storm.resume = options_.resume;
  storm.connections = options_.connections;
  const uint64_t connected = Max(&ReceiverCounters::last_connected_ns);
  storm.reconnect_s = connected > start ? static_cast<double>(connected - start) / 1e9 : 0;
  storm.handshakes_full = Sum(&ReceiverCounters::handshakes_full) - full_before;
  storm.handshakes_resumed = Sum(&ReceiverCounters::handshakes_resumed) - resumed_before;
  if (storm.reconnect_s > 0) {
    storm.handshakes_per_s = static_cast<double>(options_.connections) / storm.reconnect_s;
  }
  storm.streams_caught_up = Sum(&ReceiverCounters::streams_caught_up);
  const uint64_t caught_up = Max(&ReceiverCounters::last_caught_up_ns);
  storm.catch_up_s = caught_up > start ? static_cast<double>(caught_up - start) / 1e9 : 0;
  storm_ = storm;
  return true;
}

void Bench::Drain() {
  if (!publisher_) return;
  publisher_->StopPublishing();
  const uint64_t deadline = MonotonicNs() + static_cast<uint64_t>(options_.drain_s * 1e9);
  // The publisher's thread ends once every reply is in (it has its own drain limit).
  WaitUntil(UINT64_MAX, [&] { return publisher_->finished(); });
  publisher_->Join();
  // Every stream should now receive every accepted event of its topic.
  const std::vector<uint64_t>& accepted = publisher_->accepted_per_topic();
  uint64_t expected = 0;
  for (size_t i = 0; i < options_.connections * options_.streams; ++i) {
    expected += accepted[target_.TopicOf(i)] + extra_events_per_stream_;
  }
  WaitUntil(deadline, [&] { return TotalEvents() >= expected; });
}

RunResults Bench::Collect() {
  RunResults r;
  r.url = options_.url;
  r.connections = options_.connections;
  r.streams_per_connection = options_.streams;
  r.streams_requested = options_.connections * options_.streams;
  r.streams_open = StreamsOpen();
  r.topics = std::max<size_t>(1, target_.topics.size());
  r.threads = static_cast<int>(receivers_.size());
  r.setup_s = static_cast<double>(setup_end_ns_ - run_start_ns_) / 1e9;
  r.warmup_s = options_.warmup_s;
  r.publish_rate = options_.publish_rate;
  r.payload_bytes = std::max(options_.payload_bytes, kMinPayloadBytes);
  r.batch = options_.batch;

  for (auto& receiver : receivers_) {
    receiver->Stop();
    receiver->Join();
  }

  const double window_s = static_cast<double>(window_end_.at_ns - window_start_.at_ns) / 1e9;
  r.duration_s = window_s;
  r.window_deliveries = window_end_.events - window_start_.events;
  r.deliveries_per_s = window_s > 0 ? static_cast<double>(r.window_deliveries) / window_s : 0;
  r.received_mib_per_s =
      window_s > 0 ? static_cast<double>(window_end_.data_bytes - window_start_.data_bytes) /
                         window_s / (1 << 20)
                   : 0;
  r.published_per_s =
      window_s > 0 ? static_cast<double>(window_end_.accepted - window_start_.accepted) / window_s
                   : 0;
  r.cpu_seconds = SelfCpuSeconds();
  r.window_cpu_seconds = window_end_.cpu_s - window_start_.cpu_s;
  if (r.window_deliveries > 0) {
    r.cpu_ns_per_delivery = r.window_cpu_seconds * 1e9 / static_cast<double>(r.window_deliveries);
  }
  if (window_start_.gateway_cpu_s && window_end_.gateway_cpu_s) {
    r.gateway_cpu_seconds = *window_end_.gateway_cpu_s - *window_start_.gateway_cpu_s;
    if (r.window_deliveries > 0) {
      r.gateway_cpu_ns_per_delivery =
          *r.gateway_cpu_seconds * 1e9 / static_cast<double>(r.window_deliveries);
    } else if (window_end_.accepted > window_start_.accepted) {
      r.gateway_cpu_ns_per_published_event =
          *r.gateway_cpu_seconds * 1e9 /
          static_cast<double>(window_end_.accepted - window_start_.accepted);
    }
  }
  if (r.gateway_cpu_seconds && window_s > 0)
    r.gateway_cpu_share = *r.gateway_cpu_seconds / window_s;
  r.source_addresses = sources_.size();
  if (rss_before_kib_ && window_end_.gateway_rss_kib) {
    r.gateway_rss_kib_before = rss_before_kib_;
    r.gateway_rss_kib_held = window_end_.gateway_rss_kib;
    const uint64_t connections = window_end_connections_;
    if (connections > 0) {
      r.gateway_rss_bytes_per_connection = (static_cast<double>(*window_end_.gateway_rss_kib) -
                                            static_cast<double>(*rss_before_kib_)) *
                                           1024 / static_cast<double>(connections);
    }
  }
  r.storm = storm_;
  if (window_start_.host_cpu && window_end_.host_cpu &&
      window_end_.host_cpu->total > window_start_.host_cpu->total) {
    r.host_cpu_busy =
        static_cast<double>(window_end_.host_cpu->busy - window_start_.host_cpu->busy) /
        static_cast<double>(window_end_.host_cpu->total - window_start_.host_cpu->total);
  }

  std::vector<uint64_t> counts;
  uint64_t max = 0;
  for (const auto& receiver : receivers_) {
    max = std::max(max, receiver->histogram().MergeInto(&counts));
    r.latency.samples += receiver->histogram().count();
  }
  auto ms = [&](double q) {
    return static_cast<double>(ValueAtQuantile(counts, max, q)) / kNsPerMs;
  };
  r.latency.p50_ms = ms(0.50);
  r.latency.p90_ms = ms(0.90);
  r.latency.p99_ms = ms(0.99);
  r.latency.p999_ms = ms(0.999);
  r.latency.max_ms = static_cast<double>(max) / kNsPerMs;

  if (publisher_) {
    const PublishCounters& p = publisher_->counters();
    r.events_sent = p.events_sent.Get();
    r.events_published = p.events_accepted.Get();
    r.events_rejected = p.events_rejected.Get();
    r.publish_errors = p.errors.Get();
    r.first_error = publisher_->first_error();
  }
  // A storm without live events still knows what every stream must hold.
  const std::vector<uint64_t> none(r.topics, 0);
  const std::vector<uint64_t>* accepted = publisher_ ? &publisher_->accepted_per_topic()
                                          : storm_   ? &none
                                                     : nullptr;
  for (const auto& receiver : receivers_) {
    const ReceiverCounters& c = receiver->counters();
    r.events_received += c.events.Get();
    r.connections_failed += c.connections_failed.Get();
    r.streams_failed += c.streams_failed.Get();
    r.streams_closed += c.streams_closed.Get();
    r.goaways += c.goaways.Get();
    if (r.first_error.empty()) r.first_error = receiver->first_error();
    if (accepted == nullptr) continue;
    receiver->ForEachStream([&](const StreamSlot& slot) {
      const uint64_t expected = (*accepted)[slot.topic] + extra_events_per_stream_;
      r.expected_deliveries += expected;
      if (slot.events < expected) r.lost += expected - slot.events;
      if (slot.events > expected) r.unexpected += slot.events - expected;
    });
  }
  r.errors = r.publish_errors + r.connections_failed + r.streams_failed + r.streams_closed +
             r.goaways + r.unexpected;
  return r;
}

bool Bench::WriteSamples(std::string* error) const {
  std::vector<LatencySample> samples;
  for (const auto& receiver : receivers_) {  // joined by Collect()
    samples.insert(samples.end(), receiver->samples().begin(), receiver->samples().end());
  }
  return WriteSamplesFile(options_.samples_file, record_from_ns_.load(std::memory_order_relaxed),
                          std::move(samples), error);
}

int Bench::Run() {
  std::string error;
  if (!Prepare(&error)) {
    std::fprintf(stderr, "sse-bench: %s\n", error.c_str());
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (target_.tls) MakeSslContext();  // h2c connections run without one
  if (options_.publish_rate > 0) {
    PublishConfig config;
    config.socket_path = options_.socket_path;
    config.rate = options_.publish_rate;
    config.payload_bytes = options_.payload_bytes;
    config.batch = options_.batch;
    config.topics = target_.topics;
    config.drain = std::chrono::milliseconds(static_cast<int64_t>(options_.drain_s * 1000));
    publisher_ = std::make_unique<PublishDriver>(std::move(config));
    if (!publisher_->Connect(&error)) {
      std::fprintf(stderr, "sse-bench: %s\n", error.c_str());
      return 1;
    }
  }

  if (options_.gateway_pid > 0) rss_before_kib_ = ProcessRssKiB(options_.gateway_pid);
  run_start_ns_ = last_progress_ns_ = MonotonicNs();
  StartReceivers();
  bool ready = true;
  if (options_.connections == 0) {
    setup_end_ns_ = run_start_ns_;  // publish only: nothing to set up
  } else {
    ready = WaitForStreams();
  }
  if (!ready) {
    // Nothing to measure; report what happened.
    window_start_ = window_end_ = Take();
    publisher_.reset();
  } else if (options_.storm_events > 0) {
    if (!Storm(&error)) {
      std::fprintf(stderr, "sse-bench: %s\n", error.c_str());
      window_start_ = window_end_ = Take();
      publisher_.reset();
    } else {
      Drain();
    }
  } else {
    Measure();
    Drain();
  }
  const RunResults results = Collect();
  std::printf("%s\n", ToJsonLine(results).c_str());
  std::fflush(stdout);
  if (!options_.samples_file.empty() && !WriteSamples(&error)) {
    std::fprintf(stderr, "sse-bench: %s\n", error.c_str());
    return 1;
  }
  if (!results.first_error.empty() && !options_.json_only) {
    std::fprintf(stderr, "sse-bench: first error: %s\n", results.first_error.c_str());
  }
  const bool ok =
      results.errors == 0 && results.lost == 0 && results.streams_open == results.streams_requested;
  return ok ? 0 : 1;
}

}  // namespace

int RunBench(const BenchOptions& options) {
  return Bench(options).Run();
}

}  // namespace ssebench
