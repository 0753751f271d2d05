#include "net/access_log.h"

#include "net/log.h"

namespace ssegw::net {

void LogAccess(const AccessRecord& record) {
  LogWithFields(LogLevel::kInfo, "access",
                {{"method", record.method},
                 {"path", record.path},
                 {"status", int64_t{record.status}},
                 {"protocol", record.protocol},
                 {"duration_ms", record.duration_ms},
                 {"bytes", record.bytes},
                 {"events", record.events}});
}

}  // namespace ssegw::net
