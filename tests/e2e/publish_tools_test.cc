// sse-publish and the Python example against the real gateway: exit codes, what they
// print, and the events subscribers receive.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "e2e_support.h"
#include "testutil/command.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class PublishToolsTest : public GatewayTest {
 protected:
  void SetUp() override {
    StartGateway();
    client_ = Connect();
    ASSERT_TRUE(client_);
  }

  StreamState* Subscribe(const std::string& path) {
    StreamState* s = client_->stream(client_->Get(path));
    EXPECT_TRUE(client_->RunUntil([&] { return s->headers_received; }, kWait));
    return s;
  }

  CommandResult Publish(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {SSEGW_PUBLISH_BIN, "--socket", gateway().socket_path()});
    return RunCommand(args, input);
  }

  CommandResult PublishPython(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"/usr/bin/python3", SSEGW_PYTHON_EXAMPLE, "--socket", gateway().socket_path()});
    return RunCommand(args);
  }

  std::unique_ptr<H2Client> client_;
};

TEST_F(PublishToolsTest, SsePublishPrintsTheIdAndExitsZero) {
  StreamState* s = Subscribe("/events/cli");
  const CommandResult assigned = Publish({"--topic", "cli", "--data", "hello"});
  EXPECT_EQ(assigned.exit_code, 0) << assigned.err;
  EXPECT_THAT(assigned.out, MatchesRegex("[a-z0-9-]+\n"));
  const CommandResult chosen =
      Publish({"--topic", "cli", "--id", "my-id", "--type", "greeting", "--data", "again"});
  EXPECT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_EQ(chosen.out, "my-id\n");

  ASSERT_TRUE(WaitForEvents(*client_, s, 2));
  EXPECT_EQ(s->events[0].data, "hello");
  EXPECT_EQ(s->events[0].last_event_id + "\n", assigned.out);
  EXPECT_EQ(s->events[1].type, "greeting");
  EXPECT_EQ(s->events[1].last_event_id, "my-id");
}

TEST_F(PublishToolsTest, SsePublishRejectionExitsOneWithTheReason) {
  const CommandResult r = Publish({"--topic", "bad topic", "--data", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("rejected: event 0: topic may hold only"));
}

TEST_F(PublishToolsTest, SsePublishWithoutAGatewayExitsThree) {
  const CommandResult r = RunCommand(
      {SSEGW_PUBLISH_BIN, "--socket", "/nonexistent/gw.sock", "--topic", "a", "--data", "x"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("cannot connect to /nonexistent/gw.sock"));
}

TEST_F(PublishToolsTest, SsePublishSaysWhenAnIdWasAlreadyPublished) {
  const CommandResult first = Publish({"--topic", "dup", "--id", "order-1", "--data", "x"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.err, "");
  const CommandResult again = Publish({"--topic", "dup", "--id", "order-1", "--data", "x"});
  EXPECT_EQ(again.exit_code, 0);  // a retry is safe, so it is a success
  EXPECT_EQ(again.out, "order-1\n");
  EXPECT_EQ(again.err, "sse-publish: order-1 (duplicate: already published)\n");
}

// Connecting to a Unix socket needs write permission on it; root has every permission,
// so the publisher runs as nobody.
TEST_F(PublishToolsTest, SsePublishSaysWhichPermissionIsMissing) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run sse-publish as another user";
  const std::string socket = gateway().socket_path();
  const std::string directory = socket.substr(0, socket.rfind('/'));
  ASSERT_EQ(chmod(directory.c_str(), 0755), 0);  // nobody may reach the socket, not write it
  const CommandResult r =
      RunCommand({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                  SSEGW_PUBLISH_BIN, "--socket", socket, "--topic", "a", "--data", "x"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("cannot connect to " + socket +
                               ": permission denied: publishing needs write permission on the "
                               "socket (owner root, group root, mode 0660); run as its owner or "
                               "a member of group root"));
  EXPECT_THAT(r.err, Not(HasSubstr("is sse-gateway running")));

  ASSERT_EQ(chmod(directory.c_str(), 0700), 0);
  const CommandResult hidden =
      RunCommand({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                  SSEGW_PUBLISH_BIN, "--socket", socket, "--topic", "a", "--data", "x"});
  EXPECT_EQ(hidden.exit_code, 3);
  EXPECT_THAT(hidden.err, HasSubstr("permission denied: this user cannot enter the directory " +
                                    directory + " (owner root, group root, mode 0700)"));
}

TEST_F(PublishToolsTest, SsePublishBadUsageExitsTwo) {
  EXPECT_EQ(Publish({"--topic", "a"}).exit_code, 2);                            // no data
  EXPECT_EQ(Publish({"--data", "x"}).exit_code, 2);                             // no topic
  EXPECT_EQ(Publish({"--topic", "a", "--data", "x", "--lines"}).exit_code, 2);  // both
  EXPECT_EQ(Publish({"--topic", "a", "--retry", "soon", "--data", "x"}).exit_code, 2);
}

TEST_F(PublishToolsTest, SsePublishLinesPublishesEveryLineInOrder) {
  StreamState* s = Subscribe("/events/log");
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "line " + std::to_string(i) + "\n";
  const CommandResult r = Publish({"--topic", "log", "--lines"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1000);
  ASSERT_TRUE(WaitForEvents(*client_, s, 1000, kLongWait));
  ASSERT_EQ(s->events.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(s->events[i].data, "line " + std::to_string(i));
}

TEST_F(PublishToolsTest, SsePublishLinesDoesNotStallOnALongInput) {
  // Far more replies than the gateway lets a publisher leave unread: the tool must read
  // them while it is still writing.
  std::string input;
  const std::string padding(90, 'x');
  for (int i = 0; i < 100000; ++i) input += std::to_string(i) + padding + "\n";
  const CommandResult r = Publish({"--topic", "bulk", "--lines"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 100000);
}

TEST_F(PublishToolsTest, SsePublishLinesSkipsOnlyTheLineThatIsNotUtf8) {
  StreamState* s = Subscribe("/events/mixed");
  const CommandResult r =
      Publish({"--topic", "mixed", "--lines"}, "good1\ngood2\n\xff\xfe bad\ngood3\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
  EXPECT_THAT(r.err, HasSubstr("line 3 is not valid UTF-8"));
  ASSERT_TRUE(WaitForEvents(*client_, s, 3));
  std::vector<std::string> data;
  for (const auto& e : s->events) data.push_back(e.data);
  EXPECT_THAT(data, ElementsAre("good1", "good2", "good3"));
}

TEST_F(PublishToolsTest, SsePublishDataFileKeepsItsLines) {
  StreamState* s = Subscribe("/events/file");
  const std::string path = gateway().socket_path() + ".data";
  std::ofstream(path) << "first\r\nsecond\n";
  const CommandResult r = Publish({"--topic", "file", "--data-file", path});
  std::remove(path.c_str());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(WaitForEvents(*client_, s, 1));
  EXPECT_EQ(s->events[0].data, "first\nsecond\n");
}

TEST_F(PublishToolsTest, PythonExamplePublishes) {
  StreamState* s = Subscribe("/events/py");
  const CommandResult r = PublishPython({"--topic", "py", "--id", "py-1", "--data", "from python"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "py-1\n");
  ASSERT_TRUE(WaitForEvents(*client_, s, 1));
  EXPECT_EQ(s->events[0].data, "from python");
  EXPECT_EQ(s->events[0].last_event_id, "py-1");
}

TEST_F(PublishToolsTest, PythonExampleSaysHowToBuildAMissingModule) {
  const CommandResult r =
      RunCommand({"/usr/bin/env", "SSEGW_PYTHON_PATH=/nonexistent", "/usr/bin/python3",
                  SSEGW_PYTHON_EXAMPLE, "--topic", "py", "--data", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "publish.py: the generated module ssegw/v1/ssegw_pb2.py is not in /nonexistent: "
            "build it with `cmake --build build --target ssegw_proto_python` (scripts/demo "
            "does), or point SSEGW_PYTHON_PATH at your build's python/ directory\n");
}

TEST_F(PublishToolsTest, PythonExampleReportsRejection) {
  const CommandResult r = PublishPython({"--topic", "py", "--id", "a\nb", "--data", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("STATUS_INVALID_ARGUMENT"));
  EXPECT_THAT(r.err, HasSubstr("CR, LF or NUL"));
}

}  // namespace
}  // namespace ssegw::testing
