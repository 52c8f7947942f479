#!/usr/bin/env python3
"""The measurements behind bench/run.sh (run that; it sets up the AWS CLI and the release build).

Every figure is taken on one `chimecall sandbox` on this machine, never from chimecall's word:
calls placed are counted from the sandbox's own handler logs (CloudWatch Logs FilterLogEvents),
and the rate is measured from its access log, where AWS measures it: when each request arrived.

Where chimecall's own speed is measured (bulk, single dial) the sandbox runs with `--no-quotas`;
the rate is measured against a create-rate quota equal to the rate asked for, so any start that
comes too early shows as a 429.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import botocore.session


def start_sandbox(binary, *flags):
    """A sandbox with `flags`, writing an access log; its environment (with ACCESS_LOG)."""
    env = {"PATH": os.environ["PATH"], "HOME": tempfile.mkdtemp(), "AWS_EC2_METADATA_DISABLED": "true"}
    access_log = os.path.join(env["HOME"], "access.jsonl")
    process = subprocess.Popen([binary, "sandbox", "--port", "0", "--access-log", access_log, *flags],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    for _ in range(6):
        name, value = process.stdout.readline().strip().removeprefix("export ").split("=", 1)
        env[name] = value
    env["CHIMECALL_JOURNAL"] = os.path.join(env["HOME"], "journal.sqlite3")
    return process, env, access_log


def ms(text):  # 2026-11-29T19:30:00.123Z
    seconds = datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    return int(seconds) * 1000 + int(text[20:23])


def requests(access_log, operation):
    """(arrival ms, status, error) of every request of `operation` the sandbox was sent."""
    with open(access_log) as f:
        lines = [json.loads(line) for line in f]
    return [(ms(l["time"]), l["status"], l.get("error")) for l in lines if l["operation"] == operation]


def creates(access_log):
    """(arrival ms, status) of every CreateSipMediaApplicationCall the sandbox was sent."""
    return [(t, status) for t, status, _ in requests(access_log, "CreateSipMediaApplicationCall")]


def busiest_second(times):
    """The most arrivals in any window of one second."""
    times = sorted(times)
    return max((sum(1 for t in times if s <= t < s + 1000) for s in times), default=0)


def new_outbound_call_times(env):
    """Start time (ms) of every call the sandbox placed, from its handler log group."""
    logs = botocore.session.get_session().create_client(
        "logs", region_name=env["AWS_REGION"], endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    times = []
    for page in logs.get_paginator("filter_log_events").paginate(
            logGroupName="/aws/lambda/chimecall-sandbox-handler",
            filterPattern='"Request:" "NEW_OUTBOUND_CALL"'):
        times.extend(e["timestamp"] for e in page["events"])
    return sorted(times)


def csv_rows(count, first):
    path = tempfile.mktemp(suffix=".csv")
    with open(path, "w") as f:
        f.write("to,id\n")
        for i in range(count):
            f.write(f"+1206{first + i:07d},r{i}\n")
    return path


def run_measured(argv, env):
    """Wall time and peak RSS (KiB) of one command.

    The peak is the process's own VmHWM, sampled until it exits: getrusage(RUSAGE_CHILDREN) would
    also count the moment between fork and exec, when the child is still a copy of this Python.
    """
    # stderr to a file, not a pipe: a pipe nobody reads while the command runs fills up and
    # blocks a command that says much (a hangup of 1,000 calls does).
    errors = tempfile.TemporaryFile(mode="w+")
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors, text=True)
    peak = 0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    errors.seek(0)
    stderr = errors.read()
    if process.returncode != 0:
        sys.exit(f"{argv} failed ({process.returncode}): {stderr[-2000:]}")
    return elapsed, peak


def bulk(binary, rows):
    sandbox, env, _ = start_sandbox(binary, "--no-quotas")
    try:
        path = csv_rows(rows, 1_000_000)
        elapsed, rss = run_measured(
            [binary, "dial", "--file", path, "--rate", "0", "--concurrency", "32", "--max-active", "0"], env)
        placed = len(new_outbound_call_times(env))
        return {"rows": rows, "placed": placed, "seconds": elapsed, "calls_per_s": placed / elapsed,
                "peak_rss_mib": rss / 1024}
    finally:
        sandbox.terminate()
        sandbox.wait()


def rate(binary, per_second, seconds):
    sandbox, env, access_log = start_sandbox(binary, "--quota", f"create-rate={per_second}",
                                             "--quota", "active-calls=unlimited")
    try:
        count = per_second * seconds
        path = csv_rows(count, 2_000_000)
        elapsed, _ = run_measured([binary, "dial", "--file", path, "--rate", str(per_second),
                                   "--max-active", "0"], env)
        sent = creates(access_log)
        starts = sorted(t for t, status in sent if status == 201)
        busiest = max(sum(1 for t in starts if s <= t < s + 1000) for s in starts)
        return {"calls": len(starts), "placed": len(new_outbound_call_times(env)),
                "throttled": sum(1 for _, status in sent if status == 429),
                "wall_s": elapsed, "span_s": (starts[-1] - starts[0]) / 1000,
                "busiest_window": busiest,
                "wall_error_pct": 100 * (elapsed - seconds) / seconds}
    finally:
        sandbox.terminate()
        sandbox.wait()


def single_dial(binary, aws, runs):
    sandbox, env, _ = start_sandbox(binary, "--no-quotas")
    try:
        def timed(argv):
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                samples.append(time.perf_counter() - started)
            return statistics.median(samples)
        ours = timed([binary, "dial", "--to", "+12065550123"])
        theirs = timed([aws, "chime-sdk-voice", "create-sip-media-application-call",
                        "--endpoint-url", env["AWS_ENDPOINT_URL"], "--region", env["AWS_REGION"],
                        "--sip-media-application-id", env["CHIMECALL_SMA_ID"],
                        "--from-phone-number", env["CHIMECALL_FROM"], "--to-phone-number", "+12065550123"])
        return {"chimecall_ms": ours * 1000, "aws_cli_ms": theirs * 1000, "ratio": theirs / ours}
    finally:
        sandbox.terminate()
        sandbox.wait()


def follow(binary, calls):
    """`hangup --all --wait` of `calls` live calls: one poller follows them all, within --logs-rate."""
    sandbox, env, access_log = start_sandbox(binary, "--no-quotas")
    try:
        path = csv_rows(calls, 3_000_000)
        run_measured([binary, "dial", "--file", path, "--rate", "0", "--concurrency", "32",
                      "--max-active", "0"], env)
        started_ms = int(time.time() * 1000)
        elapsed, _ = run_measured([binary, "hangup", "--all", "--wait", "--timeout", "10m"], env)
        reads = [t for t, _, _ in requests(access_log, "FilterLogEvents") if t >= started_ms]
        return {"calls": calls, "seconds": elapsed, "filter_log_events": len(reads),
                "per_second": len(reads) / elapsed, "busiest_window": busiest_second(reads),
                "budget": 2}
    finally:
        sandbox.terminate()
        sandbox.wait()


def campaign(binary, rows):
    """A campaign at --rate 10 --max-active 10 against a fresh account's 10 live calls (creates
    raised to 10/s): calls of about 2 s, scripted; what it achieved and what it met."""
    callees = tempfile.mktemp(suffix=".toml")
    with open(callees, "w") as f:
        f.write('[[callee]]\nnumber = "+1206*"\nanswer_after = "500ms"\nhangup_after = "1500ms"\n')
    sandbox, env, access_log = start_sandbox(binary, "--quota", "create-rate=10", "--callees", callees)
    try:
        path = csv_rows(rows, 4_000_000)
        elapsed, _ = run_measured([binary, "dial", "--file", path, "--rate", "10", "--max-active", "10",
                                   "--wait", "ended"], env)
        sent = requests(access_log, "CreateSipMediaApplicationCall")
        placed = sum(1 for _, status, _ in sent if status == 201)
        reads = [t for t, _, _ in requests(access_log, "FilterLogEvents")]
        return {"rows": rows, "placed": placed, "seconds": elapsed, "calls_per_s": placed / elapsed,
                # 10 live calls of about 2 s each: the most the account takes.
                "quota_calls_per_s": 10 / 2.0,
                "throttled": sum(1 for _, status, _ in sent if status == 429),
                "over_quota": sum(1 for _, _, error in sent if error == "ResourceLimitExceededException"),
                "logs_busiest_window": busiest_second(reads)}
    finally:
        sandbox.terminate()
        sandbox.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--aws", required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rate-seconds", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--follow-calls", type=int, default=1000)
    parser.add_argument("--campaign-rows", type=int, default=200)
    parser.add_argument("--only", choices=["bulk", "rate", "single", "follow", "campaign"],
                        help="run one measure")
    args = parser.parse_args()
    if args.only:
        measure = {"bulk": lambda: bulk(args.bin, args.rows),
                   "rate": lambda: rate(args.bin, 10, args.rate_seconds),
                   "single": lambda: single_dial(args.bin, args.aws, args.runs),
                   "follow": lambda: follow(args.bin, args.follow_calls),
                   "campaign": lambda: campaign(args.bin, args.campaign_rows)}[args.only]
        print(json.dumps({args.only: measure()}))
        return

    b = bulk(args.bin, args.rows)
    r = rate(args.bin, 10, args.rate_seconds)
    s = single_dial(args.bin, args.aws, args.runs)
    f = follow(args.bin, args.follow_calls)
    c = campaign(args.bin, args.campaign_rows)
    rows = [
        ("bulk, --rate 0 --concurrency 32", f"{b['placed']} of {b['rows']} placed in {b['seconds']:.2f} s",
         f"{b['calls_per_s']:.0f} calls/s", ">= 1000 calls/s"),
        ("bulk, chimecall peak RSS", f"{b['rows']} rows", f"{b['peak_rss_mib']:.1f} MiB", "< 64 MiB"),
        (f"--rate 10 for {args.rate_seconds} s, quota 10/s",
         f"{r['calls']} accepted, {r['throttled']} throttled, busiest 1 s window: {r['busiest_window']}",
         f"wall {r['wall_s']:.2f} s ({r['wall_error_pct']:+.2f}%), arrivals span {r['span_s']:.2f} s",
         "0 throttled, within 2%"),
        ("single dial (median of %d)" % args.runs, f"chimecall {s['chimecall_ms']:.1f} ms, AWS CLI {s['aws_cli_ms']:.0f} ms",
         f"{s['ratio']:.0f}x faster", ">= 30x"),
        (f"hangup --all --wait of {f['calls']} live calls",
         f"{f['filter_log_events']} FilterLogEvents in {f['seconds']:.1f} s, busiest 1 s window: {f['busiest_window']}",
         f"{f['per_second']:.2f} per second", f"<= {f['budget']} per second (--logs-rate)"),
        (f"campaign, {c['rows']} rows, --rate 10 --max-active 10",
         f"{c['placed']} placed in {c['seconds']:.1f} s; {c['throttled']} throttled, {c['over_quota']} over quota",
         f"{c['calls_per_s']:.2f} calls/s of the {c['quota_calls_per_s']:.1f} the live-call quota allows",
         "quota filled, 0 refused"),
    ]
    widths = [max(len(row[i]) for row in rows + [("measure", "what", "result", "target")]) for i in range(4)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(("measure", "what", "result", "target")))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print(json.dumps({"bulk": b, "rate": r, "single": s, "follow": f, "campaign": c}))


if __name__ == "__main__":
    main()
