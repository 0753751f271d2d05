// Config: the validated settings of one sse-gateway run, from the command line and an
// optional TOML file (--config). Every flag has the same key in the file; a flag given on
// the command line wins over the file. The defaults are the contract's table, so a run
// with no arguments serves the local demo.
//
// ParseCommandLine never exits and never prints: it returns either a Config or what to
// print and the exit code (0 for --help/--version, 2 for a bad flag, value or file, with
// a message that names the flag, or FILE:LINE and the key for a value in the file). Pure
// apart from reading the config file; no globals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/algorithm.h"
#include "net/log.h"

namespace ssegw::app {

struct Endpoint {
  std::string host;  // as given, without IPv6 brackets
  uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
};

struct Config {
  Endpoint listen{"127.0.0.1", 8443};
  std::optional<Endpoint> listen_plain;
  std::optional<Endpoint> metrics_listen;
  std::string cert = "certs/dev/server.crt";
  std::string key = "certs/dev/server.key";
  std::string socket_path = "/tmp/sse-gateway.sock";
  uint32_t socket_mode = 0660;
  uint64_t history_events = 10000;
  uint64_t history_bytes = 67108864;
  uint32_t keepalive_s = 15;
  uint32_t retry_ms = 0;
  uint32_t max_stream_age_s = 0;
  uint64_t max_connections = 10000;
  uint32_t max_streams = 1000;
  uint64_t stream_buffer_bytes = 1048576;
  uint32_t slow_consumer_grace_s = 10;
  uint64_t max_frame_bytes = 1048576;
  uint32_t publish_stall_timeout_s = 30;
  std::vector<std::string> allow_origins;
  uint32_t threads = 0;  // 0: one per online CPU
  // Subscriber authorization: with no key, every topic is public.
  std::vector<std::string> auth_keys;
  std::vector<auth::Algorithm> auth_algorithms{auth::kDefaultAlgorithm};
  std::optional<std::string> auth_audience;
  std::optional<std::string> auth_issuer;
  std::string auth_cookie = "ssegw_token";
  std::optional<std::string> auth_query_param;
  std::vector<std::string> public_topics;   // patterns, checked by auth::TopicPattern
  std::vector<uint32_t> socket_allow_uids;  // empty: any peer the socket's mode lets in
  net::LogLevel log_level = net::LogLevel::kInfo;
  net::LogFormat log_format = net::LogFormat::kText;
  // The cluster log: with no URL the history lives in the process.
  std::vector<std::string> nats_urls;
  std::string nats_creds;
  std::string nats_ca;
  std::string nats_stream = "SSEGW";
  uint32_t nats_replicas = 1;
  uint32_t publish_timeout_ms = 2000;
};

struct ParseResult {
  std::optional<Config> config;  // set: run with it
  int exit_code = 0;             // otherwise: exit with this code ...
  std::string message;           // ... after printing this (stdout for 0, stderr otherwise)
  bool check_only = false;  // --check-config: check `config` (app/check_config.h), do not serve
};

ParseResult ParseCommandLine(int argc, const char* const* argv);
// The same, for tests: args excludes the program name.
ParseResult ParseArgs(const std::vector<std::string>& args);

}  // namespace ssegw::app
