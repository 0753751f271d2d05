#include "app/check_config.h"

#include <netdb.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

#include "app/auth_setup.h"
#include "net/tls_context.h"

namespace ssegw::app {
namespace {

std::string HostPort(const Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos) {
    return "[" + endpoint.host + "]:" + std::to_string(endpoint.port);
  }
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

void CheckResolves(const char* flag, const Endpoint& endpoint, CheckReport* report) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;  // as net::TcpListener resolves it
  addrinfo* found = nullptr;
  const int rc =
      getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found);
  if (rc != 0) {
    report->problems.push_back(std::string(flag) + " " + HostPort(endpoint) +
                               ": cannot resolve the host: " + gai_strerror(rc));
    return;
  }
  freeaddrinfo(found);
  report->checked.push_back(std::string(flag) + " " + HostPort(endpoint));
}

// "2027-03-01 12:00:00 UTC"
std::string Utc(const ASN1_TIME* when) {
  tm parts{};
  if (ASN1_TIME_to_tm(when, &parts) != 1) return "an unreadable date";
  char text[40];
  strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

std::string Subject(X509* certificate) {
  char text[256];
  X509_NAME_oneline(X509_get_subject_name(certificate), text, sizeof(text));
  return text;
}

}  // namespace

std::optional<std::string> MissingDefaultCertificate(const Config& config) {
  const Config defaults;
  const bool default_cert = config.cert == defaults.cert;
  const bool default_key = config.key == defaults.key;
  const std::string* missing = nullptr;
  if (default_cert && access(config.cert.c_str(), F_OK) != 0) {
    missing = &config.cert;
  } else if (default_key && access(config.key.c_str(), F_OK) != 0) {
    missing = &config.key;
  }
  if (missing == nullptr) return std::nullopt;
  char cwd[4096];
  const std::string where = getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "?";
  return "no " + *missing + " in the working directory " + where +
         " (the default is a relative path): make a development certificate with "
         "scripts/gen-dev-cert from the source tree, or pass --cert FILE --key FILE";
}

void CheckCertificateAndKey(const Config& config, CheckReport* report) {
  if (auto hint = MissingDefaultCertificate(config)) {
    report->problems.push_back(*hint);
    return;
  }
  std::string error;
  std::unique_ptr<net::TlsContext> tls = net::TlsContext::Create(config.cert, config.key, &error);
  if (tls == nullptr) {
    report->problems.push_back(error);
    return;
  }
  X509* certificate = SSL_CTX_get0_certificate(tls->get());
  const ASN1_TIME* not_after = X509_get0_notAfter(certificate);
  if (X509_cmp_current_time(not_after) <= 0) {
    report->problems.push_back(config.cert + ": the certificate expired on " + Utc(not_after));
    return;
  }
  if (X509_cmp_current_time(X509_get0_notBefore(certificate)) > 0) {
    report->problems.push_back(config.cert + ": the certificate is not valid before " +
                               Utc(X509_get0_notBefore(certificate)));
    return;
  }
  report->checked.push_back("--cert " + config.cert + " and --key " + config.key + ": " +
                            Subject(certificate) + ", valid until " + Utc(not_after));
}

void CheckListenAddresses(const Config& config, CheckReport* report) {
  CheckResolves("--listen", config.listen, report);
  if (config.listen_plain) CheckResolves("--listen-plain", *config.listen_plain, report);
}

void CheckPublishSocket(const Config& config, CheckReport* report) {
  const std::string& path = config.socket_path;
  const size_t slash = path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  struct stat info {};
  if (stat(directory.c_str(), &info) != 0) {
    report->problems.push_back("--socket " + path + ": directory " + directory + ": " +
                               strerror(errno) +
                               " (under systemd, RuntimeDirectory=sse-gateway makes "
                               "/run/sse-gateway)");
    return;
  }
  if (!S_ISDIR(info.st_mode)) {
    report->problems.push_back("--socket " + path + ": " + directory + " is not a directory");
    return;
  }
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    report->problems.push_back("--socket " + path + ": cannot create it in " + directory + ": " +
                               strerror(errno));
    return;
  }
  // A socket already there may be a live gateway's (a reload checks while it runs), or a
  // stale one the gateway replaces; anything else would stop it.
  if (lstat(path.c_str(), &info) == 0 && !S_ISSOCK(info.st_mode)) {
    report->problems.push_back("--socket " + path + ": exists and is not a socket");
    return;
  }
  char mode[8];
  snprintf(mode, sizeof(mode), "%04o", config.socket_mode);
  report->checked.push_back("--socket " + path + " (mode " + mode + ")");
}

void CheckAuthKeys(const Config& config, CheckReport* report) {
  if (config.auth_keys.empty()) return;
  std::string error;
  if (BuildAccessPolicy(config, &error) == nullptr) {
    report->problems.push_back(error);
    return;
  }
  for (const std::string& file : config.auth_keys) report->checked.push_back("--auth-key " + file);
}

void CheckClusterFiles(const Config& config, CheckReport* report) {
  if (config.nats_urls.empty()) return;
  for (const auto& [flag, path] :
       {std::pair<const char*, const std::string&>{"--nats-creds", config.nats_creds},
        {"--nats-ca", config.nats_ca}}) {
    if (path.empty()) continue;
    if (access(path.c_str(), R_OK) != 0) {
      report->problems.push_back(std::string(flag) + " " + path + ": " + strerror(errno));
    } else {
      report->checked.push_back(std::string(flag) + " " + path);
    }
  }
}

CheckReport CheckConfig(const Config& config) {
  CheckReport report;
  CheckCertificateAndKey(config, &report);
  CheckListenAddresses(config, &report);
  CheckPublishSocket(config, &report);
  CheckAuthKeys(config, &report);
  CheckClusterFiles(config, &report);
  return report;
}

int PrintCheckReport(const CheckReport& report, FILE* out, FILE* err) {
  for (const std::string& line : report.checked)
    fprintf(out, "sse-gateway: ok: %s\n", line.c_str());
  for (const std::string& line : report.problems) fprintf(err, "sse-gateway: %s\n", line.c_str());
  if (report.problems.empty()) {
    fprintf(out, "sse-gateway: the configuration is good\n");
    return 0;
  }
  fprintf(err, "sse-gateway: the configuration has %zu problem%s\n", report.problems.size(),
          report.problems.size() == 1 ? "" : "s");
  return 2;
}

}  // namespace ssegw::app
