// CPU time readings for the report: sse-bench's own (getrusage), another process's
// (/proc/PID/stat, for --gateway-pid) and the whole machine's (/proc/stat).
//
// Each function returns a cumulative reading; callers subtract two of them. Thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace ssebench {

// User + system CPU seconds of this process, all threads.
double SelfCpuSeconds();

// User + system CPU seconds of process `pid`; nullopt if it cannot be read.
std::optional<double> ProcessCpuSeconds(pid_t pid);

struct HostCpu {
  uint64_t busy = 0;   // jiffies spent not idle, all CPUs
  uint64_t total = 0;  // all jiffies, all CPUs
};
std::optional<HostCpu> ReadHostCpu();

}  // namespace ssebench
