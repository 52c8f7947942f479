#!/usr/bin/env python3
"""A fault proxy for DynamoDB, for the team journal's tests: it forwards every request to an
upstream (moto's server) and answers it as DynamoDB did, until a test switches it to a fault.

    ddb_fault_proxy.py --upstream http://127.0.0.1:PORT --control FILE --log FILE

It listens on a free loopback port and prints that port on stdout (one line) once it serves.
Before each request it reads the control file (missing or empty: `pass`), whose first line is
a mode and, optionally, the operations it applies to (comma-separated X-Amz-Target operation
names, `PutItem,UpdateItem`; none: every operation). The other operations are forwarded.

  pass      forward the request, answer as upstream did
  throttle  400 ProvisionedThroughputExceededException (nothing forwarded)
  deny      400 AccessDeniedException (nothing forwarded)
  close     close the connection without a byte of answer (nothing forwarded): the network gone

Every request is logged to the log file as one JSON line, written whole before the answer
leaves: {"time_ms", "operation", "mode", "status"} (status null when the connection was
closed unanswered).

Python standard library only.
"""

import argparse
import http.client
import http.server
import json
import socketserver
import sys
import threading
import time
import urllib.parse

THROTTLED = {
    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    "message": "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API.",
}
DENIED = {
    "__type": "com.amazon.coral.service#AccessDeniedException",
    "message": "User: arn:aws:iam::123456789012:user/tester is not authorized to perform: "
    "dynamodb:{operation} on resource: arn:aws:dynamodb:us-east-1:123456789012:table/* "
    "because no identity-based policy allows the dynamodb:{operation} action",
}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
}


def read_mode(control):
    """(mode, operations or None for all) from the control file."""
    try:
        with open(control, encoding="utf-8") as f:
            line = f.readline().strip()
    except FileNotFoundError:
        return "pass", None
    if not line:
        return "pass", None
    parts = line.split()
    mode = parts[0]
    operations = None
    if len(parts) > 1:
        operations = {op.strip() for op in parts[1].split(",") if op.strip()}
    return mode, operations


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ddb-fault-proxy"

    def log_message(self, *args):  # quiet: the JSON log says what happened
        pass

    def record(self, operation, mode, status):
        line = json.dumps(
            {
                "time_ms": int(time.time() * 1000),
                "operation": operation,
                "mode": mode,
                "status": status,
            }
        )
        with self.server.log_lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def answer(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def fault(self, error, operation):
        body = {k: v.format(operation=operation) for k, v in error.items()}
        self.answer(
            400,
            json.dumps(body),
            [
                ("Content-Type", "application/x-amz-json-1.0"),
                ("x-amzn-RequestId", "FAULTPROXY" + str(time.time_ns())),
            ],
        )

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target") or ""
        operation = target.rsplit(".", 1)[-1] if target else "unknown"
        mode, operations = read_mode(self.server.control)
        if operations is not None and operation not in operations:
            mode = "pass"
        if mode == "throttle":
            self.record(operation, mode, 400)
            self.fault(THROTTLED, operation)
            return
        if mode == "deny":
            self.record(operation, mode, 400)
            self.fault(DENIED, operation)
            return
        if mode == "close":
            self.record(operation, mode, None)
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        # pass
        upstream = self.server.upstream
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP
        }
        headers["Content-Length"] = str(len(body))
        try:
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            conn.request(self.command, self.path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            status = reply.status
            reply_headers = [
                (name, value)
                for name, value in reply.getheaders()
                if name.lower() not in HOP_BY_HOP
            ]
            conn.close()
        except OSError as e:
            self.record(operation, "upstream-error", 502)
            self.answer(502, json.dumps({"message": f"upstream: {e}"}))
            return
        self.record(operation, mode, status)
        self.answer(status, data, reply_headers)

    do_POST = handle_any
    do_GET = handle_any
    do_PUT = handle_any
    do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Proxy)
    server.upstream = urllib.parse.urlsplit(args.upstream)
    server.control = args.control
    server.log_path = args.log
    server.log_lock = threading.Lock()
    open(args.log, "a").close()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
