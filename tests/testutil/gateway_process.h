// GatewayProcess: the real sse-gateway binary run as a child process for end-to-end
// tests.
//
// Start() fork+execs the binary with `--listen 127.0.0.1:0`, a publish socket in a
// private temporary directory, the test certificate, `--threads $SSEGW_TEST_THREADS`
// when that is set and the test names no --threads itself, and any extra flags, then reads the
// child's stdout until the startup line (the one holding `https://HOST:PORT`) and takes
// the port from it (and the cleartext port from `http://HOST:PORT`, with
// --listen-plain). stdout keeps being drained by a background thread, so a chatty
// gateway can never block on a full pipe; stderr goes to a file that Stderr() returns
// for failure messages. The destructor SIGKILLs a child that is still running, reaps it
// and removes the temporary directory; the child also gets SIGKILL if the test process
// dies first (PR_SET_PDEATHSIG), so a crashed test never leaves gateways behind.
//
// TestCertificate() makes one self-signed certificate per test process with
// scripts/gen-dev-cert and reuses it for every gateway the process starts.
//
// Not thread-safe: one GatewayProcess is driven by one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ssegw::testing {

struct TestCertificate {
  std::string cert_file;
  std::string key_file;
};

// Generates (on first call) a certificate with the given gen-dev-cert script into a
// temporary directory removed at process exit. Returns nullopt and fills *error when the
// script fails.
std::optional<TestCertificate> MakeTestCertificate(const std::string& gen_cert_script,
                                                   std::string* error);

struct GatewayConfig {
  std::string binary{};                   // path of sse-gateway
  TestCertificate certificate{};          // passed as --cert/--key
  std::vector<std::string> extra_args{};  // appended after the harness's own flags
  std::string listen = "127.0.0.1:0";     // --listen
  std::string listen_plain{};             // --listen-plain when not empty
  std::string socket_path{};              // --socket; empty: one in a private temporary directory
  std::chrono::milliseconds startup_timeout{10000};
};

class GatewayProcess {
 public:
  explicit GatewayProcess(GatewayConfig config);
  ~GatewayProcess();
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  // Starts the gateway and waits for its startup line. false: *error says why (the exec
  // failed, the child exited, or no startup line came in time), with its stderr.
  bool Start(std::string* error);

  // SIGTERM, then waits for the exit. Returns the raw wait status, or nullopt if the
  // child did not exit in time (it is left running; the destructor kills it).
  std::optional<int> Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Waits for the child to exit by itself; same result convention as Terminate.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

  // True while the child has not been reaped (a non-blocking check).
  bool Running();

  // The raw wait status once the child has been reaped (also after a failed Start).
  std::optional<int> exit_status() const { return exit_status_; }

  int port() const { return port_; }
  // The cleartext listener's port (from "http://HOST:PORT"), 0 when there is none.
  int plain_port() const { return plain_port_; }
  pid_t pid() const { return pid_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& startup_line() const { return startup_line_; }

  // Everything the child wrote to stderr so far, and to stdout so far.
  std::string Stderr() const;
  std::string Stdout();

  // Resident set size of the child from /proc/PID/status (VmRSS), in KiB; -1 if unknown.
  long RssKiB() const;

 private:
  void DrainStdout(int fd);
  void Kill();

  GatewayConfig config_;
  std::string dir_;  // private temporary directory: socket and stderr file
  std::string socket_path_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  int port_ = 0;
  int plain_port_ = 0;
  std::string startup_line_;

  std::thread drain_thread_;
  std::mutex mutex_;
  std::condition_variable stdout_changed_;
  std::string stdout_;       // guarded by mutex_
  bool stdout_eof_ = false;  // guarded by mutex_
};

}  // namespace ssegw::testing
