// KeyFiles: a temporary directory of key files for one test, removed with its contents
// when the object goes. Not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace ssegw::testing {

class KeyFiles {
 public:
  KeyFiles() {
    std::string pattern = ::testing::TempDir() + "ssegw-auth-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
    EXPECT_FALSE(dir_.empty()) << "mkdtemp failed";
  }
  ~KeyFiles() {
    for (const std::string& path : paths_) unlink(path.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  KeyFiles(const KeyFiles&) = delete;
  KeyFiles& operator=(const KeyFiles&) = delete;

  // Writes `contents` to DIR/name and returns the path.
  std::string Write(std::string_view name, std::string_view contents) {
    const std::string path = dir_ + "/" + std::string(name);
    std::ofstream(path, std::ios::binary) << contents;
    paths_.push_back(path);
    return path;
  }

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::string> paths_;
};

}  // namespace ssegw::testing
