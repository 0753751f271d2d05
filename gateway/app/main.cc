// sse-gateway: parse the configuration, run the gateway (or only check it), exit with the
// contract's code (0 graceful stop, --help, --version or a good --check-config; 1 cannot
// start; 2 bad flags or config).
#include <malloc.h>

#include <cstdio>

#include "app/check_config.h"
#include "app/config.h"
#include "app/run.h"
#include "net/log.h"

int main(int argc, char** argv) {
  // Buffers of 128 KiB and more (large events, above all) each get their own mapping,
  // returned to the system when the last stream queue or history entry lets go of them.
  // Left alone, glibc raises this threshold after the first such buffer is freed and
  // serves the next ones from the heap, where memory freed by a burst of large events
  // (or by the slow-consumer grace) stays resident. Setting it turns that off.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  ssegw::app::ParseResult parsed = ssegw::app::ParseCommandLine(argc, argv);
  if (!parsed.config) {
    fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  const ssegw::app::Config& config = *parsed.config;
  if (parsed.check_only) {
    return ssegw::app::PrintCheckReport(ssegw::app::CheckConfig(config), stdout, stderr);
  }
  ssegw::net::SetLogLevel(config.log_level);
  ssegw::net::SetLogFormat(config.log_format);
  // The most common first-run failure gets its remedy rather than only "No such file".
  if (auto hint = ssegw::app::MissingDefaultCertificate(config)) {
    fprintf(stderr, "sse-gateway: %s\n", hint->c_str());
    return 1;
  }
  return ssegw::app::RunGateway(config);
}
