// Owning handles for libnats objects, and the error of the libnats call that just failed.
//
// Each handle frees its object with the matching libnats destroy function. libnats keeps
// its own reference counts, so freeing a handle never frees memory another libnats thread
// still uses. LastNatsError must be called on the thread whose call failed: libnats keeps
// the last error per thread.
#pragma once

#include <nats/nats.h>

#include <memory>
#include <string>

#include "cluster/nats_result.h"

namespace ssegw::cluster {

struct NatsMsgDeleter {
  void operator()(natsMsg* msg) const { natsMsg_Destroy(msg); }
};
using NatsMsgPtr = std::unique_ptr<natsMsg, NatsMsgDeleter>;

struct NatsOptionsDeleter {
  void operator()(natsOptions* options) const { natsOptions_Destroy(options); }
};
using NatsOptionsPtr = std::unique_ptr<natsOptions, NatsOptionsDeleter>;

struct JsStreamInfoDeleter {
  void operator()(jsStreamInfo* info) const { jsStreamInfo_Destroy(info); }
};
using JsStreamInfoPtr = std::unique_ptr<jsStreamInfo, JsStreamInfoDeleter>;

struct JsMetaDataDeleter {
  void operator()(jsMsgMetaData* meta) const { jsMsgMetaData_Destroy(meta); }
};
using JsMetaDataPtr = std::unique_ptr<jsMsgMetaData, JsMetaDataDeleter>;

// The NatsError for a failed libnats call on this thread: `status` and `js_code` as the
// call returned them, the text from nats_GetLastError.
inline NatsError LastNatsError(natsStatus status, jsErrCode js_code = static_cast<jsErrCode>(0)) {
  const char* text = nats_GetLastError(nullptr);
  return ClassifyNatsFailure(status, static_cast<int>(js_code),
                             text != nullptr ? text : natsStatus_GetText(status));
}

}  // namespace ssegw::cluster
