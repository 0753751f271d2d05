// Formatting of socket addresses for logs and the startup line.
#pragma once

#include <sys/socket.h>

#include <string>

namespace ssegw::net {

// "127.0.0.1:8443", "[::1]:8443"; "?" for families other than IPv4/IPv6.
std::string FormatHostPort(const sockaddr* address, socklen_t length);

}  // namespace ssegw::net
