// Source addresses and descriptors for runs with many connections.
//
// One source address reaches one server address:port from at most the ephemeral port
// range (~28,000 ports on Linux), so beyond that sse-bench spreads its connections over
// several loopback source addresses, 127.0.0.1, 127.0.0.2, ... (all of 127.0.0.0/8 is
// local on Linux): connection i binds to address i mod N before it connects, with
// IP_BIND_ADDRESS_NO_PORT so that the port is still chosen per destination at connect.
// Every connection is also a descriptor, so the run raises its own descriptor limit.
//
// Pure functions, plus BindSource and RaiseDescriptorLimit, which act on the process.
// Thread-safe.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ssebench {

// Connections one source address is given before another is added (well inside the
// default ephemeral range of 28,232 ports, leaving room for other programs).
inline constexpr size_t kConnectionsPerSourceAddress = 20000;

// How many source addresses `connections` need towards `server`: 0 (let the kernel
// choose) unless `server` is an IPv4 loopback address and more than one address is
// needed. `requested` >= 0 overrides (0: none).
size_t SourceAddressCount(const sockaddr_storage& server, size_t connections, int requested);

// 127.0.0.1, 127.0.0.2, ... `count` of them (at most 2^24 - 2); port 0.
std::vector<sockaddr_in> LoopbackSourceAddresses(size_t count);

// Binds the unconnected socket `fd` to `source` without taking a port yet. false with
// *error on failure.
bool BindSource(int fd, const sockaddr_in& source, std::string* error);

// Raises this process's descriptor limit (soft, and hard when permitted) to `needed`.
// Returns the soft limit now in force.
size_t RaiseDescriptorLimit(size_t needed);

}  // namespace ssebench
