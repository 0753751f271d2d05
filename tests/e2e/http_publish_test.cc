// POST /publish against the real gateway over TLS, HTTP/2 and HTTP/1.1: protobuf and
// JSON bodies reach SSE subscribers with the socket's ids and acknowledgement; each
// refusal with its status; a body over --max-frame refused before it is all read.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "e2e_support.h"
#include "ssegw/v1/ssegw.pb.h"
#include "testutil/jwt_signer.h"
#include "testutil/key_files.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class HttpPublishTest : public GatewayTest {
 protected:
  HttpPublishTest() : signer_(JwtSigner::Es256()) {}

  void Start(std::vector<std::string> extra = {}) {
    const std::string key = files_.Write("publishers.pub", signer_.KeyFileContents());
    std::vector<std::string> args = {"--auth-key", key, "--public-topic", "feed/**"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_NO_FATAL_FAILURE(StartGateway(args));
  }

  std::string Token(const std::string& publish) const {
    return signer_.Mint(R"({"exp":)" + std::to_string(time(nullptr) + 600) +
                        R"(,"ssegw":{"publish":[)" + publish + "]}}");
  }

  // POST /publish over HTTP/2; the finished stream.
  const StreamState* Post(H2Client& client, const std::string& body, const std::string& type,
                          const std::string& token) {
    Headers headers = {{"content-type", type}};
    if (!token.empty()) headers.push_back({"authorization", "Bearer " + token});
    const int32_t id = client.Request("POST", "/publish", headers, StreamOptions{.body = body});
    const StreamState* s = client.stream(id);
    if (s == nullptr || !client.RunUntil([&] { return s->closed; }, kWait)) return nullptr;
    return s;
  }

  static std::string Serialized(const v1::PublishRequest& request) {
    return request.SerializeAsString();
  }

  KeyFiles files_;
  JwtSigner signer_;
};

TEST_F(HttpPublishTest, ProtobufAndJsonReachSubscribersOverHttp2) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* sub = client->stream(client->Get("/events/feed/a"));
  ASSERT_TRUE(client->RunUntil([&] { return sub->headers_received; }, kWait));

  const std::string token = Token(R"("feed/**")");
  const StreamState* s =
      Post(*client, Serialized(MakeRequest(7, {MakeEvent({"feed/a"}, "one", "p1")})),
           "application/x-protobuf", token);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->headers.find("content-type")->second, "application/x-protobuf");
  v1::PublishReply reply;
  ASSERT_TRUE(reply.ParseFromString(s->body));
  EXPECT_EQ(reply.seq(), 7u);
  EXPECT_EQ(reply.status(), v1::STATUS_OK);
  EXPECT_THAT(reply.ids(), ElementsAre("p1"));

  s = Post(
      *client,
      R"({"seq": "8", "events": [{"topics": ["feed/a"], "data": "two\nlines", "type": "tick"}]})",
      "application/json; charset=utf-8", token);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200) << s->body;
  v1::PublishReply json_reply;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(s->body, &json_reply).ok()) << s->body;
  EXPECT_EQ(json_reply.seq(), 8u);
  ASSERT_EQ(json_reply.ids_size(), 1);

  // The same id again: acknowledged as a duplicate, delivered once.
  s = Post(*client, Serialized(MakeRequest(9, {MakeEvent({"feed/a"}, "one again", "p1")})),
           "application/x-protobuf", token);
  ASSERT_TRUE(s);
  ASSERT_TRUE(reply.ParseFromString(s->body));
  EXPECT_EQ(reply.duplicates(), 1u);

  ASSERT_TRUE(WaitForEvents(*client, sub, 2));
  EXPECT_EQ(sub->events[0], (ParsedEvent{"message", "one", "p1"}));
  EXPECT_EQ(sub->events[1].type, "tick");
  EXPECT_EQ(sub->events[1].data, "two\nlines");
  EXPECT_EQ(sub->events[1].last_event_id, json_reply.ids(0));
}

TEST_F(HttpPublishTest, EachRefusalHasItsStatus) {
  ASSERT_NO_FATAL_FAILURE(Start({"--max-frame", "4096"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  const std::string body = Serialized(MakeRequest(1, {MakeEvent({"feed/a"}, "x")}));
  const std::string token = Token(R"("feed/*")");
  struct Case {
    std::string body, type, token;
    int status;
  };
  const std::vector<Case> cases = {
      {body, "application/x-protobuf", "", 401},
      {body, "application/x-protobuf", "not.a.token", 401},
      {body, "text/plain", token, 415},
      {"\xff\xff\xff", "application/x-protobuf", token, 400},
      {"{not json", "application/json", token, 400},
      {Serialized(MakeRequest(1, {MakeEvent({"bad topic"}, "x")})), "application/x-protobuf", token,
       400},
      {Serialized(MakeRequest(1, {MakeEvent({"feed/a/b"}, "x")})), "application/x-protobuf", token,
       403},
      {Serialized(MakeRequest(1, {MakeEvent({"feed/a"}, std::string(5000, 'x'))})),
       "application/x-protobuf", token, 413},
  };
  for (const Case& c : cases) {
    const StreamState* s = Post(*client, c.body, c.type, c.token);
    ASSERT_TRUE(s) << c.type;
    EXPECT_EQ(s->status, c.status) << c.type << " " << c.body.substr(0, 40);
  }
  // The 400s say why, in the request's type.
  const StreamState* s = Post(*client, Serialized(MakeRequest(4, {MakeEvent({"bad topic"}, "x")})),
                              "application/x-protobuf", token);
  v1::PublishReply reply;
  ASSERT_TRUE(reply.ParseFromString(s->body));
  EXPECT_EQ(reply.status(), v1::STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(reply.error(), HasSubstr("topic may hold only"));
  // GET is not a publish.
  EXPECT_EQ(client->Fetch("/publish")->status, 405);
}

TEST_F(HttpPublishTest, NotServedWithoutKeys) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  const StreamState* s = Post(*client, "", "application/x-protobuf", "");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 404);
}

TEST_F(HttpPublishTest, ABodyOverMaxFrameIsRefusedBeforeItIsAllRead) {
  ASSERT_NO_FATAL_FAILURE(Start({"--max-frame", "65536"}));
  auto client = Connect();
  ASSERT_TRUE(client);
  // 8 MiB, without a content-length: the gateway answers 413 long before the end, and
  // resets the rest (RST_STREAM NO_ERROR) rather than reading it.
  const std::string big(8 << 20, 'x');
  const StreamState* s = Post(*client, big, "application/x-protobuf", Token(R"("feed/*")"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 413);
  EXPECT_LT(s->request_body_sent, big.size());
}

TEST_F(HttpPublishTest, Http11WithContentLength) {
  ASSERT_NO_FATAL_FAILURE(Start({"--max-frame", "4096"}));
  auto sub_client = Connect();
  ASSERT_TRUE(sub_client);
  StreamState* sub = sub_client->stream(sub_client->Get("/events/feed/h1"));
  ASSERT_TRUE(sub_client->RunUntil([&] { return sub->headers_received; }, kWait));

  auto h1 = ConnectH1();
  ASSERT_TRUE(h1);
  const std::string token = Token(R"("feed/**")");
  const std::string body = Serialized(MakeRequest(3, {MakeEvent({"feed/h1"}, "over h1", "h1a")}));
  const std::string json = R"({"seq":"4","events":[{"topics":["feed/h1"],"data":"json over h1"}]})";
  // Two requests pipelined on one connection, each answered in turn.
  ASSERT_TRUE(
      h1->Send("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
               "Authorization: Bearer " +
               token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body +
               "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Cookie: ssegw_token=" +
               token + "\r\nContent-Length: " + std::to_string(json.size()) + "\r\n\r\n" + json));
  const H1Response* first = h1->WaitForComplete(0);
  ASSERT_TRUE(first) << h1->raw();
  EXPECT_EQ(first->status, 200);
  v1::PublishReply reply;
  ASSERT_TRUE(reply.ParseFromString(first->body));
  EXPECT_THAT(reply.ids(), ElementsAre("h1a"));
  const H1Response* second = h1->WaitForComplete(1);
  ASSERT_TRUE(second) << h1->raw();
  EXPECT_EQ(second->status, 200) << second->body;

  ASSERT_TRUE(WaitForEvents(*sub_client, sub, 2));
  EXPECT_EQ(sub->events[0].data, "over h1");
  EXPECT_EQ(sub->events[1].data, "json over h1");

  // A declared length over --max-frame: 413 at once, the body never read, then closed.
  auto big = ConnectH1();
  ASSERT_TRUE(big);
  ASSERT_TRUE(
      big->Send("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                "Authorization: Bearer " +
                token + "\r\nContent-Length: 100000\r\n\r\n"));
  const H1Response* refused = big->WaitForComplete(0);
  ASSERT_TRUE(refused) << big->raw();
  EXPECT_EQ(refused->status, 413);
  EXPECT_TRUE(big->WaitForClose(kWait));
  // Chunked uploads are not taken.
  auto chunked = ConnectH1();
  ASSERT_TRUE(chunked);
  ASSERT_TRUE(
      chunked->Send("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Authorization: Bearer " +
                    token +
                    "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\n{}\r\n0\r\n\r\n"));
  const H1Response* length_required = chunked->WaitForComplete(0);
  ASSERT_TRUE(length_required);
  EXPECT_EQ(length_required->status, 411);
}

}  // namespace
}  // namespace ssegw::testing
