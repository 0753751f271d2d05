// NatsCluster: real `nats-server` processes with JetStream on loopback, for tests. One
// node, or a cluster of N whose routes run on loopback.
//
// Start() picks free ports (clients and routes), writes one config per node with its own
// store directory inside a private temporary directory, starts every node and waits
// until JetStream answers through each of them (which, in a cluster, needs an elected
// metadata leader). When another process took a port meanwhile, it starts over on new
// ones (up to three times). Waiting polls with a short pause and gives up at a bound; it never
// sleeps a fixed time. Nodes can be killed (SIGKILL), stopped, paused (SIGSTOP),
// restarted with the same ports and store, all or one by one.
//
// The destructor kills every node, reaps it and removes the temporary directory. A node
// also gets SIGKILL when the thread that started it dies (PR_SET_PDEATHSIG), so a crashed
// test leaves no server behind: start nodes from the test's main thread.
//
// Not thread-safe: driven by one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace ssegw::testing {

struct NatsClusterConfig {
  int nodes = 1;
  std::string binary = "nats-server";
  // Give-up bound for every wait; a loaded CI machine may need many seconds.
  std::chrono::milliseconds ready_timeout{45000};
  // PEM files: when set, clients must use TLS (ClientUrl says tls://).
  std::string tls_cert{};
  std::string tls_key{};
};

class NatsCluster {
 public:
  explicit NatsCluster(NatsClusterConfig config = {});
  ~NatsCluster();
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  // Starts every node and waits until JetStream is ready on each. false: *error says why
  // (with the servers' logs).
  bool Start(std::string* error);

  int size() const { return static_cast<int>(nodes_.size()); }
  // nats://127.0.0.1:PORT (tls:// with TLS) of one node, or of all of them.
  std::string ClientUrl(int node) const;
  std::vector<std::string> ClientUrls() const;
  pid_t pid(int node) const { return nodes_[node].pid; }

  // True while the node's process has not been reaped.
  bool Running(int node);
  // SIGKILL and reap: the server gets no chance to flush or say goodbye.
  void Kill(int node);
  void KillAll();
  // SIGTERM and wait for the exit (bounded). false when it did not exit in time (it is
  // then killed).
  bool Stop(int node);
  // SIGSTOP / SIGCONT: the node keeps its sockets but answers nothing. Pause returns
  // once the kernel reports the process stopped (false if it never did).
  bool Pause(int node);
  void Resume(int node);

  // Starts a node that is not running, with its ports and store, and waits until
  // JetStream answers through it.
  bool Restart(int node, std::string* error);
  // Starts every node that is not running, then waits until JetStream answers through
  // each node.
  bool RestartAll(std::string* error);

  // Waits until JetStream answers an account-info request through every running node.
  bool WaitForJetStream(std::string* error);

  // What the node wrote to stdout and stderr, across restarts.
  std::string Log(int node) const;
  std::string AllLogs() const;

 private:
  struct Node {
    std::string name;
    int client_port = 0;
    int route_port = 0;
    std::string config_path;
    std::string log_path;
    pid_t pid = -1;
  };

  // Picks ports and writes every node's config.
  bool Configure(std::string* error);
  bool Spawn(Node& node, std::string* error);
  bool NodeReady(const Node& node);
  bool WaitUntil(const std::vector<int>& nodes, std::string* error);

  NatsClusterConfig config_;
  std::string dir_;
  std::vector<Node> nodes_;
};

}  // namespace ssegw::testing
