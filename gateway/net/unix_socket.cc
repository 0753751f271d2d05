#include "net/unix_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/log.h"

namespace ssegw::net {
namespace {

bool MakeAddress(const std::string& path, sockaddr_un* address, std::string* error) {
  *address = {};
  address->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address->sun_path)) {
    *error = "publish socket path must be 1-" + std::to_string(sizeof(address->sun_path) - 1) +
             " bytes: " + path;
    return false;
  }
  memcpy(address->sun_path, path.data(), path.size());
  return true;
}

// Whether something accepts connections at `address` right now.
bool HasLiveListener(const sockaddr_un& address) {
  UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!probe.valid()) return false;
  if (connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
    return true;
  }
  // EAGAIN: a live listener whose backlog is full. ECONNREFUSED: nobody listens.
  return errno == EAGAIN || errno == EINPROGRESS;
}

}  // namespace

bool BindUnixListener(const std::string& path, mode_t mode, BoundUnixSocket* out,
                      std::string* error) {
  sockaddr_un address;
  if (!MakeAddress(path, &address, error)) return false;

  struct stat existing {};
  if (lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      *error = "publish socket " + path + " exists and is not a socket; not replacing it";
      return false;
    }
    if (HasLiveListener(address)) {
      *error = "publish socket " + path + " is in use by another live process (another gateway?)";
      return false;
    }
    LOG_INFO("replacing stale publish socket %s", path.c_str());
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      *error = "cannot remove stale publish socket " + path + ": " + strerror(errno);
      return false;
    }
  }

  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    *error = std::string("cannot create the publish socket: ") + strerror(errno);
    return false;
  }
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    *error = "cannot bind publish socket " + path + ": " + strerror(errno);
    return false;
  }
  struct stat created {};
  // chmod on the path: fchmod on a socket does not change its file's mode on Linux.
  if (chmod(path.c_str(), mode) != 0 || stat(path.c_str(), &created) != 0) {
    *error = "cannot set the mode of publish socket " + path + ": " + strerror(errno);
    unlink(path.c_str());
    return false;
  }
  if (listen(fd.get(), SOMAXCONN) != 0) {
    *error = "cannot listen on publish socket " + path + ": " + strerror(errno);
    unlink(path.c_str());
    return false;
  }
  out->fd = std::move(fd);
  out->device = created.st_dev;
  out->inode = created.st_ino;
  return true;
}

void UnlinkIfOurs(const std::string& path, const BoundUnixSocket& bound) {
  struct stat current {};
  if (lstat(path.c_str(), &current) != 0) return;
  if (current.st_dev != bound.device || current.st_ino != bound.inode) return;
  unlink(path.c_str());
}

}  // namespace ssegw::net
