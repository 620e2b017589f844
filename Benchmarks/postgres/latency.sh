#!/usr/bin/env bash
# PutItem through a front whose database is DELAY_US (250) microseconds
# away in each direction (delay-proxy.c: a network on one machine), at 4
# and at 32 connections, DURATION (5) s each. STRATA_B=path/to/strata
# adds a second build, run in turn with this checkout's (A): how waiting
# puts (ReplaceBatcher) fare when the round trip, not the database, is
# what a put waits for. Environment: DELAY_US, DURATION, KEYS (20000),
# ROUNDS (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
http="$root/Benchmarks/http"
delay=${DELAY_US:-250}
duration=${DURATION:-5}
keys=${KEYS:-20000}
rounds=${ROUNDS:-2}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

(cd "$root" && swift build -c release --product strata >/dev/null)
source "$root/Benchmarks/postgres/database.sh"
psql -c "CREATE DATABASE strata"
cc -O2 -o "$work/delay-proxy" "$root/Benchmarks/postgres/delay-proxy.c" -lpthread
mkdir -m 755 "$work/far"
"$work/delay-proxy" "$work/far/.s.PGSQL.5432" "$pg/.s.PGSQL.5432" "$delay" &
pids+=($!)
until [ -S "$work/far/.s.PGSQL.5432" ]; do sleep 0.05; done

declare -A ports
for build in A B; do
  binary="$root/.build/release/strata"
  if [ "$build" = B ]; then binary=${STRATA_B:-}; [ -n "$binary" ] || continue; fi
  start_strata "$binary" --storage "postgres://postgres@/strata?host=$work/far" --front-id "$build"
  ports[$build]=$port
done
KEYS=$keys python3 "$http/preload.py" "http://127.0.0.1:${ports[A]}"

printf '%-6s %-6s %6s %10s %9s %9s\n' build conns round req/s p50_ms p99_ms
for conns in 4 32; do
  for round in $(seq "$rounds"); do
    for build in $(printf '%s\n' "${!ports[@]}" | sort); do
      read -r _ rps p50 p99 _ < <(WORKLOAD=put KEYS=$keys wrk -t2 -c"$conns" -d"${duration}s" -s "$http/requests.lua" \
        "http://127.0.0.1:${ports[$build]}" | grep '^RESULT')
      printf '%-6s %-6s %6s %10s %9s %9s\n' "$build" "$conns" "$round" "$rps" "$p50" "$p99"
    done
  done
done
