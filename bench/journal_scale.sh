#!/usr/bin/env bash
# A journal of 1,000,000 records (33 runs of 10,000 rows, 10,000 single dials, 5 live calls),
# imported from JSON lines on first use, then the time and max RSS (/usr/bin/time -v) of a 1-row
# `dial --file`, `report --batch` of one batch, `calls --active` and `hangup --all` on it, against
# a sandbox on this machine. Prints a table; see docs/reference.md "Benchmark".
#
#   bash bench/journal_scale.sh            # builds chimecall --release; needs Python 3 and ~1 GiB in $TMPDIR
#
# Not a test: nothing here runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
exec python3 bench/journal_scale.py --bin "${CARGO_TARGET_DIR:-target}/release/chimecall" "$@"
