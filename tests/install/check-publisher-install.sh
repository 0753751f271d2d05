#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a program against the installed
# publisher library using only pkg-config: proves the header, the library and the .pc
# file are all installed and agree.
# Usage: check-publisher-install.sh BUILD_DIR CXX
set -euo pipefail
build=$1
cxx=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name ssegw-publisher.pc | head -n1)")
[[ -n $libdir ]] || { echo "ssegw-publisher.pc was not installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$libdir
flags=$(pkg-config --cflags --libs ssegw-publisher)

cat > "$prefix/use.cc" <<'CC'
#include <ssegw/publisher.h>
#include <iostream>
int main() {
  ssegw::Publisher publisher({.socket_path = "/nonexistent/sse-gateway.sock", .max_attempts = 1});
  std::string error;
  if (publisher.Connect(&error)) return 1;  // nothing listens there
  std::cout << "installed library works: " << error << "\n";
  return 0;
}
CC
# shellcheck disable=SC2086
"$cxx" -std=c++20 "$prefix/use.cc" -o "$prefix/use" $flags -Wl,-rpath,"$(dirname "$libdir")"
"$prefix/use"
