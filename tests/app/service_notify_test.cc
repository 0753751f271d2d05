// ServiceNotify against a real datagram socket standing in for systemd's NOTIFY_SOCKET.
#include "app/service_notify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ssegw::app {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class NotifySocket {
 public:
  NotifySocket() {
    path_ = ::testing::TempDir() + "notify-" + std::to_string(getpid()) + ".sock";
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    unlink(path_.c_str());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
        << strerror(errno);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
    unlink(path_.c_str());
  }

  // The next datagram (sd_notify sends synchronously, so it is already queued).
  std::string Take() {
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(ServiceNotifyTest, TellsSystemdEachState) {
  NotifySocket systemd;
  EXPECT_TRUE(service_notify::Ready());
  EXPECT_THAT(systemd.Take(), StartsWith("READY=1\n"));
  EXPECT_TRUE(service_notify::Reloading());
  const std::string reloading = systemd.Take();
  EXPECT_THAT(reloading, StartsWith("RELOADING=1\n"));
  EXPECT_THAT(reloading, HasSubstr("\nMONOTONIC_USEC="));
  EXPECT_TRUE(service_notify::Stopping());
  EXPECT_THAT(systemd.Take(), StartsWith("STOPPING=1\n"));
  EXPECT_TRUE(service_notify::Status("3 connections\nREADY=1"));
  EXPECT_EQ(systemd.Take(), "STATUS=3 connections READY=1");  // one line, no injected state
}

TEST(ServiceNotifyTest, DoesNothingOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(service_notify::Ready());
  EXPECT_FALSE(service_notify::Stopping());
  EXPECT_FALSE(service_notify::Status("idle"));
}

}  // namespace
}  // namespace ssegw::app
