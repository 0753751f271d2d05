#include "source_addresses.h"

#include <arpa/inet.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace ssebench {

size_t SourceAddressCount(const sockaddr_storage& server, size_t connections, int requested) {
  if (requested >= 0) return static_cast<size_t>(requested);
  if (server.ss_family != AF_INET) return 0;
  const auto& in = reinterpret_cast<const sockaddr_in&>(server);
  const bool loopback = (ntohl(in.sin_addr.s_addr) >> 24) == 127;
  const size_t count =
      (connections + kConnectionsPerSourceAddress - 1) / kConnectionsPerSourceAddress;
  return loopback && count > 1 ? count : 0;
}

std::vector<sockaddr_in> LoopbackSourceAddresses(size_t count) {
  std::vector<sockaddr_in> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl((127u << 24) + 1 + static_cast<uint32_t>(i));
    out.push_back(address);
  }
  return out;
}

bool BindSource(int fd, const sockaddr_in& source, std::string* error) {
  const int one = 1;
  // The port is picked at connect, per destination, instead of at bind for every
  // destination at once: this is what lets one address carry a full ephemeral range.
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) == 0) return true;
  char text[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &source.sin_addr, text, sizeof text);
  *error = std::string("bind to source address ") + text + ": " + std::strerror(errno);
  return false;
}

size_t RaiseDescriptorLimit(size_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur >= needed) return limit.rlim_cur;
  rlimit wanted = limit;
  wanted.rlim_cur = needed;
  // Raising the hard limit needs CAP_SYS_RESOURCE; without it, go as far as it allows.
  if (wanted.rlim_max < needed) wanted.rlim_max = needed;
  if (setrlimit(RLIMIT_NOFILE, &wanted) != 0) {
    wanted = limit;
    wanted.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &wanted);
  }
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

}  // namespace ssebench
