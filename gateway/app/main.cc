// sse-gateway: parse the configuration, run the gateway, exit with the contract's code
// (0 graceful stop or --help, 1 cannot start, 2 bad flags or config).
#include <cstdio>

#include "app/config.h"
#include "app/run.h"
#include "net/log.h"

int main(int argc, char** argv) {
  ssegw::app::ParseResult parsed = ssegw::app::ParseCommandLine(argc, argv);
  if (!parsed.config) {
    fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  ssegw::net::SetLogLevel(parsed.config->log_level);
  return ssegw::app::RunGateway(*parsed.config);
}
