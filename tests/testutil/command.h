// RunCommand: runs a program to completion for tests of command-line tools, with the
// given standard input, and returns its exit code and what it printed.
//
// No shell is involved: argv goes to execv as is. Blocking; output is collected through
// temporary files, so a chatty program can never block on a full pipe.
#pragma once

#include <string>
#include <vector>

namespace ssegw::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the program did not exit normally
  std::string out;
  std::string err;
};

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace ssegw::testing
