// loopback_floor: how long an 8-byte write over TCP loopback takes to wake a reader on
// another thread, at a steady rate and with no gateway in between. Every publish ->
// delivery latency sse-bench reports crosses at least one such wake-up (gateway ->
// subscriber), so this is the floor under those figures on the machine it runs on.
//
// The writer stamps each write with CLOCK_MONOTONIC; the reader, blocked in epoll_wait,
// records now - stamp. --writer-cpu / --reader-cpu pin the two threads (the same CPU, two
// CPUs, or -1: wherever the scheduler puts them). Prints one JSON line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
}

bool Pin(int cpu) {
  if (cpu < 0) return true;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

void NoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A connected pair of TCP sockets on 127.0.0.1: {writer's end, reader's end}.
bool LoopbackPair(int* writer, int* reader) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool listening = listener >= 0 &&
                         bind(listener, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                         listen(listener, 1) == 0 &&
                         getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  *reader = listening ? socket(AF_INET, SOCK_STREAM, 0) : -1;
  const bool connected =
      *reader >= 0 && connect(*reader, reinterpret_cast<sockaddr*>(&address), length) == 0;
  *writer = connected ? accept(listener, nullptr, nullptr) : -1;
  if (listener >= 0) close(listener);
  if (*writer < 0) return false;
  NoDelay(*writer);
  NoDelay(*reader);
  return true;
}

bool ReadExactly(int fd, void* into, size_t n) {
  auto* p = static_cast<char*>(into);
  while (n > 0) {
    const ssize_t got = read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

double Ms(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 1000;
  double rate = 50;
  int writer_cpu = -1;
  int reader_cpu = -1;
  CLI::App app{"The wake-up latency of one small TCP loopback write, without the gateway"};
  app.add_option("--count,-n", count, "writes (samples)")->check(CLI::PositiveNumber);
  app.add_option("--rate,-r", rate, "writes per second")->check(CLI::PositiveNumber);
  app.add_option("--writer-cpu", writer_cpu, "pin the writer to this CPU (-1: no pinning)");
  app.add_option("--reader-cpu", reader_cpu, "pin the reader to this CPU (-1: no pinning)");
  CLI11_PARSE(app, argc, argv);

  int writer = -1;
  int reader = -1;
  if (!LoopbackPair(&writer, &reader)) {
    std::fprintf(stderr, "loopback_floor: no TCP loopback pair: %s\n", std::strerror(errno));
    return 1;
  }
  std::vector<uint64_t> latencies;
  latencies.reserve(static_cast<size_t>(count));
  std::atomic<bool> failed = false;  // either side: the other stops too
  std::thread reading([&] {
    const int epoll = epoll_create1(0);
    epoll_event interest{};
    interest.events = EPOLLIN;
    if (!Pin(reader_cpu) || epoll < 0 || epoll_ctl(epoll, EPOLL_CTL_ADD, reader, &interest) != 0) {
      failed = true;
    }
    while (!failed && latencies.size() < static_cast<size_t>(count)) {
      epoll_event ready;
      const int n = epoll_wait(epoll, &ready, 1, -1);
      if (n < 0 && errno == EINTR) continue;
      uint64_t stamp = 0;
      if (n != 1 || !ReadExactly(reader, &stamp, sizeof stamp)) {
        failed = true;  // an error, or the writer gave up and shut its side
        break;
      }
      latencies.push_back(NowNs() - stamp);
    }
    if (epoll >= 0) close(epoll);
  });

  if (!Pin(writer_cpu)) failed = true;
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
  auto next = Clock::now() + period;
  for (int i = 0; i < count && !failed; ++i) {
    std::this_thread::sleep_until(next);
    next += period;
    const uint64_t stamp = NowNs();
    if (write(writer, &stamp, sizeof stamp) != sizeof stamp) failed = true;
  }
  shutdown(writer, SHUT_WR);  // a reader still waiting for a write that will not come ends
  reading.join();
  close(writer);
  close(reader);
  if (failed || latencies.empty()) {
    std::fprintf(stderr,
                 "loopback_floor: a thread could not be pinned (--writer-cpu %d, "
                 "--reader-cpu %d) or the connection failed\n",
                 writer_cpu, reader_cpu);
    return 1;
  }

  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    return latencies[std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()))];
  };
  std::printf(
      "{\"writer_cpu\":%d,\"reader_cpu\":%d,\"samples\":%zu,\"rate\":%.1f,"
      "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}\n",
      writer_cpu, reader_cpu, latencies.size(), rate, Ms(at(0.50)), Ms(at(0.90)), Ms(at(0.99)),
      Ms(at(0.999)), Ms(latencies.back()));
  return 0;
}
