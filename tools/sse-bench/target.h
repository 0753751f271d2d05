// Target: what sse-bench connects to and subscribes to, parsed from --url and --topics.
//
// The URL is https://HOST:PORT/PATH (port 443 when omitted; HOST may be a name, an IPv4
// address or a bracketed IPv6 address), or http://HOST:PORT/PATH (port 80) for cleartext
// HTTP/2 with prior knowledge (h2c), as behind a TLS-terminating load balancer. With one topic
// every stream requests PATH as given, so any subscription URL works, /events?topic=A&topic=B
// included. With N > 1 topics PATH must be /events/<topic>: stream i then requests
// /events/<topic>-<i mod N>. Publishing (--publish-rate) also needs the /events/<topic> form,
// because the publisher must know which topic the streams listen to.
//
// Pure values; thread-safe once built.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ssebench {

struct Target {
  bool tls = true;        // https:// (h2 over TLS); false: http:// (h2c)
  std::string host;       // without brackets
  std::string port;       // decimal
  std::string authority;  // HOST:PORT as given, for :authority
  std::string path;       // as given, query included
  // The topic names the streams subscribe to and events are published to, index t
  // for topic t; empty when PATH is not of the /events/<topic> form (then only one
  // path is requested and nothing can be published).
  std::vector<std::string> topics;

  // The :path of stream `stream_index` (0-based over all connections).
  std::string PathOf(size_t stream_index) const;
  size_t TopicOf(size_t stream_index) const {
    return topics.empty() ? 0 : stream_index % topics.size();
  }
};

// Parses `url` for `topic_count` topics (>= 1). nullopt with *error on a bad URL.
std::optional<Target> ParseTarget(const std::string& url, size_t topic_count, std::string* error);

}  // namespace ssebench
