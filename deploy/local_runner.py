#!/usr/bin/env python3
"""Serves deploy/handler.py through the Lambda Invoke API, as `sam local start-lambda` and
`cargo lambda watch` serve a function, so that `chimecall sandbox --handler URL` can call it:

    python3 deploy/local_runner.py --function-name chimecall-callout [--port 0] [--log FILE]
    # prints the port it listens on (127.0.0.1), alone on a line, once it serves
    chimecall sandbox --handler http://127.0.0.1:PORT --function-name chimecall-callout

POST /2015-03-31/functions/{name}/invocations with the event as the body answers 200 with the
function's result; a function that raises answers 200 with `X-Amz-Function-Error: Unhandled`
and Lambda's error payload; another function name answers 404 ResourceNotFoundException.
What the function prints (its CloudWatch log at AWS) goes to --log, else to stderr, one line per
print. Invocations run one at a time, as on one warm Lambda instance. Standard library only.
"""

import argparse
import contextlib
import importlib.util
import io
import json
import os
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
INVOKE_PREFIX = "/2015-03-31/functions/"
INVOKE_SUFFIX = "/invocations"


def load_function(path):
    sys.dont_write_bytecode = True  # no __pycache__ beside the handler in the repository
    spec = importlib.util.spec_from_file_location("index", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


class Context:
    """The parts of Lambda's context object a handler may read."""

    def __init__(self, function_name):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:111122223333:function:{function_name}"
        )
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self):
        return 3000


class Runner:
    def __init__(self, function, function_name, log):
        self.function = function
        self.function_name = function_name
        self.log = log
        self.lock = threading.Lock()

    def invoke(self, event):
        """(status, headers, payload) for one invocation."""
        printed = io.StringIO()
        with self.lock:
            try:
                with contextlib.redirect_stdout(printed):
                    result = self.function(event, Context(self.function_name))
                headers, payload = {}, result
            except Exception as error:  # the function failed: Lambda's error payload
                headers = {"X-Amz-Function-Error": "Unhandled"}
                payload = {
                    "errorMessage": str(error),
                    "errorType": type(error).__name__,
                    "stackTrace": traceback.format_tb(error.__traceback__),
                }
            finally:
                text = printed.getvalue()
                if text:
                    self.log.write(text if text.endswith("\n") else text + "\n")
                    self.log.flush()
        return 200, headers, payload


def make_handler(runner):
    class InvokeApi(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            path = self.path.split("?", 1)[0]
            if not (path.startswith(INVOKE_PREFIX) and path.endswith(INVOKE_SUFFIX)):
                return self.error(404, "UnknownOperationException", f"no operation at {path}")
            name = path[len(INVOKE_PREFIX):-len(INVOKE_SUFFIX)]
            if name != runner.function_name:
                return self.error(
                    404, "ResourceNotFoundException", f"Function not found: {name}"
                )
            try:
                event = json.loads(body or b"{}")
            except ValueError as error:
                return self.error(400, "InvalidRequestContentException", str(error))
            status, headers, payload = runner.invoke(event)
            self.send(status, payload, headers)

        def error(self, status, kind, message):
            self.send(status, {"Type": "User", "message": message}, {"x-amzn-ErrorType": kind})

        def send(self, status, payload, headers):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # no access log on stderr
            pass

    return InvokeApi


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--function-name", default="chimecall-callout")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--log", help="append what the function prints here (default stderr)")
    parser.add_argument(
        "--handler-file",
        default=os.path.join(HERE, "handler.py"),
        help="the function's source (default deploy/handler.py)",
    )
    args = parser.parse_args(argv)
    log = open(args.log, "a", encoding="utf-8") if args.log else sys.stderr
    runner = Runner(load_function(args.handler_file), args.function_name, log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(runner))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
