#!/usr/bin/env bash
# Side by side, in one run: Strata (release build, on disk), nginx answering
# a fixed ~1 KB JSON body (the HTTP ceiling of this machine) and Amazon's
# DynamoDB Local 1.13 (in memory), each driven by ../shared/bench/run with
# the same workloads, then one table of req/s per workload with Strata's
# share of nginx and its multiple of DynamoDB Local.
#
# DynamoDB Local listens on every interface and has no flag to change that,
# so all three servers and the load run in a private network namespace
# (unshare --net, needs root) where only its loopback reaches them.
#   DDBL_DIR=<folder with DynamoDBLocal.jar> Benchmarks/side-by-side/run.sh [WORKLOAD...]
# Environment: DURATION (10), CONNS (32), KEYS (20000), PARTITIONS (200),
# SKIP_BUILD=1. Without DDBL_DIR, DynamoDB Local is left out.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH:-$root/../shared/bench/run}
[ -x "$bench" ] || bench=/work/shared/bench/run
workloads=${*:-"get put query update cond_put batch_write"}

if [ "${INSIDE_NETNS:-0}" != 1 ]; then
  command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx-light >/dev/null
  [ "${SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build -c release --product strata >/dev/null)
  exec env INSIDE_NETNS=1 unshare --net "$0" "$@"
fi
ip link set lo up
export DURATION=${DURATION:-10} CONNS=${CONNS:-32} KEYS=${KEYS:-20000} PARTITIONS=${PARTITIONS:-200}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_up() { for _ in $(seq 1 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "$1 did not start" >&2; exit 1; }

# nginx: a fixed GetItem-sized answer to every request.
body=$(python3 -c 'import json; print(json.dumps({"Item": {"pk": {"S": "user000001234"}, "n": {"N": "42"}, "payload": {"S": "x" * 900}}}))')
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:8622; location / { default_type application/x-amz-json-1.0; return 200 '$body'; } }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
wait_up http://127.0.0.1:8622/

"$root/.build/release/strata" --host 127.0.0.1 --port 8612 --data-dir "$work/strata" --log-level warning &
pids+=($!)
wait_up http://127.0.0.1:8612/

if [ -n "${DDBL_DIR:-}" ]; then
  pids+=($(DDBL_DIR="$DDBL_DIR" "$(dirname "$bench")/../ddblocal/start" 8632))
  wait_up http://127.0.0.1:8632/
fi

run() {  # name url [NOLOAD]
  echo "== $1" >&2
  [ "${3:-0}" = 1 ] || "$bench" "$2" get >/dev/null 2>&1 || true  # load, and warm up
  NOLOAD=1 "$bench" "$2" $workloads | tee "$work/$1.txt" >&2 || true
}
run strata http://127.0.0.1:8612
run nginx http://127.0.0.1:8622 1
[ -z "${DDBL_DIR:-}" ] || run ddblocal http://127.0.0.1:8632

python3 - "$work" $workloads <<'PY'
import sys
work, workloads = sys.argv[1], sys.argv[2:]
def rates(name):
    try:
        rows = [l.split() for l in open(f"{work}/{name}.txt") if l.split() and l.split()[0] in workloads]
    except FileNotFoundError:
        return {}
    return {r[0]: float(r[2]) for r in rows}
strata, nginx, ddbl = rates("strata"), rates("nginx"), rates("ddblocal")
print(f"{'workload':<12} {'Strata':>10} {'nginx':>10} {'DDB Local':>10} {'% nginx':>8} {'x DDB Local':>12}")
for w in workloads:
    s, n, d = strata.get(w), nginx.get(w), ddbl.get(w)
    share = f"{100 * s / n:.1f}" if s and n else "-"
    multiple = f"{s / d:.1f}" if s and d else "-"
    fmt = lambda v: f"{v:,.0f}" if v else "-"
    print(f"{w:<12} {fmt(s):>10} {fmt(n):>10} {fmt(d):>10} {share:>8} {multiple:>12}")
PY
