#!/usr/bin/env python3
"""How long after an event is logged does `chimecall tail --follow` print it?

Starts `chimecall sandbox`, places N calls one after another, follows each with
`tail --follow --output json`, and compares the moment each event line arrives on tail's stdout
with the event's own log timestamp. Prints the delay per event type and overall. Same machine,
same clock, so the difference is tail's polling delay plus its processing.

    python3 bench/tail_latency.py [--calls 5] [--bin target/debug/chimecall]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--bin", default="target/debug/chimecall")
    args = parser.parse_args()

    env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"}
    sandbox = subprocess.Popen([args.bin, "sandbox", "--answer-after", "1500ms"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    for _ in range(6):
        name, value = sandbox.stdout.readline().strip().removeprefix("export ").split("=", 1)
        env[name] = value
    delays = {}
    try:
        for _ in range(args.calls):
            tx = subprocess.run([args.bin, "dial", "--to", "+12065550123"], env=env,
                                capture_output=True, text=True, check=True).stdout.strip()
            tail = subprocess.Popen([args.bin, "-o", "json", "tail", "--follow", tx],
                                    stdout=subprocess.PIPE, env=env, text=True)
            hung_up = False
            for line in tail.stdout:
                arrived_ms = time.time() * 1000
                event = json.loads(line)
                delays.setdefault(event["event"], []).append(arrived_ms - event["timestamp_ms"])
                if event["event"] == "CALL_ANSWERED" and not hung_up:
                    time.sleep(1.2)  # a quiet second on a live call, so tail backs off
                    subprocess.run([args.bin, "hangup", tx], env=env, capture_output=True, check=True)
                    hung_up = True
            tail.wait()
    finally:
        sandbox.terminate()
        sandbox.wait()

    everything = [d for ds in delays.values() for d in ds]
    print(f"{'event':<24}{'n':>4}{'mean ms':>10}{'max ms':>10}")
    for kind, ds in delays.items():
        print(f"{kind:<24}{len(ds):>4}{statistics.mean(ds):>10.0f}{max(ds):>10.0f}")
    print(f"{'all':<24}{len(everything):>4}{statistics.mean(everything):>10.0f}{max(everything):>10.0f}")
    return 0 if max(everything) <= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
