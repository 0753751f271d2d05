#!/usr/bin/python3
"""Publish one Server-Sent Event to sse-gateway from Python.

    examples/python/publish.py --topic news --data 'hello'

Needs Debian's python3-protobuf and the ssegw_pb2 module that the build generates
(build/python/ssegw/v1/ssegw_pb2.py; point SSEGW_PYTHON_PATH elsewhere if you built
elsewhere). Prints the event's id and exits 0 when the gateway accepts it; prints the
gateway's reason and exits 1 when it is rejected; exits 2 when a module is missing (saying
which and how to get it) and 3 when the gateway cannot be reached.
"""
import argparse
import os
import socket
import sys

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default="/tmp/sse-gateway.sock")
    parser.add_argument("--topic", action="append", required=True)
    parser.add_argument("--type", default="")
    parser.add_argument("--id", default="")
    parser.add_argument("--data", required=True)
    args = parser.parse_args()

    event = ssegw_pb2.Event(topics=args.topic, id=args.id, type=args.type, data=args.data)
    try:
        reply = publish(args.socket, [event])
    except OSError as error:
        print(f"publish.py: cannot publish through {args.socket}: {error}", file=sys.stderr)
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
