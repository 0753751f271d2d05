#include "app/config.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>
#include <toml.hpp>

#include "app/closest_name.h"
#include "auth/topic_pattern.h"

namespace ssegw::app {
namespace {

// Every setting, by its flag name without "--" (also its TOML key).
struct FlagSpec {
  const char* name;
  const char* value_name;
  const char* help;
  bool repeatable;
};

constexpr FlagSpec kFlags[] = {
    {"listen", "HOST:PORT",
     "TLS listener, ALPN h2 and http/1.1 (port 0: pick a free port) [127.0.0.1:8443]", false},
    {"listen-plain", "HOST:PORT",
     "cleartext listener for a TLS-terminating balancer: HTTP/2 with prior knowledge and "
     "HTTP/1.1 (port 0: pick a free port) [none]",
     false},
    {"metrics-listen", "HOST:PORT",
     "serve /metrics, /healthz and /readyz over plain HTTP/1.1 here instead [none: /metrics "
     "on the main listeners]",
     false},
    {"cert", "FILE", "PEM certificate chain [certs/dev/server.crt]", false},
    {"key", "FILE", "PEM private key [certs/dev/server.key]", false},
    {"socket", "PATH", "publish socket [/tmp/sse-gateway.sock]", false},
    {"socket-mode", "OCTAL", "file mode of the publish socket [0660]", false},
    {"history", "EVENTS", "events kept for Last-Event-ID replay [10000]", false},
    {"history-bytes", "BYTES", "byte cap of that history [67108864]", false},
    {"keepalive", "SECONDS", "keep-alive comment and PING period [15]", false},
    {"retry", "MS", "retry: sent at stream start; 0 = not sent [0]", false},
    {"max-stream-age", "SECONDS", "end streams older than this; 0 = off [0]", false},
    {"max-connections", "N", "refuse connections beyond this [10000]", false},
    {"max-streams", "N", "SETTINGS_MAX_CONCURRENT_STREAMS [1000]", false},
    {"stream-buffer", "BYTES", "unsent bytes per stream before the slow-consumer rule [1048576]",
     false},
    {"slow-consumer-grace", "SECONDS",
     "a slow stream that has not drained its queue by then is reset (HTTP/1.1: closed) [10]",
     false},
    {"max-frame", "BYTES", "largest publish frame accepted [1048576]", false},
    {"publish-stall-timeout", "SECONDS",
     "a publisher that sent part of a frame and then nothing for this long is closed [30]", false},
    {"allow-origin", "ORIGIN", "CORS: * or an exact origin; repeatable", true},
    {"threads", "N", "event-loop threads; 0: one per online CPU [0]", false},
    {"auth-key", "FILE",
     "subscribers need a JWT: PEM public key (EC P-256, RSA) or, with --auth-alg HS256, a "
     "shared-secret file; repeatable (key rotation) [none: every topic is public]",
     true},
    {"auth-alg", "ALG", "accepted token algorithms: ES256, RS256, HS256; repeatable [ES256]", true},
    {"auth-audience", "AUD", "tokens' aud must match [not checked]", false},
    {"auth-issuer", "ISS", "tokens' iss must match [not checked]", false},
    {"auth-cookie", "NAME", "cookie read when there is no Authorization header [ssegw_token]",
     false},
    {"auth-query-param", "NAME",
     "also read the token from this query parameter (it shows in logs and history) [off]", false},
    {"public-topic", "PATTERN",
     "topics anyone may subscribe to without a token (* one segment, final ** the rest); "
     "repeatable",
     true},
    {"socket-allow-uid", "UID",
     "only these peer uids may publish on the socket (SO_PEERCRED), on top of its mode; "
     "repeatable [any]",
     true},
    {"log-level", "LEVEL", "debug, info, warn or error [info]", false},
    {"log-format", "FORMAT", "text, or json: one JSON object per line [text]", false},
    {"nats", "URL",
     "cluster log: NATS server, nats://HOST:PORT or tls://HOST:PORT; repeatable (seeds) [none]",
     true},
    {"nats-creds", "FILE", "NATS credentials file (user JWT and nkey seed) [none]", false},
    {"nats-ca", "FILE", "CA bundle to verify the NATS servers' certificates [none]", false},
    {"nats-stream", "NAME", "JetStream stream holding the log; created when missing [SSEGW]",
     false},
    {"nats-replicas", "N", "replicas of that stream when the gateway creates it [1]", false},
    {"publish-timeout", "MS",
     "how long a publish waits for the cluster log before STATUS_UNAVAILABLE [2000]", false},
};

struct RawSetting {
  std::vector<std::string> values;
  std::string file;  // empty: from the command line
  uint32_t line = 0;
};
using RawSettings = std::map<std::string, RawSetting>;

// Thrown by the validators below; caught once and turned into exit code 2.
struct BadSetting {
  std::string message;
};

// A command-line value is named by its flag; a file's value by FILE:LINE and its key, the
// way compilers point at a line.
std::string FileLine(const RawSetting& raw) {
  return raw.file + ":" + std::to_string(raw.line) + ":";
}

std::string Where(const std::string& flag, const RawSetting& raw) {
  if (raw.file.empty()) return "--" + flag + ":";
  return FileLine(raw) + " \"" + flag + "\"";
}

[[noreturn]] void Fail(const std::string& flag, const RawSetting& raw, const std::string& why) {
  throw BadSetting{Where(flag, raw) + " " + why};
}

const std::string& Single(const std::string& flag, const RawSetting& raw) {
  if (raw.values.size() != 1) Fail(flag, raw, "expects exactly one value");
  return raw.values.front();
}

uint64_t ParseUnsigned(const std::string& flag, const RawSetting& raw, uint64_t min, uint64_t max) {
  const std::string& text = Single(flag, raw);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    Fail(flag, raw,
         "expects an integer from " + std::to_string(min) + " to " + std::to_string(max) +
             ", got \"" + text + "\"");
  }
  return value;
}

Endpoint ParseEndpoint(const std::string& flag, const RawSetting& raw) {
  const std::string& text = Single(flag, raw);
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    Fail(flag, raw, "expects HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443), got \"" + text + "\"");
  }
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') Fail(flag, raw, "bad IPv6 host in \"" + text + "\"");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    Fail(flag, raw, "write an IPv6 host in brackets, e.g. [::1]:8443; got \"" + text + "\"");
  }
  RawSetting port_raw = raw;
  port_raw.values = {text.substr(colon + 1)};
  uint64_t port = ParseUnsigned(flag + " port", port_raw, 0, 65535);
  return {host, static_cast<uint16_t>(port)};
}

uint32_t ParseMode(const std::string& flag, const RawSetting& raw) {
  std::string text = Single(flag, raw);
  if (text.starts_with("0o")) text = text.substr(2);
  uint32_t mode = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (text.empty() || text.size() > 4 || ec != std::errc() || end != text.data() + text.size() ||
      mode > 0777) {
    Fail(
        flag, raw,
        "expects an octal file mode from 0 to 0777 (e.g. 0660), got \"" + Single(flag, raw) + "\"");
  }
  return mode;
}

// "*" or "scheme://host[:port]" exactly as a browser sends it in Origin.
void CheckOrigin(const std::string& flag, const RawSetting& raw, const std::string& origin) {
  if (origin == "*") return;
  size_t scheme_end = origin.find("://");
  bool ok = scheme_end != std::string::npos && scheme_end > 0 && origin.size() > scheme_end + 3 &&
            origin.find('/', scheme_end + 3) == std::string::npos;
  for (char c : origin) ok = ok && c > ' ' && c < 0x7f;
  if (!ok) {
    Fail(flag, raw, "expects * or an origin like https://example.com:8443, got \"" + origin + "\"");
  }
}

// A cookie or query-parameter name: an RFC 9110 token (no separators, no spaces).
void CheckToken(const std::string& flag, const RawSetting& raw, const std::string& name) {
  constexpr std::string_view kSpecials = "()<>@,;:\\\"/[]?={} \t";
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return c > ' ' && c < 0x7f && kSpecials.find(c) == std::string_view::npos;
  });
  if (!ok)
    Fail(flag, raw, "expects a name of letters, digits and -._~!#$%&'*+^`|, got \"" + name + "\"");
}

// What libnats connects to: nats://HOST:PORT or tls://HOST:PORT (the port may be left out).
void CheckNatsUrl(const std::string& flag, const RawSetting& raw, const std::string& url) {
  const bool scheme = url.starts_with("nats://") || url.starts_with("tls://");
  const size_t host = url.find("://") + 3;
  bool ok = scheme && url.size() > host && url.find('/', host) == std::string::npos;
  for (char c : url) ok = ok && c > ' ' && c < 0x7f;
  if (!ok) {
    Fail(flag, raw, "expects nats://HOST:PORT or tls://HOST:PORT, got \"" + url + "\"");
  }
}

// A JetStream stream name the gateway can also put in a subject: ssegw.<name>.events.
void CheckStreamName(const std::string& flag, const RawSetting& raw, const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_');
  }
  if (!ok) Fail(flag, raw, "expects 1 to 64 of A-Z a-z 0-9 - _, got \"" + name + "\"");
}

Config Validate(const RawSettings& settings) {
  Config config;
  for (const auto& [flag, raw] : settings) {
    if (flag == "listen") {
      config.listen = ParseEndpoint(flag, raw);
    } else if (flag == "listen-plain") {
      config.listen_plain = ParseEndpoint(flag, raw);
    } else if (flag == "metrics-listen") {
      config.metrics_listen = ParseEndpoint(flag, raw);
    } else if (flag == "cert") {
      config.cert = Single(flag, raw);
      if (config.cert.empty()) Fail(flag, raw, "expects a file name");
    } else if (flag == "key") {
      config.key = Single(flag, raw);
      if (config.key.empty()) Fail(flag, raw, "expects a file name");
    } else if (flag == "socket") {
      config.socket_path = Single(flag, raw);
      // sockaddr_un::sun_path holds 108 bytes including the terminating NUL.
      if (config.socket_path.empty() || config.socket_path.size() > 107) {
        Fail(flag, raw, "expects a path of 1 to 107 bytes");
      }
    } else if (flag == "socket-mode") {
      config.socket_mode = ParseMode(flag, raw);
    } else if (flag == "history") {
      config.history_events = ParseUnsigned(flag, raw, 1, 100'000'000);
    } else if (flag == "history-bytes") {
      config.history_bytes = ParseUnsigned(flag, raw, 1, uint64_t{1} << 40);
    } else if (flag == "keepalive") {
      config.keepalive_s = static_cast<uint32_t>(ParseUnsigned(flag, raw, 1, 86400));
    } else if (flag == "retry") {
      config.retry_ms = static_cast<uint32_t>(ParseUnsigned(flag, raw, 0, 86'400'000));
    } else if (flag == "max-stream-age") {
      config.max_stream_age_s = static_cast<uint32_t>(ParseUnsigned(flag, raw, 0, 30 * 86400));
    } else if (flag == "max-connections") {
      config.max_connections = ParseUnsigned(flag, raw, 1, 10'000'000);
    } else if (flag == "max-streams") {
      config.max_streams =
          static_cast<uint32_t>(ParseUnsigned(flag, raw, 1, std::numeric_limits<int32_t>::max()));
    } else if (flag == "stream-buffer") {
      config.stream_buffer_bytes = ParseUnsigned(flag, raw, 1024, uint64_t{1} << 36);
    } else if (flag == "slow-consumer-grace") {
      config.slow_consumer_grace_s = static_cast<uint32_t>(ParseUnsigned(flag, raw, 1, 3600));
    } else if (flag == "max-frame") {
      // protobuf parses at most INT_MAX bytes as one message.
      config.max_frame_bytes = ParseUnsigned(flag, raw, 16, std::numeric_limits<int32_t>::max());
    } else if (flag == "publish-stall-timeout") {
      config.publish_stall_timeout_s = static_cast<uint32_t>(ParseUnsigned(flag, raw, 1, 86400));
    } else if (flag == "allow-origin") {
      for (const std::string& origin : raw.values) CheckOrigin(flag, raw, origin);
      config.allow_origins = raw.values;
    } else if (flag == "threads") {
      config.threads = static_cast<uint32_t>(ParseUnsigned(flag, raw, 0, 1024));
    } else if (flag == "auth-key") {
      for (const std::string& file : raw.values) {
        if (file.empty()) Fail(flag, raw, "expects a file name");
      }
      config.auth_keys = raw.values;
    } else if (flag == "auth-alg") {
      config.auth_algorithms.clear();
      for (const std::string& name : raw.values) {
        std::optional<auth::Algorithm> algorithm = auth::ParseAlgorithm(name);
        if (!algorithm) Fail(flag, raw, "expects ES256, RS256 or HS256, got \"" + name + "\"");
        if (std::find(config.auth_algorithms.begin(), config.auth_algorithms.end(), *algorithm) ==
            config.auth_algorithms.end()) {
          config.auth_algorithms.push_back(*algorithm);
        }
      }
    } else if (flag == "auth-audience") {
      config.auth_audience = Single(flag, raw);
    } else if (flag == "auth-issuer") {
      config.auth_issuer = Single(flag, raw);
    } else if (flag == "auth-cookie") {
      config.auth_cookie = Single(flag, raw);
      CheckToken(flag, raw, config.auth_cookie);
    } else if (flag == "auth-query-param") {
      config.auth_query_param = Single(flag, raw);
      CheckToken(flag, raw, *config.auth_query_param);
    } else if (flag == "public-topic") {
      for (const std::string& pattern : raw.values) {
        if (!auth::TopicPattern::Parse(pattern)) {
          Fail(flag, raw,
               "\"" + pattern +
                   "\" is not a topic pattern: segments of A-Z a-z 0-9 - _ . ~ : @, or * for one "
                   "segment, or ** as the last");
        }
      }
      config.public_topics = raw.values;
    } else if (flag == "socket-allow-uid") {
      config.socket_allow_uids.clear();
      for (size_t i = 0; i < raw.values.size(); ++i) {
        RawSetting one = raw;
        one.values = {raw.values[i]};
        config.socket_allow_uids.push_back(static_cast<uint32_t>(
            ParseUnsigned(flag, one, 0, std::numeric_limits<uint32_t>::max())));
      }
    } else if (flag == "log-level") {
      std::optional<net::LogLevel> level = net::ParseLogLevel(Single(flag, raw));
      if (!level) {
        Fail(flag, raw, "expects debug, info, warn or error, got \"" + Single(flag, raw) + "\"");
      }
      config.log_level = *level;
    } else if (flag == "log-format") {
      std::optional<net::LogFormat> format = net::ParseLogFormat(Single(flag, raw));
      if (!format) Fail(flag, raw, "expects text or json, got \"" + Single(flag, raw) + "\"");
      config.log_format = *format;
    } else if (flag == "nats") {
      for (const std::string& url : raw.values) CheckNatsUrl(flag, raw, url);
      config.nats_urls = raw.values;
    } else if (flag == "nats-creds") {
      config.nats_creds = Single(flag, raw);
      if (config.nats_creds.empty()) Fail(flag, raw, "expects a file name");
    } else if (flag == "nats-ca") {
      config.nats_ca = Single(flag, raw);
      if (config.nats_ca.empty()) Fail(flag, raw, "expects a file name");
    } else if (flag == "nats-stream") {
      config.nats_stream = Single(flag, raw);
      CheckStreamName(flag, raw, config.nats_stream);
    } else if (flag == "nats-replicas") {
      config.nats_replicas = static_cast<uint32_t>(ParseUnsigned(flag, raw, 1, 5));
    } else if (flag == "publish-timeout") {
      config.publish_timeout_ms = static_cast<uint32_t>(ParseUnsigned(flag, raw, 1, 600'000));
    }
  }
  return config;
}

const FlagSpec* FindFlag(const std::string& name) {
  for (const FlagSpec& spec : kFlags) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::vector<std::string_view> SettingNames() {
  std::vector<std::string_view> names;
  for (const FlagSpec& spec : kFlags) names.push_back(spec.name);
  return names;
}

// The TOML type a key takes, told by its flag's value name, so that a new numeric flag
// needs nothing but its row in kFlags.
bool TakesInteger(const FlagSpec& spec) {
  for (std::string_view name : {"N", "EVENTS", "BYTES", "SECONDS", "MS", "UID"}) {
    if (spec.value_name == name) return true;
  }
  return false;
}

std::string TypeRule(const FlagSpec& spec) {
  if (std::string_view(spec.name) == "socket-mode") {
    return "must be a string such as \"0660\" (TOML would read 0660 as the decimal 660)";
  }
  if (TakesInteger(spec) && spec.repeatable) return "must be an integer or an array of integers";
  if (TakesInteger(spec)) return "must be an integer";
  if (spec.repeatable) return "must be a string or an array of strings";
  return "must be a string";
}

// The file's text; a missing or unreadable file is one short line with the OS's reason.
std::string ReadWholeFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    throw BadSetting{"--config: cannot open " + path + ": " +
                     (errno != 0 ? strerror(errno) : "unreadable")};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw BadSetting{"--config: cannot read " + path + ": " + strerror(errno)};
  return text.str();
}

// toml11's message is several lines with a drawing of the spot; its first line, without
// the "[error] toml::parse_xxx: " lead, says what is wrong.
std::string SyntaxReason(const std::string& what) {
  std::string reason = what.substr(0, what.find('\n'));
  if (reason.starts_with("[error] ")) reason.erase(0, 8);
  if (reason.starts_with("toml::")) {
    size_t colon = reason.find(": ");
    if (colon != std::string::npos) reason.erase(0, colon + 2);
  }
  return reason;
}

// Reads the TOML file into raw strings, so the file and the command line share one
// validator. Each key's type is checked here, where the line is known.
void ReadConfigFile(const std::string& path, RawSettings* settings) {
  std::istringstream text(ReadWholeFile(path));
  toml::value root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::syntax_error& e) {
    throw BadSetting{path + ":" + std::to_string(e.location().line()) +
                     ": syntax error: " + SyntaxReason(e.what())};
  } catch (const std::exception& e) {
    throw BadSetting{"--config: cannot parse " + path + ": " + SyntaxReason(e.what())};
  }
  if (!root.is_table()) throw BadSetting{"--config: " + path + " is not a TOML table"};
  const std::vector<std::string_view> names = SettingNames();
  for (const auto& [key, value] : root.as_table()) {
    RawSetting raw{{}, path, value.location().line()};
    const FlagSpec* spec = FindFlag(key);
    if (spec == nullptr) {
      std::string message = FileLine(raw) + " unknown key \"" + key + "\"";
      if (auto suggestion = ClosestName(key, names)) {
        message += " (did you mean \"" + *suggestion + "\"?)";
      }
      throw BadSetting{message};
    }
    auto take = [&](const toml::value& v) {
      if (v.is_string() && !TakesInteger(*spec)) {
        raw.values.push_back(v.as_string().str);
      } else if (v.is_integer() && TakesInteger(*spec)) {
        raw.values.push_back(std::to_string(v.as_integer()));
      } else {
        Fail(key, raw, TypeRule(*spec));
      }
    };
    if (value.is_array() && spec->repeatable) {
      for (const toml::value& item : value.as_array()) take(item);
    } else if (value.is_array()) {
      Fail(key, raw, TypeRule(*spec) + ", not an array");
    } else {
      take(value);
    }
    (*settings)[key] = std::move(raw);
  }
}

// " (did you mean --history?)" for each "--name" on the command line that is no flag but
// is close to one.
std::string UnknownFlagHints(int argc, const char* const* argv) {
  std::vector<std::string_view> names = SettingNames();
  for (std::string_view other : {"config", "check-config", "help", "version"}) {
    names.push_back(other);
  }
  std::string hints;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) continue;
    std::string_view name = arg.substr(2, arg.find('=') - 2);
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    if (auto suggestion = ClosestName(name, names)) {
      hints += " (did you mean --" + *suggestion + "?)";
    }
  }
  return hints;
}

}  // namespace

ParseResult ParseCommandLine(int argc, const char* const* argv) {
  CLI::App cli{
      "sse-gateway: a TLS HTTP/2 Server-Sent-Events gateway (with an HTTP/1.1 fallback). "
      "Publishers write to a Unix "
      "socket; browsers subscribe at /events/{topic}.",
      "sse-gateway"};
  cli.set_version_flag("--version", "sse-gateway " SSEGW_VERSION);
  std::string config_file;
  cli.add_option("--config", config_file, "TOML file with the same keys as the flags")
      ->type_name("FILE.toml");
  bool check_only = false;
  cli.add_flag("--check-config", check_only,
               "check the flags, the config file, the certificate and the key; print what is "
               "wrong and exit 0 (good) or 2, without serving");

  std::map<std::string, std::vector<std::string>> given;
  std::map<std::string, CLI::Option*> options;
  for (const FlagSpec& spec : kFlags) {
    CLI::Option* option = cli.add_option(std::string("--") + spec.name, given[spec.name], spec.help)
                              ->type_name(spec.value_name);
    // Each occurrence takes exactly one value; repeat the flag for more.
    option->allow_extra_args(false);
    if (!spec.repeatable) option->expected(1);
    options[spec.name] = option;
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return {std::nullopt, 0, cli.help()};
  } catch (const CLI::CallForVersion& e) {
    return {std::nullopt, 0, std::string(e.what()) + "\n"};
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, 2,
            std::string("sse-gateway: ") + e.what() + UnknownFlagHints(argc, argv) +
                "\n(see --help)\n"};
  }

  try {
    RawSettings settings;
    if (!config_file.empty()) ReadConfigFile(config_file, &settings);
    for (const FlagSpec& spec : kFlags) {
      if (options[spec.name]->count() > 0) settings[spec.name] = {given[spec.name], ""};
    }
    return {Validate(settings), 0, "", check_only};
  } catch (const BadSetting& e) {
    return {std::nullopt, 2, "sse-gateway: " + e.message + "\n"};
  }
}

ParseResult ParseArgs(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"sse-gateway"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

}  // namespace ssegw::app
