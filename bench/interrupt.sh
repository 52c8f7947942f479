#!/bin/bash
# Issue 14's bar, by hand: a sandbox with 300 live calls and the default update quota (5/s);
# `hangup --all` interrupted after 3 s (SIGINT, or the signal given: bash bench/interrupt.sh TERM)
# must exit 130 at once, list the calls it did not reach, and a second `hangup --all` ends them.
# Not a test (a minute at 5 updates a second); CHIMECALL_BIN names the binary.
SIG=${1:-INT}
B=$(realpath "${CHIMECALL_BIN:-target/debug/chimecall}")
D=$(mktemp -d); mkdir -p $D/home; cd $D
export HOME=$D/home CHIMECALL_JOURNAL=$D/journal.sqlite3
unset AWS_PROFILE
$B sandbox --detach --quota create-rate=unlimited --quota active-calls=unlimited --access-log $D/access.log > env.sh
. ./env.sh
(echo to; for i in $(seq 1000 1299); do echo "+1206555$i"; done) > calls.csv
$B dial --file calls.csv --rate 0 --max-active 0 > dial.out 2> dial.err; echo "dial exit $?"
start=$(date +%s.%N)
timeout --preserve-status -s $SIG 3 $B hangup --all > h1.out 2> h1.err; rc=$?
end=$(date +%s.%N)
echo "first hangup --all: exit $rc after $(echo "$end-$start"|bc) s (signal at 3 s); accepted $(wc -l < h1.out); listed not reached: $(grep -c '^[0-9a-f]\{8\}-' h1.err)"
grep "not reached" h1.err
echo "still active per journal: $($B calls --active --offline | tail -n +2 | wc -l)"
start=$(date +%s.%N)
$B hangup --all > h2.out 2> h2.err; rc=$?
end=$(date +%s.%N)
echo "second hangup --all: exit $rc in $(echo "$end-$start"|bc) s; accepted $(wc -l < h2.out)"
comm -12 <(sort h2.out) <(grep '^[0-9a-f]\{8\}-' h1.err | sort) | wc -l | xargs echo "of them listed by the first:"
python3 - <<PY
import json
ups=[json.loads(l) for l in open("$D/access.log") if '"UpdateSipMediaApplicationCall"' in l]
ok=[u for u in ups if u.get("status") in (200,202)]
tx=[u.get("transaction_id") for u in ok]
print("updates accepted:", len(ok), "distinct calls:", len(set(tx)), "throttled:", sum(1 for u in ups if u.get("status")==429))
PY
kill $CHIMECALL_SANDBOX_PID
