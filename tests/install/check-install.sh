#!/usr/bin/env bash
# The installed product works as installed:
#   1. `cmake --install` into a temporary prefix puts the binaries, the unit, the sysusers
#      file, the example config and the man page in place; the unit names them there.
#   2. `systemd-analyze verify` passes on the installed unit (and finds its man page).
#   3. The installed sse-gateway serves (/healthz over TLS HTTP/2 with curl) and the
#      installed sse-publish publishes an event that a subscriber receives.
#   4. The example config and the man page cover every flag of `sse-gateway --help`, and
#      the example, with every commented-out key switched on, passes --check-config.
#   5. `cpack -G DEB` builds a .deb whose control data declares its dependencies and
#      conffile, holding the binaries, the unit (naming /usr/bin and /etc) and the man page.
# Usage: check-install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d /tmp/ssegw-install-XXXXXX)
gateway=""
cleanup() {
  if [[ -n $gateway ]]; then kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-install: $*" >&2; exit 1; }

# --- 1. install -------------------------------------------------------------------------
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
unit=$prefix/lib/systemd/system/sse-gateway.service
config=$prefix/etc/sse-gateway/sse-gateway.toml
for f in bin/sse-gateway bin/sse-publish bin/sse-bench lib/systemd/system/sse-gateway.service \
  lib/sysusers.d/sse-gateway.conf etc/sse-gateway/sse-gateway.toml share/man/man8/sse-gateway.8; do
  [[ -e $prefix/$f ]] || fail "$f was not installed"
done
grep -qx "ExecStart=$prefix/bin/sse-gateway --config $config" "$unit" ||
  fail "the unit does not run the installed binary with the installed config: $(grep ExecStart= "$unit")"
for line in Type=notify RuntimeDirectory=sse-gateway 'ExecReload=/bin/kill -HUP $MAINPID' \
  NoNewPrivileges=yes ProtectSystem=strict User=sse-gateway; do
  grep -qxF "$line" "$unit" || fail "the unit lacks $line"
done

# --- 2. systemd-analyze verify ------------------------------------------------------------
# The unit's user comes from sysusers.d at package install; verify does not need it.
if ! MANPATH=$prefix/share/man: systemd-analyze verify "$unit" >"$work/verify.txt" 2>&1; then
  cat "$work/verify.txt" >&2
  fail "systemd-analyze verify failed"
fi
# verify also reports problems of other units on this machine; ours must have none.
if grep -i "sse-gateway" "$work/verify.txt"; then fail "systemd-analyze verify complained"; fi

# --- 3. the installed binaries serve and publish ---------------------------------------------
"$source/scripts/gen-dev-cert" "$work/cert" 2>/dev/null
socket=$work/publish.sock
"$prefix/bin/sse-gateway" --config "$config" --listen 127.0.0.1:0 --cert "$work/cert/server.crt" \
  --key "$work/cert/server.key" --socket "$socket" >"$work/gateway.out" 2>"$work/gateway.err" &
gateway=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/gateway.out" 2>/dev/null && break
  kill -0 "$gateway" 2>/dev/null || { cat "$work/gateway.err" >&2; fail "the installed sse-gateway did not start"; }
  sleep 0.1
done
url=$(grep -o 'https://[^ ,]*' "$work/gateway.out" | head -1)
[[ -n $url ]] || fail "no listening line: $(cat "$work/gateway.out")"
[[ $(curl --http2 -sk "$url/healthz") == ok ]] || fail "/healthz did not answer ok"

curl --http2 -skN --max-time 20 "$url/events/install" >"$work/events.txt" &
subscriber=$!
for _ in $(seq 100); do  # the stream's headers come at once; wait for them via /metrics
  grep -q '^ssegw_streams 1' <(curl --http2 -sk "$url/metrics") && break
  sleep 0.1
done
id=$("$prefix/bin/sse-publish" --socket "$socket" --topic install --data "from the installed tree")
for _ in $(seq 100); do
  grep -q "^data: from the installed tree" "$work/events.txt" && break
  sleep 0.1
done
kill "$subscriber" 2>/dev/null || true
wait "$subscriber" 2>/dev/null || true
grep -q "^id: $id" "$work/events.txt" || fail "the subscriber did not receive event $id: $(cat "$work/events.txt")"
kill -TERM "$gateway"
wait "$gateway" || fail "the installed sse-gateway did not stop cleanly"
gateway=""

# --- 4. every flag is in the example config and the man page ----------------------------
flags=$("$prefix/bin/sse-gateway" --help | grep -o -- '--[a-z][a-z-]*' | sort -u |
  grep -vx -e --help -e --version -e --config -e --check-config)
[[ -n $flags ]] || fail "no flags in --help"
for flag in $flags; do
  key=${flag#--}
  grep -Eq "^(# )?$key = " "$config" || fail "the example config has no key $key"
  grep -q -- "${flag//-/\\\\-}" "$prefix/share/man/man8/sse-gateway.8" || fail "the man page has no $flag"
done
all_on=$work/all-on.toml
sed -E 's/^# ([a-z-]+ = )/\1/' "$config" >"$all_on"
# Files the example names that a test machine lacks are replaced on the command line.
openssl ecparam -genkey -name prime256v1 2>/dev/null | openssl ec -pubout -out "$work/tokens.pub" 2>/dev/null
: >"$work/nats.creds"
cp "$work/cert/server.crt" "$work/nats-ca.pem"
"$prefix/bin/sse-gateway" --check-config --config "$all_on" --cert "$work/cert/server.crt" \
  --key "$work/cert/server.key" --socket "$work/check.sock" --auth-key "$work/tokens.pub" \
  --nats-creds "$work/nats.creds" --nats-ca "$work/nats-ca.pem" >"$work/check.out" 2>&1 ||
  { cat "$work/check.out" >&2; fail "the example config with every key on does not pass --check-config"; }
warnings=$(groff -man -ww -z "$prefix/share/man/man8/sse-gateway.8" 2>&1)
[[ -z $warnings ]] || fail "the man page has roff warnings: $warnings"

# --- 5. the .deb --------------------------------------------------------------------------
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.txt" 2>&1) ||
  { cat "$work/cpack.txt" >&2; fail "cpack -G DEB failed"; }
deb=$(find "$work/deb" -maxdepth 1 -name 'sse-gateway_*.deb' | head -1)
[[ -n $deb ]] || fail "no .deb was made: $(cat "$work/cpack.txt")"
info=$(dpkg-deb --info "$deb")
depends=$(grep '^ Depends:' <<<"$info") || fail "the .deb declares no Depends"
for lib in libssl3 libevent libnghttp2 libprotobuf libhttp-parser libsystemd0 libnats libcurl4; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
grep -q 'conffiles' <<<"$info" || fail "the .deb has no conffiles"
[[ $(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles) == /etc/sse-gateway/sse-gateway.toml ]] ||
  fail "the config is not a conffile"
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/sse-gateway ./usr/bin/sse-publish ./usr/bin/sse-bench \
  ./usr/lib/systemd/system/sse-gateway.service ./usr/lib/sysusers.d/sse-gateway.conf \
  ./etc/sse-gateway/sse-gateway.toml ./usr/share/man/man8/sse-gateway.8; do
  grep -q " $f\$" <<<"$contents" || fail ".deb lacks $f"
done
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/sse-gateway.service |
  grep -qx 'ExecStart=/usr/bin/sse-gateway --config /etc/sse-gateway/sse-gateway.toml' ||
  fail "the packaged unit does not name /usr/bin and /etc"
echo "check-install: ok ($(basename "$deb"): $depends)"
