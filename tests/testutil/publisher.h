// Publisher: a test client of the gateway's publish socket.
//
// Send() writes one ssegw.v1.PublishRequest in protobuf's delimited format (varint length,
// then the message) and ReadReply() reads one ssegw.v1.PublishReply framed the same way;
// Publish() does both. SendRaw() writes arbitrary bytes for bad-input tests, and
// SendMessage() any message (e.g. an internal::IngestRequest, wire-identical to a
// PublishRequest but able to carry bytes that are not UTF-8).
//
// The socket is non-blocking and every wait is bounded by a timeout so a silent gateway
// fails the test instead of hanging it. Writes use MSG_NOSIGNAL: a gateway that closed
// the connection yields an error, not SIGPIPE. Not thread-safe.
#pragma once

#include <google/protobuf/message_lite.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::testing {

class Publisher {
 public:
  Publisher() = default;
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  bool Connect(const std::string& socket_path, std::string* error);

  // Writes every byte or fails (peer closed, or the timeout passed with the socket full).
  bool SendRaw(std::string_view bytes,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool SendMessage(const google::protobuf::MessageLite& message,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool Send(const v1::PublishRequest& request,
            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return SendMessage(request, timeout);
  }

  // The next reply; nullopt on timeout, EOF, a read error or a reply that does not parse
  // (error() says which).
  std::optional<v1::PublishReply> ReadReply(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::optional<v1::PublishReply> Publish(
      const v1::PublishRequest& request,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Waits until the gateway closes the connection (EOF or reset). Bytes that arrive
  // meanwhile stay buffered for ReadReply. false: still open at the timeout.
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Half-closes: the gateway sees EOF, we can still read its replies.
  void ShutdownWrite();
  void Close();

  bool closed_by_peer() const { return eof_; }
  const std::string& error() const { return error_; }
  size_t buffered_bytes() const { return in_.size(); }

 private:
  // Reads what is available into in_, waiting up to timeout for something. false: EOF,
  // error or timeout with nothing read.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string in_;  // received, not yet parsed
  bool eof_ = false;
  std::string error_;
};

// Builders for the common shapes of test input.
v1::Event MakeEvent(std::vector<std::string> topics, std::string data, std::string id = "",
                    std::string type = "", uint32_t retry_ms = 0);
v1::PublishRequest MakeRequest(uint64_t seq, std::initializer_list<v1::Event> events);

// Delimited encoding of any message: varint length + bytes.
std::string Delimited(const google::protobuf::MessageLite& message);

}  // namespace ssegw::testing
