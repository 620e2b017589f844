#!/usr/bin/env bash
# Starts Strata (release build, in memory) and DynamoDB Local 1.13.3, then
# runs the differential harness against both. DynamoDB Local listens on
# every interface and has no flag to change that, so both servers and the
# harness run in a private network namespace (unshare -n, needs root) where
# only their loopback reaches them.
#   DDBL_DIR=<folder holding DynamoDBLocal.jar> Tests/differential/run.sh [--seed N] [--operations N]
# Needs java and javac (Debian's openjdk-17-jdk-headless) for DynamoDB Local.
# STRATA_BINARY runs another build of Strata than .build/release/strata.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${DDBL_DIR:?set DDBL_DIR to the folder holding DynamoDBLocal.jar (see ../shared/ddblocal/start)}"
strata=${STRATA_BINARY:-$root/.build/release/strata}
if [ "${1:-}" != "--inside" ]; then
  [ -x "$strata" ] || (cd "$root" && swift build -c release --product strata >/dev/null)
  exec unshare --net "$0" --inside "$@"
fi
shift
ip link set lo up
start=${DDBL_START:-$root/../shared/ddblocal/start}
[ -x "$start" ] || start=/work/shared/ddblocal/start
work=$(mktemp -d)
"$strata" --port 0 --in-memory --throttling off >"$work/strata.log" 2>&1 &
strata_pid=$!
reference_port=8000
reference_pid=$(DDBL_DIR=$DDBL_DIR LOG="$work/ddbl.log" "$start" "$reference_port")
trap 'kill $strata_pid $reference_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do grep -q "Strata listening" "$work/strata.log" && break; sleep 0.05; done
strata_url="http://127.0.0.1:$(grep -o 'port=[0-9]*' "$work/strata.log" | head -1 | cut -d= -f2)"
deadline=$(( $(date +%s) + 60 ))
until curl -s -o /dev/null "http://127.0.0.1:$reference_port"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "DynamoDB Local did not start:" >&2; cat "$work/ddbl.log" >&2; exit 1; }
  sleep 0.1
done
python3 "$here/harness.py" --strata "$strata_url" --reference "http://127.0.0.1:$reference_port" "$@"
