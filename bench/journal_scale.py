#!/usr/bin/env python3
"""A journal of a million records, and what three commands take on it (bench/journal_scale.sh).

Writes a JSON-lines journal of about 1,000,000 records, the shape chimecall writes them: 33 bulk
runs of 10,000 rows and 10,000 single dials, each an intent, a placed outcome and an ended state
with a disposition; 5 calls of the last run are still live. The first command on it imports it into SQLite
(timed too). Then, each with `/usr/bin/time -v` (wall time and max RSS), against a sandbox on
this machine: a 1-row `dial --file`, `report --batch` of one batch of 10,000 rows,
`calls --active --offline` and `calls --active` (which asks the sandbox's logs about the live
calls first), and `hangup --all` (which ends them).
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid

RUNS = 33
ROWS = 10_000
SINGLES = 10_000
LIVE = 5


def stamp(ms):
    at = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def write_journal(path, sma_id, caller):
    """The JSON-lines journal; returns (records, one batch's name)."""
    now = int(time.time() * 1000)
    start = now - 34 * 86_400_000
    records = 0
    with open(path, "w") as f:
        def put(ms, record):
            nonlocal records
            f.write(json.dumps({"v": 1, "time": stamp(ms), **record}, separators=(",", ":")) + "\n")
            records += 1

        for run in range(RUNS):
            batch = f"/srv/lists/callout-{run:02d}.csv"
            base = start + run * 86_400_000
            for row in range(ROWS):
                ms = base + row * 100
                dial_id = str(uuid.uuid4())
                tx = str(uuid.uuid4())
                to = f"+1206{(run * ROWS + row) % 10_000_000:07d}"
                common = {"batch": batch, "row": f"r{row}"}
                put(ms, {"type": "intent", "dial_id": dial_id, "sma_id": sma_id, "from": caller,
                         "to": to, "arguments": {"chimecall-request-id": "***", "ticket": "***"},
                         "sip_headers": {}, "request_id": dial_id, **common, "line": row + 2,
                         "attempt": 1})
                put(ms + 40, {"type": "outcome", "dial_id": dial_id, "outcome": "placed",
                              "transaction_id": tx, **common, "attempt": 1})
                if run == RUNS - 1 and row >= ROWS - LIVE:
                    continue
                put(ms + 30_000, {"type": "state", "transaction_id": tx, "state": "ended",
                                  "answered": True, "sip_response_code": "0", "source": "dial",
                                  "disposition": "answered", "ring_ms": 4000,
                                  "duration_ms": 26000, "ended_by": "callee", "bridged": False})
        for single in range(SINGLES):
            ms = start + single * 60_000
            dial_id = str(uuid.uuid4())
            put(ms, {"type": "intent", "dial_id": dial_id, "sma_id": sma_id, "from": caller,
                     "to": f"+1425{single:07d}", "arguments": {"chimecall-request-id": "***"},
                     "sip_headers": {}, "request_id": dial_id})
            tx = str(uuid.uuid4())
            put(ms + 40, {"type": "outcome", "dial_id": dial_id, "outcome": "placed",
                          "transaction_id": tx})
            put(ms + 20_000, {"type": "state", "transaction_id": tx, "state": "ended",
                              "answered": False, "sip_response_code": "486", "source": "dial",
                              "disposition": "busy", "ended_by": "callee", "bridged": False})
    return records, f"/srv/lists/callout-{RUNS // 2:02d}.csv"


def start_sandbox(binary, home):
    env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_EC2_METADATA_DISABLED": "true"}
    process = subprocess.Popen([binary, "sandbox", "--port", "0", "--no-quotas"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    for _ in range(6):
        name, value = process.stdout.readline().strip().removeprefix("export ").split("=", 1)
        env[name] = value
    return process, env


def timed(argv, env):
    """Wall seconds and max RSS (MiB) of one command, from /usr/bin/time -v."""
    out = subprocess.run(["/usr/bin/time", "-v", *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    if out.returncode != 0:
        sys.exit(f"{argv} failed ({out.returncode}): {out.stderr[-2000:]}")
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, int(rss.group(1)) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--dir", help="where the journal goes (default: a new temporary directory)")
    args = parser.parse_args()
    home = args.dir or tempfile.mkdtemp(prefix="chimecall-journal-scale-")
    sandbox, env = start_sandbox(args.bin, home)
    try:
        old = os.path.join(home, "journal.jsonl")
        started = time.perf_counter()
        records, batch = write_journal(old, env["CHIMECALL_SMA_ID"], env["CHIMECALL_FROM"])
        print(f"wrote {records} records ({os.path.getsize(old) / 2**20:.0f} MiB of JSON lines) "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        env["CHIMECALL_JOURNAL"] = old
        seconds, rss = timed([args.bin, "journal", "export", "--since", "1s"], env)
        database = old + ".sqlite3"
        print(f"import (first use): {seconds:.1f} s, {rss:.1f} MiB; "
              f"{os.path.getsize(database) / 2**20:.0f} MiB of SQLite", flush=True)
        rows = os.path.join(home, "one-row.csv")
        with open(rows, "w") as f:
            f.write("to,id\n+12065550199,r1\n")
        measures = [
            ("dial --file (1 row)", ["dial", "--file", rows, "--rate", "0"]),
            ("report --batch (10,000 rows)", ["report", "--batch", batch]),
            ("calls --active --offline", ["calls", "--active", "--offline"]),
            ("calls --active", ["calls", "--active"]),
            ("hangup --all", ["hangup", "--all"]),
        ]
        print(f"| command | wall | max RSS |\n|---|---|---|")
        for name, argv in measures:
            seconds, rss = timed([args.bin, *argv], env)
            print(f"| `{name}` | {seconds:.2f} s | {rss:.1f} MiB |", flush=True)
    finally:
        sandbox.terminate()
        sandbox.wait()


if __name__ == "__main__":
    main()
