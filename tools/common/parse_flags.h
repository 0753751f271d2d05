// ParseFlags: CLI11 parsing with the exit codes every sse-gateway tool shares, so that no
// tool leaks CLI11's own codes (106, 109, ...) to its caller.
//
//   --help, --version  printed on stdout, exit 0
//   a bad flag         CLI11's message and "(see --help)" on stderr, exit 2
//
// Header-only; call once from main, before anything else touches the flags.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

namespace ssegw::tools {

inline constexpr int kUsageExitCode = 2;

// Adds --version (printing "NAME VERSION") and parses. nullopt: the flags are good, go on;
// otherwise main returns the code. `check`, when given, runs after parsing and may throw
// CLI::ParseError for rules CLI11 cannot express.
template <typename Check = void (*)()>
std::optional<int> ParseFlags(
    CLI::App& app, int argc, char** argv, Check check = [] {}) {
  app.set_version_flag("--version", app.get_name() + " " SSEGW_VERSION);
  try {
    app.parse(argc, argv);
    check();
  } catch (const CLI::CallForHelp&) {
    fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    printf("%s\n", e.what());
    return 0;
  } catch (const CLI::ParseError& e) {
    fprintf(stderr, "%s: %s\n(see --help)\n", app.get_name().c_str(), e.what());
    return kUsageExitCode;
  }
  return std::nullopt;
}

}  // namespace ssegw::tools
