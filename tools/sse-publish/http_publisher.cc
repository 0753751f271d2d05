#include "http_publisher.h"

#include <curl/curl.h>

#include <cstdio>
#include <mutex>
#include <thread>
#include <utility>

#include "http_answer.h"
#include "publisher/publish_request.h"

namespace ssegw::tools {
namespace {

// An answer holds one id per event; no sane request makes one larger than this.
constexpr size_t kMaxAnswerBytes = 64 * 1024 * 1024;
constexpr long kConnectTimeoutMs = 10000;

// Failures after which the request may or may not have reached the gateway: sending it
// again is safe, because its events carry ids.
bool AnswerWasLost(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// The gateway answers a request it refuses at the head (a bad token, say) at once and
// then asks, with RST_STREAM(NO_ERROR), for the rest of the body not to be sent (RFC 9113
// §8.1). libcurl 7.88 (Debian 12) often takes that reset for a failed stream and drops
// the complete answer it has received; over HTTP/1.1 the same answer arrives intact.
bool AnswerLostToAReset(CURLcode code) {
  return code == CURLE_HTTP2_STREAM;
}

bool IsCertificateProblem(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_ISSUER_ERROR;
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (bytes > kMaxAnswerBytes - body->size()) return 0;  // libcurl fails with a write error
  body->append(data, bytes);
  return bytes;
}

const char* VersionName(long version) {
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return "HTTP/1.0";
    case CURL_HTTP_VERSION_1_1:
      return "HTTP/1.1";
    case CURL_HTTP_VERSION_2_0:
      return "HTTP/2";
    case CURL_HTTP_VERSION_3:
      return "HTTP/3";
    default:
      return "HTTP";
  }
}

std::string HeaderValue(CURL* curl, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) return "";
  return header->value;
}

}  // namespace

// One easy handle, kept so that its connection (and TLS session) serves every request.
class HttpPublisher::Handle {
 public:
  static std::unique_ptr<Handle> Make(const HttpPublisherOptions& options, std::string* error) {
    static std::once_flag global_init;
    static CURLcode global = CURLE_OK;
    std::call_once(global_init, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (global != CURLE_OK) {
      *error = std::string("libcurl: ") + curl_easy_strerror(global);
      return nullptr;
    }
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
      *error = "libcurl: cannot make a handle";
      return nullptr;
    }
    auto handle = std::unique_ptr<Handle>(new Handle(curl));
    if (!handle->Configure(options)) {
      *error = std::string("libcurl: ") + handle->error_;
      return nullptr;
    }
    return handle;
  }

  ~Handle() {
    curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
  }

  // POSTs `body` (over HTTP/2 when offered, or only HTTP/1.1 when `http11`). CURLE_OK
  // with *answer filled, or the failure with error() saying why.
  CURLcode Post(const std::string& body, bool http11, HttpAnswer* answer) {
    error_[0] = '\0';
    answer->body.clear();
    curl_easy_setopt(curl_, CURLOPT_HTTP_VERSION,
                     http11 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &answer->body);
    const CURLcode code = curl_easy_perform(curl_);
    if (code != CURLE_OK) return code;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer->status);
    long version = 0;
    curl_easy_getinfo(curl_, CURLINFO_HTTP_VERSION, &version);
    version_ = VersionName(version);
    const char* type = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &type);
    answer->content_type = type != nullptr ? type : "";
    answer->www_authenticate = HeaderValue(curl_, "www-authenticate");
    answer->retry_after = HeaderValue(curl_, "retry-after");
    return CURLE_OK;
  }

  // The HTTP version of the last answer.
  const char* version() const { return version_; }

  std::string error(CURLcode code) const {
    return error_[0] != '\0' ? std::string(error_) : std::string(curl_easy_strerror(code));
  }

 private:
  explicit Handle(CURL* curl) : curl_(curl) {}

  bool Configure(const HttpPublisherOptions& options) {
    const std::string authorization = "authorization: Bearer " + options.token;
    for (const char* line : {"content-type: application/x-protobuf",
                             "accept: application/x-protobuf", authorization.c_str(),
                             // HTTP/1.1: send the body at once rather than wait for 100.
                             "expect:"}) {
      curl_slist* grown = curl_slist_append(headers_, line);
      if (grown == nullptr) return Fail("out of memory");
      headers_ = grown;
    }
    const bool ok =
        curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_URL, options.url.c_str()) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_USERAGENT, "sse-publish/" SSEGW_VERSION) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_POST, 1L) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, AppendBody) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0L : 1L) == CURLE_OK &&
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0L : 2L) == CURLE_OK &&
        (options.ca_file.empty() ||
         curl_easy_setopt(curl_, CURLOPT_CAINFO, options.ca_file.c_str()) == CURLE_OK);
    if (!ok && error_[0] == '\0') return Fail("an option is not supported by this libcurl");
    return ok;
  }

  bool Fail(const char* why) {
    std::snprintf(error_, sizeof(error_), "%s", why);
    return false;
  }

  CURL* curl_;
  curl_slist* headers_ = nullptr;
  const char* version_ = "HTTP";
  char error_[CURL_ERROR_SIZE] = {};
};

HttpPublisher::HttpPublisher(HttpPublisherOptions options)
    : options_(std::move(options)), id_prefix_(RandomIdPrefix()) {}

HttpPublisher::~HttpPublisher() = default;

bool HttpPublisher::Connect(std::string* error) {
  if (handle_ == nullptr) handle_ = Handle::Make(options_, error);
  return handle_ != nullptr;
}

PublishOutcome HttpPublisher::Post(const std::string& body, size_t events) {
  std::string error;
  if (!Connect(&error)) {
    PublishOutcome failed;
    failed.status = -1;
    failed.error = error;
    return failed;
  }
  auto backoff = options_.reconnect_backoff;
  bool http11 = false;
  for (int attempt = 1;; ++attempt) {
    HttpAnswer answer;
    const CURLcode code = handle_->Post(body, http11, &answer);
    if (code == CURLE_OK) {
      if (options_.verbose) {
        std::fprintf(stderr, "sse-publish: POST %s: %s %ld, %zu event%s\n", options_.url.c_str(),
                     handle_->version(), answer.status, events, events == 1 ? "" : "s");
      }
      return OutcomeOf(answer, options_.url);
    }
    if (!AnswerWasLost(code) || attempt >= options_.max_attempts) {
      PublishOutcome failed;
      failed.status = -1;
      failed.error = "cannot publish to " + options_.url + ": " + handle_->error(code);
      if (IsCertificateProblem(code)) {
        failed.error +=
            " (for the development certificate pass --ca with its server.crt, or --insecure)";
      }
      return failed;
    }
    if (AnswerLostToAReset(code) && !http11) {
      http11 = true;  // at once: the gateway answered, only libcurl lost the answer
      continue;
    }
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

PublishOutcome HttpPublisher::Publish(std::vector<PublishEvent> events) {
  const size_t count = events.size();
  return Post(BuildPublishRequest(next_seq_++, events, id_prefix_, &next_id_).SerializeAsString(),
              count);
}

void HttpPublisher::Enqueue(std::vector<PublishEvent> events) {
  outcomes_.push_back(Publish(std::move(events)));
}

std::vector<PublishOutcome> HttpPublisher::WaitAll() {
  return std::exchange(outcomes_, {});
}

}  // namespace ssegw::tools
