#include "testutil/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "testutil/child_exec.h"

namespace ssegw::testing {

namespace {

std::string MakeTempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "ssegw-nats-").string() + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

// Free loopback ports, all distinct: each socket stays bound until every port is picked.
std::vector<int> PickFreePorts(size_t count) {
  std::vector<int> fds;
  std::vector<int> ports;
  for (size_t i = 0; i < count; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (fd >= 0) close(fd);
      break;
    }
    fds.push_back(fd);
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) close(fd);
  return ports;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// Polling pause of the readiness checks: only the granularity of a bounded wait.
constexpr auto kPollPause = std::chrono::milliseconds(50);

}  // namespace

NatsCluster::NatsCluster(NatsClusterConfig config) : config_(std::move(config)) {}

NatsCluster::~NatsCluster() {
  KillAll();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

bool NatsCluster::Start(std::string* error) {
  dir_ = MakeTempDir();
  if (dir_.empty()) {
    *error = std::string("mkdtemp: ") + std::strerror(errno);
    return false;
  }
  // A port picked free can be taken by another test before the server binds it: then
  // start over on other ports.
  for (int attempt = 1;; ++attempt) {
    if (!Configure(error)) return false;
    bool spawned = true;
    for (Node& node : nodes_) spawned = spawned && Spawn(node, error);
    if (spawned && WaitForJetStream(error)) return true;
    if (attempt == 3 || AllLogs().find("address already in use") == std::string::npos) {
      return false;
    }
    KillAll();
    std::error_code ignored;
    for (const Node& node : nodes_) std::filesystem::remove_all(dir_ + "/" + node.name, ignored);
  }
}

bool NatsCluster::Configure(std::string* error) {
  const int n = config_.nodes;
  const std::vector<int> ports = PickFreePorts(static_cast<size_t>(2 * n));
  if (static_cast<int>(ports.size()) != 2 * n) {
    *error = "could not find free loopback ports";
    return false;
  }
  nodes_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Node& node = nodes_[static_cast<size_t>(i)];
    node.name = "n" + std::to_string(i + 1);
    node.client_port = ports[static_cast<size_t>(2 * i)];
    node.route_port = ports[static_cast<size_t>(2 * i + 1)];
    node.config_path = dir_ + "/" + node.name + ".conf";
    node.log_path = dir_ + "/" + node.name + ".log";
  }
  for (Node& node : nodes_) {
    std::ofstream conf(node.config_path);
    conf << "server_name: " << node.name << "\n"
         << "listen: 127.0.0.1:" << node.client_port << "\n"
         << "jetstream {\n"
         << "  store_dir: \"" << dir_ << "/" << node.name << "\"\n"
         << "  max_memory_store: 268435456\n"
         << "  max_file_store: 1073741824\n"
         << "}\n";
    if (!config_.tls_cert.empty()) {
      conf << "tls {\n"
           << "  cert_file: \"" << config_.tls_cert << "\"\n"
           << "  key_file: \"" << config_.tls_key << "\"\n"
           << "}\n";
    }
    if (n > 1) {
      conf << "cluster {\n"
           << "  name: ssegw-test\n"
           << "  listen: 127.0.0.1:" << node.route_port << "\n"
           << "  routes: [\n";
      for (const Node& other : nodes_) {
        if (&other != &node) conf << "    nats-route://127.0.0.1:" << other.route_port << "\n";
      }
      conf << "  ]\n}\n";
    }
    if (!conf) {
      *error = "cannot write " + node.config_path;
      return false;
    }
  }
  return true;
}

bool NatsCluster::Spawn(Node& node, std::string* error) {
  std::vector<std::string> args = {config_.binary, "-c", node.config_path};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int log_fd = open(node.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    *error = "open " + node.log_path + ": " + std::strerror(errno);
    return false;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    if (!PrepareChildForExec(parent, log_fd, log_fd)) _exit(127);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  node.pid = pid;
  return true;
}

std::string NatsCluster::ClientUrl(int node) const {
  return (config_.tls_cert.empty() ? "nats://127.0.0.1:" : "tls://127.0.0.1:") +
         std::to_string(nodes_[static_cast<size_t>(node)].client_port);
}

std::vector<std::string> NatsCluster::ClientUrls() const {
  std::vector<std::string> urls;
  for (int i = 0; i < size(); ++i) urls.push_back(ClientUrl(i));
  return urls;
}

bool NatsCluster::Running(int index) {
  Node& node = nodes_[static_cast<size_t>(index)];
  if (node.pid <= 0) return false;
  int status = 0;
  if (waitpid(node.pid, &status, WNOHANG) == node.pid) {
    node.pid = -1;
    return false;
  }
  return true;
}

void NatsCluster::Kill(int index) {
  Node& node = nodes_[static_cast<size_t>(index)];
  if (node.pid <= 0) return;
  kill(node.pid, SIGKILL);
  Reap(node.pid);
  node.pid = -1;
}

void NatsCluster::KillAll() {
  for (int i = 0; i < size(); ++i) Kill(i);
}

bool NatsCluster::Stop(int index) {
  Node& node = nodes_[static_cast<size_t>(index)];
  if (node.pid <= 0) return true;
  kill(node.pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + config_.ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running(index)) return true;
    std::this_thread::sleep_for(kPollPause);
  }
  Kill(index);
  return false;
}

bool NatsCluster::Pause(int index) {
  const Node& node = nodes_[static_cast<size_t>(index)];
  if (node.pid <= 0) return false;
  kill(node.pid, SIGSTOP);
  // kill() only queues the signal: wait until the kernel reports the process stopped.
  const auto deadline = std::chrono::steady_clock::now() + config_.ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string stat = ReadFile("/proc/" + std::to_string(node.pid) + "/stat");
    const size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'T') {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

void NatsCluster::Resume(int index) {
  const Node& node = nodes_[static_cast<size_t>(index)];
  if (node.pid > 0) kill(node.pid, SIGCONT);
}

bool NatsCluster::Restart(int index, std::string* error) {
  if (Running(index)) return true;
  if (!Spawn(nodes_[static_cast<size_t>(index)], error)) return false;
  return WaitUntil({index}, error);
}

bool NatsCluster::RestartAll(std::string* error) {
  for (int i = 0; i < size(); ++i) {
    if (!Running(i) && !Spawn(nodes_[static_cast<size_t>(i)], error)) return false;
  }
  return WaitForJetStream(error);
}

bool NatsCluster::WaitForJetStream(std::string* error) {
  std::vector<int> running;
  for (int i = 0; i < size(); ++i) {
    if (Running(i)) running.push_back(i);
  }
  return WaitUntil(running, error);
}

bool NatsCluster::WaitUntil(const std::vector<int>& nodes, std::string* error) {
  const auto deadline = std::chrono::steady_clock::now() + config_.ready_timeout;
  for (int index : nodes) {
    while (!NodeReady(nodes_[static_cast<size_t>(index)])) {
      if (!Running(index)) {
        *error = nodes_[static_cast<size_t>(index)].name + " exited\n" + AllLogs();
        return false;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        *error = "JetStream not ready through " + nodes_[static_cast<size_t>(index)].name +
                 " in time\n" + AllLogs();
        return false;
      }
      std::this_thread::sleep_for(kPollPause);
    }
  }
  return true;
}

// One attempt: connect to this node alone and ask JetStream for the account's info. In a
// cluster only the metadata leader answers it (others answer "temporarily unavailable"
// while there is none), so success means the node is up, routed and JetStream works.
bool NatsCluster::NodeReady(const Node& node) {
  natsOptions* options = nullptr;
  if (natsOptions_Create(&options) != NATS_OK) return false;
  const std::string url = "nats://127.0.0.1:" + std::to_string(node.client_port);
  natsOptions_SetURL(options, url.c_str());
  if (!config_.tls_cert.empty()) {
    // Readiness only: the tests check the certificate themselves.
    natsOptions_SetSecure(options, true);
    natsOptions_SkipServerVerification(options, true);
  }
  natsOptions_SetAllowReconnect(options, false);
  natsOptions_SetTimeout(options, 1000);
  natsConnection* nc = nullptr;
  bool ready = false;
  if (natsConnection_Connect(&nc, options) == NATS_OK) {
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = 2000;
    jsCtx* js = nullptr;
    if (natsConnection_JetStream(&js, nc, &js_options) == NATS_OK) {
      jsAccountInfo* info = nullptr;
      ready = js_GetAccountInfo(&info, js, nullptr, nullptr) == NATS_OK;
      jsAccountInfo_Destroy(info);
      jsCtx_Destroy(js);
    }
    natsConnection_Close(nc);
  }
  natsConnection_Destroy(nc);
  natsOptions_Destroy(options);
  return ready;
}

std::string NatsCluster::Log(int node) const {
  return ReadFile(nodes_[static_cast<size_t>(node)].log_path);
}

std::string NatsCluster::AllLogs() const {
  std::string out;
  for (int i = 0; i < size(); ++i) {
    out += "---- " + nodes_[static_cast<size_t>(i)].name + " log ----\n" + Log(i);
  }
  return out;
}

}  // namespace ssegw::testing
