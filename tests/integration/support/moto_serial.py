"""moto's DynamoDB server, one request at a time.

`moto_server` answers on many threads, and moto's backends are not thread-safe: concurrent
TransactWriteItems calls fail with HTTP 500 ("dictionary changed size during iteration"), and a
conditional write checked on one thread may race another. DynamoDB serializes the writes to an
item; this server serializes every request, so conditional writes here are atomic as there.

Usage: python moto_serial.py PORT [ACCESS_LOG]   (listens on 127.0.0.1)

With ACCESS_LOG, each request's operation (X-Amz-Target), its status and its time in the
server are appended to that file as `<epoch ms> <operation> <status> <ms>` lines.
"""

import os
import sys
import time

import copy
import types

from werkzeug.serving import run_simple

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend

try:  # moto 5.1 on: its handler (keeps the connection's headers as moto expects).
    from moto.moto_server.threaded_moto_server import MotoRequestHandler
except ImportError:  # older moto: werkzeug's own.
    MotoRequestHandler = None
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


_moto_transact = DynamoDBBackend.transact_write_items
# moto's module sees this `copy`: its whole-table backup becomes the table itself.
_no_backup = types.SimpleNamespace(deepcopy=lambda table: table)


def _key(table, op_type, op):
    if op_type != "Put":
        return op["Key"]
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def conditions_first(self, transact_items):
    """TransactWriteItems as DynamoDB checks it: every condition against the table as it was
    before the transaction, and a transaction any of whose conditions fails changes nothing.

    moto backs the whole table up (a deep copy per item of the transaction) before applying
    the items one by one, so each transaction gets slower as the table grows: a 300-row run
    took minutes. Here the conditions are checked first, and a failing transaction is
    cancelled without touching the table; one whose conditions all hold goes through moto's
    own code without the backup (a transaction that then fails validation half way, which
    chimecall never sends, would stay half applied)."""
    if len(transact_items) > 100:
        return _moto_transact(self, transact_items)
    reasons = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = self.get_table(op["TableName"])
        condition = op.get("ConditionExpression")
        if condition is None:
            reasons.append((None, None, None))
            continue
        current = self.get_item(op["TableName"], _key(table, op_type, op))
        holds = get_filter_expression(
            condition,
            op.get("ExpressionAttributeNames"),
            op.get("ExpressionAttributeValues"),
        ).expr(current)
        if holds:
            reasons.append((None, None, None))
        else:
            old = None
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                old = current.to_json()["Attributes"]
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    dynamodb_models.copy = _no_backup
    try:
        return _moto_transact(self, transact_items)
    finally:
        dynamodb_models.copy = copy


DynamoDBBackend.transact_write_items = conditions_first


def logged(app, path):
    log = open(path, "a", buffering=1)

    def wrapper(environ, start_response):
        started = time.time()
        target = environ.get("HTTP_X_AMZ_TARGET", "-").split(".")[-1]
        status = []

        def start(code, headers, exc_info=None):
            status.append(code.split(" ")[0])
            return start_response(code, headers, exc_info)

        body = b"".join(app(environ, start))
        took = (time.time() - started) * 1000
        log.write(f"{int(started * 1000)} {target} {status[0] if status else '-'} {took:.1f}\n")
        return [body]

    return wrapper


def main() -> None:
    port = int(sys.argv[1])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    if len(sys.argv) > 2:
        app = logged(app, sys.argv[2])
    run_simple(
        "127.0.0.1",
        port,
        app,
        threaded=False,
        use_reloader=False,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
