#!/usr/bin/env bash
# Publishes one Server-Sent Event to sse-gateway over HTTP with curl and JSON, from any
# host: POST /publish with the body in protobuf's JSON mapping of ssegw.v1.PublishRequest.
#
# Usage: examples/shell/publish.sh [--insecure] URL TOKEN_FILE TOPIC DATA
#   URL         the gateway's /publish, e.g. https://localhost:8443/publish
#   TOKEN_FILE  holds a JWT granting "publish" on TOPIC; for development:
#                 scripts/dev-token --publish 'news/*' >token
#               (and the gateway runs with --auth-key "$(scripts/dev-token --key-path)")
#   --insecure  skip certificate checks, for the development certificate (or point
#               CURL_CA_BUNDLE at its certs/dev/server.crt instead)
#
# Prints the gateway's answer: on acceptance its JSON reply, e.g.
# {"seq":"1","status":"STATUS_OK","ids":["..."],"duplicates":0,"error":""}, and exit 0;
# otherwise the answer (the reply's reason for 400, 413 and 503; a word for 401 and 403)
# and exit 22, curl's code for an HTTP error. The one-line equivalent is
#
#   curl --http2 -H "authorization: Bearer $(cat token)" -H 'content-type: application/json' \
#     --data '{"seq":"1","events":[{"topics":["news/today"],"data":"hello"}]}' URL
#
# but this script hands curl the authorization header on stdin, so that the token never
# shows in the process list.
set -euo pipefail

usage() { sed -n '5,11s/^# \{0,1\}//p' "$0"; }
case ${1:-} in
  -h | --help) usage; exit 0 ;;
esac
insecure=()
if [[ ${1:-} == --insecure ]]; then
  insecure=(--insecure)
  shift
fi
if [[ $# -ne 4 ]]; then
  usage >&2
  exit 2
fi
url=$1 token_file=$2 topic=$3 data=$4

# A JSON string: backslash, quote and control characters escaped; every other byte (UTF-8
# text included) passes through as it is.
json_string() {
  LC_ALL=C awk 'BEGIN {
    s = ARGV[1]; ARGV[1] = ""; out = ""
    for (i = 1; i < 32; i++) ctrl[sprintf("%c", i)] = sprintf("\\u%04x", i)
    ctrl["\n"] = "\\n"; ctrl["\r"] = "\\r"; ctrl["\t"] = "\\t"
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\\" || c == "\"") out = out "\\" c
      else if (c in ctrl) out = out ctrl[c]
      else out = out c
    }
    printf "\"%s\"", out
  }' "$1"
}

token=$(<"$token_file")
[[ -n $token ]] || { echo "publish.sh: $token_file is empty" >&2; exit 2; }
body="{\"seq\":\"1\",\"events\":[{\"topics\":[$(json_string "$topic")],\"data\":$(json_string "$data")}]}"

curl --silent --show-error --fail-with-body --http2 ${insecure[@]+"${insecure[@]}"} \
  -H @- -H 'content-type: application/json' --data-binary "$body" "$url" <<EOF
authorization: Bearer $token
EOF
