#!/usr/bin/env bash
# chimecall's benchmark: bulk throughput and peak RSS for 10,000 rows (sandbox --no-quotas), rate
# accuracy at --rate 10 over 30 s against a create-rate quota of 10 (measured from the sandbox's
# access log, where AWS measures it: at arrival), and a single dial against the AWS CLI's
# create-sip-media-application-call, FilterLogEvents per second while `hangup --all --wait`
# follows 1,000 live calls (against --logs-rate), and a 200-row campaign at --rate 10
# --max-active 10 against the live-call quota (calls per second, throttles, ResourceLimitExceeded),
# all on sandboxes on this machine. Prints a table; see
# docs/reference.md "Benchmark". Extra arguments go to bench.py (e.g. --only rate --rate-seconds 5).
#
#   bash bench/run.sh            # builds chimecall --release, installs the AWS CLI into a temp venv
#
# Not a test: nothing here runs in CI. Needs Python 3 with venv and access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check awscli botocore
exec "$venv/bin/python" bench/bench.py --bin "${CARGO_TARGET_DIR:-target}/release/chimecall" --aws "$venv/bin/aws" "$@"
