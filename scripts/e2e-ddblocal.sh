#!/usr/bin/env bash
# Runs the end-to-end suite against Amazon DynamoDB Local instead of Strata
# (STRATA_E2E_ENDPOINT), to check that the suite tests DynamoDB's behaviour
# and not only Strata's. DynamoDB Local listens on every interface and has no
# flag to change that, so it runs with the tests in a private network
# namespace (unshare -n, needs root) where only their loopback can reach it.
#   DDBL_DIR=<folder with DynamoDBLocal.jar> scripts/e2e-ddblocal.sh [pytest args]
# Starts it with ../shared/ddblocal/start (DDBL_START to use another copy).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DDBL_DIR:?set DDBL_DIR to the folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/}"
start=${DDBL_START:-$PWD/../shared/ddblocal/start}
[ -x "$start" ] || start=/work/shared/ddblocal/start

if [ "${1:-}" != "--inside" ]; then
  exec unshare --net "$0" --inside "$@"
fi
shift
ip link set lo up
port=8000
log=$(mktemp)
pid=$(DDBL_DIR="$DDBL_DIR" LOG="$log" "$start" "$port")
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
deadline=$(( $(date +%s) + 60 ))
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "DynamoDB Local did not start:" >&2; cat "$log" >&2; exit 1; }
  kill -0 "$pid" 2>/dev/null || { echo "DynamoDB Local exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done
STRATA_E2E_ENDPOINT="http://127.0.0.1:$port" python3 -m pytest -p no:cacheprovider Tests/e2e "$@"
