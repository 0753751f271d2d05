// --samples-file: every sample, in publish order, as "seconds-into-the-window latency-ms".
#include "samples_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace ssebench {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SamplesFileTest, WritesEverySampleInPublishOrder) {
  const std::string path = ::testing::TempDir() + "samples-" + std::to_string(getpid());
  const uint64_t window = 5'000'000'000;
  // Two receive threads' samples, each in its own arrival order.
  std::vector<LatencySample> samples = {
      {window + 2'500'000'000, 1'250'000},
      {window, 400'000},
      {window + 20'000'000, 3'875'000},
  };
  std::string error;
  ASSERT_TRUE(WriteSamplesFile(path, window, samples, &error)) << error;
  EXPECT_EQ(ReadAll(path),
            "0.000000 0.400\n"
            "0.020000 3.875\n"
            "2.500000 1.250\n");
  unlink(path.c_str());
}

TEST(SamplesFileTest, NoSamplesIsAnEmptyFile) {
  const std::string path = ::testing::TempDir() + "samples-empty-" + std::to_string(getpid());
  std::string error;
  ASSERT_TRUE(WriteSamplesFile(path, 0, {}, &error)) << error;
  EXPECT_EQ(ReadAll(path), "");
  unlink(path.c_str());
}

TEST(SamplesFileTest, AnUnwritablePathIsReported) {
  std::string error;
  EXPECT_FALSE(WriteSamplesFile("/nonexistent-directory/samples", 0, {{1, 1}}, &error));
  EXPECT_NE(error.find("--samples-file /nonexistent-directory/samples"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace ssebench
