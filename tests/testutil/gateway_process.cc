#include "testutil/gateway_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "testutil/child_exec.h"

namespace ssegw::testing {

namespace {

std::string MakeTempDir(const char* prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / prefix).string() + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

// The certificate directory lives as long as the test process; removing it at exit keeps
// /tmp clean without every test having to own it.
std::string g_cert_dir;
void RemoveCertDir() {
  std::error_code ignored;
  if (!g_cert_dir.empty()) std::filesystem::remove_all(g_cert_dir, ignored);
}

}  // namespace

std::optional<TestCertificate> MakeTestCertificate(const std::string& gen_cert_script,
                                                   std::string* error) {
  static std::optional<TestCertificate> made;
  if (made) return made;
  g_cert_dir = MakeTempDir("ssegw-e2e-cert-");
  if (g_cert_dir.empty()) {
    *error = std::string("mkdtemp: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::atexit(RemoveCertDir);
  const std::string command = "'" + gen_cert_script + "' '" + g_cert_dir + "' 2>/dev/null";
  const int rc = std::system(command.c_str());
  TestCertificate cert{g_cert_dir + "/server.crt", g_cert_dir + "/server.key"};
  if (rc != 0 || !std::filesystem::exists(cert.cert_file) ||
      !std::filesystem::exists(cert.key_file)) {
    *error = "'" + command + "' failed (status " + std::to_string(rc) + ")";
    return std::nullopt;
  }
  made = cert;
  return made;
}

GatewayProcess::GatewayProcess(GatewayConfig config) : config_(std::move(config)) {}

GatewayProcess::~GatewayProcess() {
  Kill();
  if (drain_thread_.joinable()) drain_thread_.join();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

bool GatewayProcess::Start(std::string* error) {
  dir_ = MakeTempDir("ssegw-e2e-");
  if (dir_.empty()) {
    *error = std::string("mkdtemp: ") + std::strerror(errno);
    return false;
  }
  socket_path_ = config_.socket_path.empty() ? dir_ + "/publish.sock" : config_.socket_path;
  stderr_path_ = dir_ + "/stderr.log";

  std::vector<std::string> args = {config_.binary,
                                   "--listen",
                                   config_.listen,
                                   "--socket",
                                   socket_path_,
                                   "--cert",
                                   config_.certificate.cert_file,
                                   "--key",
                                   config_.certificate.key_file};
  if (!config_.listen_plain.empty()) {
    args.push_back("--listen-plain");
    args.push_back(config_.listen_plain);
  }
  // The suite runs once per worker-thread count (ctest sets SSEGW_TEST_THREADS); a test
  // that names --threads itself keeps its own.
  const bool own_threads = std::find(config_.extra_args.begin(), config_.extra_args.end(),
                                     "--threads") != config_.extra_args.end();
  if (const char* threads = getenv("SSEGW_TEST_THREADS");
      threads != nullptr && *threads != 0 && !own_threads) {
    args.push_back("--threads");
    args.push_back(threads);
  }
  args.insert(args.end(), config_.extra_args.begin(), config_.extra_args.end());
  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls are allowed, and gtest or drain threads may hold locks.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return false;
  }
  const int err_fd = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (err_fd < 0) {
    *error = std::string("open stderr file: ") + std::strerror(errno);
    return false;
  }
  // Lets the child report a failed exec through a close-on-exec pipe: EOF means exec ran.
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return false;
  }
  const pid_t parent = getpid();

  pid_ = fork();
  if (pid_ < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid_ == 0) {
    if (!PrepareChildForExec(parent, out_pipe[1], err_fd)) _exit(127);
    execv(argv[0], argv.data());
    const int e = errno;
    (void)!write(exec_pipe[1], &e, sizeof e);
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_fd);
  close(exec_pipe[1]);
  int exec_errno = 0;
  const ssize_t n = read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  close(exec_pipe[0]);
  if (n == sizeof exec_errno) {
    close(out_pipe[0]);
    WaitForExit(std::chrono::seconds(5));
    *error = "exec " + config_.binary + ": " + std::strerror(exec_errno);
    return false;
  }

  drain_thread_ = std::thread([this, fd = out_pipe[0]] { DrainStdout(fd); });

  // The port is only known once the gateway says it: with port 0 it picks a free one.
  static const std::regex kUrl(R"(https://(\[[^\]]*\]|[^\s:/]+):([0-9]+))");
  static const std::regex kPlainUrl(R"(http://(\[[^\]]*\]|[^\s:/]+):([0-9]+))");
  const auto deadline = std::chrono::steady_clock::now() + config_.startup_timeout;
  std::unique_lock lock(mutex_);
  while (true) {
    size_t start = 0;
    for (size_t end; (end = stdout_.find('\n', start)) != std::string::npos; start = end + 1) {
      const std::string line = stdout_.substr(start, end - start);
      std::smatch match;
      if (std::regex_search(line, match, kUrl)) {
        startup_line_ = line;
        port_ = std::stoi(match[2].str());
        std::smatch plain;
        if (std::regex_search(line, plain, kPlainUrl)) plain_port_ = std::stoi(plain[2].str());
        return true;
      }
    }
    if (stdout_eof_) break;
    if (stdout_changed_.wait_until(lock, deadline) == std::cv_status::timeout) break;
  }
  const bool eof = stdout_eof_;
  const std::string out = stdout_;
  lock.unlock();
  std::ostringstream message;
  message << (eof ? "gateway closed stdout before its startup line"
                  : "no startup line with https://HOST:PORT in time");
  if (auto status = WaitForExit(std::chrono::milliseconds(eof ? 2000 : 0))) {
    message << "; it " << DescribeWaitStatus(*status);
  }
  message << "\nstdout:\n" << out << "\nstderr:\n" << Stderr();
  *error = message.str();
  return false;
}

void GatewayProcess::DrainStdout(int fd) {
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      stdout_eof_ = true;
      stdout_changed_.notify_all();
      break;
    }
    stdout_.append(buffer, static_cast<size_t>(n));
    stdout_changed_.notify_all();
  }
  close(fd);
}

std::optional<int> GatewayProcess::Terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, SIGTERM);
  return WaitForExit(timeout);
}

std::optional<int> GatewayProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  // waitpid has no timeout; a short poll is only the guard's granularity, the verdict
  // is the exit status itself.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      exit_status_ = status;
      return status;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool GatewayProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    exit_status_ = status;
    return false;
  }
  return true;
}

void GatewayProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string GatewayProcess::Stderr() const {
  return stderr_path_.empty() ? std::string() : ReadFile(stderr_path_);
}

std::string GatewayProcess::Stdout() {
  std::lock_guard lock(mutex_);
  return stdout_;
}

long GatewayProcess::RssKiB() const {
  if (pid_ <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace ssegw::testing
