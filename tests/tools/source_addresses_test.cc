// How sse-bench spreads many connections over loopback source addresses.
#include "source_addresses.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace ssebench {
namespace {

sockaddr_storage Server(int family, const char* address) {
  sockaddr_storage storage{};
  if (family == AF_INET) {
    auto& in = reinterpret_cast<sockaddr_in&>(storage);
    in.sin_family = AF_INET;
    inet_pton(AF_INET, address, &in.sin_addr);
  } else {
    auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
    in6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, address, &in6.sin6_addr);
  }
  return storage;
}

std::string Text(const sockaddr_in& address) {
  char text[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
  return text;
}

TEST(SourceAddressesTest, OneAddressPerTwentyThousandLoopbackConnections) {
  const sockaddr_storage loopback = Server(AF_INET, "127.0.0.1");
  EXPECT_EQ(SourceAddressCount(loopback, 100, -1), 0u);
  EXPECT_EQ(SourceAddressCount(loopback, 20000, -1), 0u);
  EXPECT_EQ(SourceAddressCount(loopback, 20001, -1), 2u);
  EXPECT_EQ(SourceAddressCount(loopback, 50000, -1), 3u);
  EXPECT_EQ(SourceAddressCount(Server(AF_INET, "127.5.6.7"), 50000, -1), 3u);
}

TEST(SourceAddressesTest, OtherServersAreLeftToTheKernelUnlessAsked) {
  EXPECT_EQ(SourceAddressCount(Server(AF_INET, "10.0.0.1"), 50000, -1), 0u);
  EXPECT_EQ(SourceAddressCount(Server(AF_INET6, "::1"), 50000, -1), 0u);
  EXPECT_EQ(SourceAddressCount(Server(AF_INET, "127.0.0.1"), 50000, 0), 0u);
  EXPECT_EQ(SourceAddressCount(Server(AF_INET, "127.0.0.1"), 10, 4), 4u);
}

TEST(SourceAddressesTest, AddressesCountUpFromLoopbackOne) {
  const auto addresses = LoopbackSourceAddresses(300);
  ASSERT_EQ(addresses.size(), 300u);
  EXPECT_EQ(Text(addresses[0]), "127.0.0.1");
  EXPECT_EQ(Text(addresses[1]), "127.0.0.2");
  EXPECT_EQ(Text(addresses[254]), "127.0.0.255");
  EXPECT_EQ(Text(addresses[255]), "127.0.1.0");
  for (const sockaddr_in& address : addresses) {
    EXPECT_EQ(address.sin_family, AF_INET);
    EXPECT_EQ(address.sin_port, 0);
  }
}

}  // namespace
}  // namespace ssebench
