// Readings for the report: CPU time of sse-bench itself (getrusage), of another process
// (/proc/PID/stat, for --gateway-pid) and of the whole machine (/proc/stat), and the
// resident memory of another process (/proc/PID/status).
//
// The CPU functions return cumulative readings; callers subtract two of them.
// Thread-safe.
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

// Resident set size of process `pid` in KiB (VmRSS); nullopt if it cannot be read.
std::optional<uint64_t> ProcessRssKiB(pid_t pid);

}  // namespace ssebench
