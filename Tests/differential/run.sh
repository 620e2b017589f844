#!/usr/bin/env bash
# Starts Strata (release build, in memory) and DynamoDB Local 1.13.3, then
# runs the differential harness against both.
#   DDBL_DIR=<folder holding DynamoDBLocal.jar> Tests/differential/run.sh [--seed N] [--operations N]
# Needs java and javac (Debian's openjdk-17-jdk-headless) for DynamoDB Local.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${DDBL_DIR:?set DDBL_DIR to the folder holding DynamoDBLocal.jar (see ../shared/ddblocal/start)}"
[ -x "$root/.build/release/strata" ] || (cd "$root" && swift build -c release --product strata >/dev/null)
work=$(mktemp -d)
"$root/.build/release/strata" --port 0 --in-memory --throttling off >"$work/strata.log" 2>&1 &
strata_pid=$!
reference_port=$((20000 + RANDOM % 20000))
reference_pid=$(DDBL_DIR=$DDBL_DIR LOG="$work/ddbl.log" "$root/../shared/ddblocal/start" "$reference_port")
trap 'kill $strata_pid $reference_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do grep -q "Strata listening" "$work/strata.log" && break; sleep 0.05; done
strata_url="http://127.0.0.1:$(grep -o 'port=[0-9]*' "$work/strata.log" | head -1 | cut -d= -f2)"
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$reference_port" && break; sleep 0.1; done
python3 "$here/harness.py" --strata "$strata_url" --reference "http://127.0.0.1:$reference_port" "$@"
