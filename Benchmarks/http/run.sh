#!/usr/bin/env bash
# Strata's own HTTP benchmark: builds the release binary, starts it on a
# free loopback port with a fresh data directory, preloads KEYS items, then
# drives each workload (PutItem, GetItem, 2-item TransactWriteItems and
# TransactGetItems) with wrk at 1 and 32 connections and prints req/s, p50
# and p99. Also prints the time to the first answered request and the idle
# memory of the server. A transaction cancelled by a conflict with another
# (two clients drew the same key) counts as an error.
# Environment: DURATION (s, default 10), KEYS (default 20000), CONNS ("1 32"),
# WORKLOADS (default "put get transact_write transact_get"), STRATA_FLAGS
# (default "--table-max-units 1000000": at DynamoDB's on-demand maximum of
# 40,000 units a table, 2-item TransactGetItems at 4 RCU each would be
# throttled above 10,000 req/s and measure admission, not the server).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/http"
duration=${DURATION:-10}
keys=${KEYS:-20000}
conns=${CONNS:-"1 32"}
workloads=${WORKLOADS:-"put get transact_write transact_get"}
flags=${STRATA_FLAGS:-"--table-max-units 1000000"}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

(cd "$root" && swift build -c release --product strata >/dev/null)
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_ns=$(date +%s%N)
"$root/.build/release/strata" --port "$port" --data-dir "$data" --log-level warning $flags &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/" >/dev/null; do
  [ $(( $(date +%s%N) - start_ns )) -lt 10000000000 ] || { echo "server did not start" >&2; exit 1; }
done
echo "first answer after start: $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
echo "idle memory (RSS): $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MB"

KEYS=$keys python3 "$here/preload.py" "http://127.0.0.1:$port"
echo "preloaded $keys items; memory (RSS): $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MB"
printf '%-14s %6s %10s %9s %9s %8s\n' workload conns req/s p50_ms p99_ms errors
for w in $workloads; do
  for c in $conns; do
    t=2; [ "$c" -lt 2 ] && t=1
    line=$(WORKLOAD=$w KEYS=$keys wrk -t"$t" -c"$c" -d"${duration}s" -s "$here/requests.lua" "http://127.0.0.1:$port" | grep '^RESULT')
    read -r _ rps p50 p99 errors <<<"$line"
    printf '%-14s %6s %10s %9s %9s %8s\n' "$w" "$c" "$rps" "$p50" "$p99" "$errors"
  done
done
