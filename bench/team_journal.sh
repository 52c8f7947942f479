#!/bin/bash
# Issue 18's bar, by hand: three chimecall processes ("machines": a HOME and a copy of the list
# each) run the same 300-row list at once on one team journal (moto's DynamoDB on loopback, one
# request at a time: tests/integration/support/moto_serial.py) and one sandbox (creates 10/s,
# live calls lifted), --rate 10 each. Prints each runner's exit and share, the creates (and
# any throttled), the DynamoDB requests per call, then `calls --active` and `hangup --all
# --batch` from a fourth. CHIMECALL_BIN names the binary; needs target/test-venv with moto.
set -u
B=$(realpath "${CHIMECALL_BIN:-target/debug/chimecall}")
PY=$PWD/target/test-venv/bin/python
MOTO=$(realpath tests/integration/support/moto_serial.py)
D=$(mktemp -d); cd $D
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$PY $MOTO $PORT $D/dynamodb.log > moto.out 2>&1 & MOTO_PID=$!
mkdir -p home; HOME=$D/home $B sandbox --detach --quota create-rate=10 --quota active-calls=1000 \
    --access-log $D/access.log > env.sh
. ./env.sh
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$PORT CHIMECALL_GUARD=off
sleep 1
HOME=$D/home $B journal create dynamodb:bench > /dev/null
: > $D/dynamodb.log
for m in 1 2 3; do
    mkdir -p m$m/home
    (echo to; for i in $(seq 1000 1299); do echo "+1206555$i"; done) > m$m/oncall.csv
done
start=$(date +%s.%N)
runners=()
for m in 1 2 3; do
    (cd m$m && HOME=$D/m$m/home $B --journal dynamodb:bench dial --file oncall.csv --rate 10 \
        --max-active 0 > out 2> err; echo $? > rc) &
    runners+=($!)
done
wait "${runners[@]}"
end=$(date +%s.%N)
echo "three runners: $(echo "$end-$start"|bc) s"
for m in 1 2 3; do
    echo "runner $m: exit $(cat m$m/rc), placed $(grep -c placed m$m/out), skipped $(grep -c skipped m$m/out)"
done
python3 - <<PY
import json, collections
creates=[json.loads(l) for l in open("$D/access.log") if '"CreateSipMediaApplicationCall"' in l]
ok=[c for c in creates if c.get("status") in (200,201)]
print("creates accepted:", len(ok), "throttled:", sum(1 for c in creates if c.get("status")==429))
ops=collections.Counter(l.split()[1]+" "+l.split()[2] for l in open("$D/dynamodb.log"))
total=sum(ops.values())
print("DynamoDB requests:", total, "(%.1f per call):" % (total/max(1,len(ok))), dict(sorted(ops.items())))
PY
batch=$(grep -m1 '^batch: ' m1/err | cut -d' ' -f2)
mkdir -p m4/home
echo "calls --active from a fourth: $(HOME=$D/m4/home $B --journal dynamodb:bench calls --active --offline | tail -n +2 | wc -l) live"
start=$(date +%s.%N)
HOME=$D/m4/home $B --journal dynamodb:bench hangup --all --batch "$batch" > h.out 2> h.err
echo "hangup --all --batch from a fourth: exit $? in $(echo "$(date +%s.%N)-$start"|bc) s, ended $(wc -l < h.out)"
kill $CHIMECALL_SANDBOX_PID $MOTO_PID
