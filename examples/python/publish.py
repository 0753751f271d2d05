#!/usr/bin/python3
"""Publish one Server-Sent Event to sse-gateway from Python.

    examples/python/publish.py --topic news --data 'hello'
    examples/python/publish.py --url https://gw.example:8443/publish --token TOKEN_FILE \\
        --topic news --data 'hello'

The first form uses the gateway's Unix publish socket; the second its POST /publish, from
any host (the gateway needs --auth-key, the token a "publish" grant for the topics;
scripts/dev-token --publish 'news' makes one for development). Over HTTP the body is the
binary protobuf PublishRequest, so both forms share the same messages and the same reply
handling; --insecure skips certificate checks for the development certificate (or give
its certs/dev/server.crt as --ca).

Needs Debian's python3-protobuf and the ssegw_pb2 module that the build generates
(build/python/ssegw/v1/ssegw_pb2.py; point SSEGW_PYTHON_PATH elsewhere if you built
elsewhere). Prints the event's id and exits 0 when the gateway accepts it; prints the
gateway's reason and exits 1 when it is rejected (over HTTP also when the token is refused
or does not grant the topic); exits 2 when a module or the token is missing (saying which
and how to get it) and 3 when the gateway cannot be reached.
"""
import argparse
import http.client
import os
import socket
import ssl
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("SSEGW_PYTHON_PATH",
                                  os.path.join(HERE, "..", "..", "build", "python")))

try:
    from google.protobuf.internal.decoder import _DecodeVarint32
    from google.protobuf.internal.encoder import _VarintBytes
except ImportError:
    print("publish.py: Python's protobuf module is missing: install the Debian package "
          "python3-protobuf (scripts/deps --demo does)", file=sys.stderr)
    sys.exit(2)
try:
    from ssegw.v1 import ssegw_pb2
except ImportError:
    print(f"publish.py: the generated module ssegw/v1/ssegw_pb2.py is not in {sys.path[0]}: "
          "build it with `cmake --build build --target ssegw_proto_python` (scripts/demo "
          "does), or point SSEGW_PYTHON_PATH at your build's python/ directory", file=sys.stderr)
    sys.exit(2)

PROTOBUF = "application/x-protobuf"


class Refused(Exception):
    """The gateway answered without a PublishReply: the token, the URL or the type."""


def publish(sock_path, events, seq=1):
    """Sends one PublishRequest holding `events` and returns the PublishReply."""
    request = ssegw_pb2.PublishRequest(seq=seq, events=events)
    body = request.SerializeToString()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(sock_path)
        sock.sendall(_VarintBytes(len(body)) + body)
        return read_reply(sock)


def read_reply(sock):
    """Reads one varint-delimited PublishReply."""
    buffer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the gateway closed the connection without replying")
        buffer += chunk
        try:
            length, start = _DecodeVarint32(buffer, 0)
        except IndexError:  # the length itself is not complete yet
            continue
        if len(buffer) >= start + length:
            reply = ssegw_pb2.PublishReply()
            reply.ParseFromString(buffer[start:start + length])
            return reply


def publish_http(url, token, events, context, seq=1):
    """POSTs one PublishRequest to the gateway's /publish and returns the PublishReply.

    The token goes in the authorization header only. http.client follows no redirect,
    so it never goes to another host. Raises Refused for an answer without a reply
    (401, 403, 404, 415, ...) and OSError when the gateway cannot be reached.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port or 443,
                                                 context=context, timeout=30)
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    body = ssegw_pb2.PublishRequest(seq=seq, events=events).SerializeToString()
    try:
        connection.request("POST", parts.path or "/publish", body=body, headers={
            "content-type": PROTOBUF,
            "accept": PROTOBUF,
            "authorization": f"Bearer {token}",
        })
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    if response.getheader("content-type", "").split(";")[0].strip().lower() == PROTOBUF:
        reply = ssegw_pb2.PublishReply()
        reply.ParseFromString(answer)
        return reply
    challenge = response.getheader("www-authenticate", "")
    if response.status == 401 and "invalid_token" in challenge:
        raise Refused("401: the gateway refused the token (malformed, badly signed, expired, "
                      "or for another audience or issuer)")
    if response.status == 401:
        raise Refused("401: the gateway found no token")
    if response.status == 403:
        raise Refused("403: the token does not grant publishing to the topic")
    first_line = answer.decode("utf-8", "replace").split("\n")[0][:200]
    raise Refused(f"HTTP {response.status}: {first_line}")


def read_token(path):
    """The compact JWS in `path`, without the newline around it; exits 2 if there is none."""
    try:
        with open(path, encoding="ascii", errors="replace") as file:
            token = file.read(65536).strip()
    except OSError as error:
        print(f"publish.py: cannot read the token file {path}: {error.strerror}",
              file=sys.stderr)
        sys.exit(2)
    # Never print the token: say only what is wrong with it.
    if token.count(".") != 2 or any(c.isspace() for c in token):
        print(f"publish.py: the token file {path} does not hold a token (a compact JWS)",
              file=sys.stderr)
        sys.exit(2)
    return token


def tls_context(args):
    context = ssl.create_default_context(cafile=args.ca)
    if args.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default="/tmp/sse-gateway.sock")
    parser.add_argument("--url", help="publish over HTTP(S) to the gateway's /publish instead")
    parser.add_argument("--token", metavar="FILE", help="with --url: file holding the token")
    parser.add_argument("--insecure", action="store_true",
                        help="with --url: do not verify the certificate (development only)")
    parser.add_argument("--ca", metavar="FILE",
                        help="with --url: verify the certificate against this PEM file")
    parser.add_argument("--topic", action="append", required=True)
    parser.add_argument("--type", default="")
    parser.add_argument("--id", default="")
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    if args.url and not args.token:
        parser.error("--url needs --token FILE")
    if not args.url and (args.token or args.insecure or args.ca):
        parser.error("--token, --insecure and --ca go with --url")

    event = ssegw_pb2.Event(topics=args.topic, id=args.id, type=args.type, data=args.data)
    try:
        if args.url:
            reply = publish_http(args.url, read_token(args.token), [event], tls_context(args))
        else:
            reply = publish(args.socket, [event])
    except Refused as refusal:
        print(f"publish.py: rejected ({refusal})", file=sys.stderr)
        return 1
    except (OSError, http.client.HTTPException) as error:
        print(f"publish.py: cannot publish through {args.url or args.socket}: {error}",
              file=sys.stderr)
        return 3
    if reply.status != ssegw_pb2.STATUS_OK:
        print(f"publish.py: rejected ({ssegw_pb2.Status.Name(reply.status)}): {reply.error}",
              file=sys.stderr)
        return 1
    for event_id in reply.ids:
        print(event_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
