// The publish socket's file: binding a Unix SOCK_STREAM listener at a path, replacing a
// stale socket file left by a gateway that died, refusing one a live process listens on.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>

#include "net/unique_fd.h"

namespace ssegw::net {

struct BoundUnixSocket {
  UniqueFd fd;  // listening, non-blocking, close-on-exec
  // Identity of the file we created, so we unlink only our own socket at exit and not
  // one a newer gateway has since bound at the same path.
  dev_t device = 0;
  ino_t inode = 0;
};

// Binds and listens at `path` with file mode `mode`. An existing socket file that
// refuses connections is stale and replaced; one that accepts them, or any other kind
// of file, is left alone and reported as an error. false with *error on failure.
bool BindUnixListener(const std::string& path, mode_t mode, BoundUnixSocket* out,
                      std::string* error);

// Removes `path` if it is still the socket described by `bound`.
void UnlinkIfOurs(const std::string& path, const BoundUnixSocket& bound);

}  // namespace ssegw::net
