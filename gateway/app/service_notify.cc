#include "app/service_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

namespace ssegw::app::service_notify {
namespace {

bool Notify(const std::string& state) {
  // 0 (NOTIFY_SOCKET unset) and negative errors both mean "systemd did not hear it"; the
  // gateway serves the same either way.
  return sd_notify(/*unset_environment=*/0, state.c_str()) > 0;
}

}  // namespace

bool Ready() {
  return Notify("READY=1\nSTATUS=serving");
}

bool Reloading() {
  // MONOTONIC_USEC lets systemd tell this reload from an earlier one (systemd 253's
  // Type=notify-reload needs it; older versions ignore it).
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const unsigned long long usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                                  static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  return Notify("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=" + std::to_string(usec));
}

bool Stopping() {
  return Notify("STOPPING=1\nSTATUS=draining connections");
}

bool Status(std::string_view text) {
  std::string line(text);
  // One line: a newline would start another assignment.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return Notify("STATUS=" + line);
}

}  // namespace ssegw::app::service_notify
