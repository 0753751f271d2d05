#!/usr/bin/env bash
# Every script in scripts/ answers --help with its usage on stdout and exit 0, without
# doing anything else (scripts/demo used to start the demo; gen-dev-cert ran mkdir with
# it), and refuses an unknown option with exit 2 and a message on stderr.
# Usage: check-script-help.sh SOURCE_DIR
set -euo pipefail
scripts=$1/scripts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "check-script-help: $*" >&2; failed=1; }

count=0
for script in "$scripts"/*; do
  name=$(basename "$script")
  count=$((count + 1))
  # A script that ignores --help would build, install or serve: the timeout catches it.
  code=0
  timeout 20 "$script" --help >"$work/out" 2>"$work/err" || code=$?
  [[ $code == 0 ]] || fail "$name --help exited $code: $(head -3 "$work/err")"
  grep -q "^Usage: scripts/$name" "$work/out" || fail "$name --help printed no 'Usage: scripts/$name' line"
  [[ ! -s $work/err ]] || fail "$name --help wrote to stderr: $(head -3 "$work/err")"

  code=0
  timeout 20 "$script" --no-such-option >"$work/out" 2>"$work/err" || code=$?
  [[ $code == 2 ]] || fail "$name --no-such-option exited $code, not 2"
  grep -q "^$name: unknown .*--no-such-option" "$work/err" ||
    fail "$name --no-such-option did not name the option: $(head -1 "$work/err")"
done
[[ $count -ge 5 ]] || fail "found only $count scripts in $scripts"
exit $failed
