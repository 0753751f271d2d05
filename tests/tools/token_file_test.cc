#include "token_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testutil/key_files.h"

namespace ssegw::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2lnbmF0dXJl";

TEST(TokenFileTest, TrimsTheNewlineAroundTheToken) {
  std::string error;
  EXPECT_EQ(TokenFromText(std::string(kToken) + "\n", &error), kToken);
  EXPECT_EQ(TokenFromText(std::string("  ") + kToken + "\r\n\n", &error), kToken);
  EXPECT_EQ(TokenFromText(kToken, &error), kToken);
}

TEST(TokenFileTest, RefusesWhatIsNotACompactJwsWithoutQuotingIt) {
  const std::vector<std::string> bad = {
      "",
      "\n",
      "secret-with-no-dots",
      "a.b",
      "a.b.c.d",
      "Bearer a.b.c",
      std::string("a.b.c\r\nx-injected: 1"),
      "a.b.c d",
      "a.b+/.c",
  };
  for (const std::string& text : bad) {
    std::string error;
    EXPECT_FALSE(TokenFromText(text, &error)) << text;
    EXPECT_FALSE(error.empty());
    if (text.size() > 3) {
      EXPECT_THAT(error, Not(HasSubstr(text))) << "the file's contents leak";
    }
  }
  std::string error;
  TokenFromText("\n", &error);
  EXPECT_EQ(error, "is empty");
}

TEST(TokenFileTest, ReadsAFileAndNamesItInErrors) {
  ssegw::testing::KeyFiles files;
  const std::string good = files.Write("token", std::string(kToken) + "\n");
  const std::string empty = files.Write("empty", "");
  const std::string big = files.Write("big", std::string(100 * 1024, 'a'));
  std::string error;
  EXPECT_EQ(ReadTokenFile(good, &error), kToken);
  EXPECT_FALSE(ReadTokenFile(empty, &error));
  EXPECT_EQ(error, "the token file " + empty + " is empty");
  EXPECT_FALSE(ReadTokenFile(big, &error));
  EXPECT_THAT(error, HasSubstr("too large"));
  EXPECT_FALSE(ReadTokenFile(files.dir() + "/missing", &error));
  EXPECT_EQ(error, "cannot read the token file " + files.dir() + "/missing");
}

}  // namespace
}  // namespace ssegw::tools
