#include "app/metrics.h"

namespace ssegw::app {

namespace {

void Header(std::string* out, const char* name, const char* type, const char* help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PerWorker(std::string* out, const char* name, const char* help,
               Counter GatewayCounters::*field, std::span<const CounterValues> workers) {
  size_t index = 0;
  while (kCounterInfo[index].field != field) ++index;
  Header(out, name, "gauge", help);
  for (size_t w = 0; w < workers.size(); ++w) {
    out->append(name).append("{worker=\"").append(std::to_string(w)).append("\"} ");
    out->append(std::to_string(workers[w][index])).append("\n");
  }
}

}  // namespace

std::string RenderMetrics(const CounterValues& total, std::span<const CounterValues> workers) {
  std::string out;
  out.reserve(2048 + 128 * workers.size());
  for (size_t i = 0; i < kCounterCount; ++i) {
    const CounterInfo& info = kCounterInfo[i];
    Header(&out, info.name, info.type, info.help);
    out.append(info.name).append(" ").append(std::to_string(total[i])).append("\n");
  }
  if (!workers.empty()) {
    PerWorker(&out, "ssegw_worker_connections", "Open client connections per worker thread.",
              &GatewayCounters::connections, workers);
    PerWorker(&out, "ssegw_worker_streams", "Open SSE streams per worker thread.",
              &GatewayCounters::streams, workers);
  }
  return out;
}

}  // namespace ssegw::app
