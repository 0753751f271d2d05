#include "testutil/command.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ssegw::testing {
namespace {

std::string TempFile(const std::string& contents) {
  char path[] = "/tmp/ssegw-cmd-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) std::abort();
  ::close(fd);
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

std::string ReadAndRemove(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  return contents;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input) {
  const std::string in_path = TempFile(input);
  const std::string out_path = TempFile("");
  const std::string err_path = TempFile("");
  // Everything the child needs is made before fork: another thread of the test may hold
  // the allocator's lock at the fork, and a child that allocates then waits for it
  // forever (a test that hung until ctest's timeout under the sanitizers).
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int in = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = ::open(out_path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (in < 0 || out < 0 || err < 0) ::_exit(127);
    // dup2 clears close-on-exec on the copies.
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  for (const int fd : {in, out, err}) {
    if (fd >= 0) ::close(fd);
  }
  CommandResult result;
  int status = 0;
  while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadAndRemove(out_path);
  result.err = ReadAndRemove(err_path);
  std::remove(in_path.c_str());
  return result;
}

}  // namespace ssegw::testing
