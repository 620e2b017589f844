#!/usr/bin/env bash
# The PostgreSQL engine's throughput, side by side in one run at CONNS (32)
# connections: GetItem, PutItem, conditional PutItem and 2-item
# TransactWriteItems through one front and through three fronts (three wrk
# processes, one per front, sharing the connections), the database's own
# ceiling (pgbench -S, and a single-row upsert of a ~1 KB value), and the
# SQLite engine. A throwaway PostgreSQL 15 (scripts/postgres.sh: Unix
# socket, fsync off) serves the fronts and pgbench alike.
# Environment: DURATION (s, default 10), KEYS (20000), CONNS (32),
# WORKLOADS ("get put cond_put transact_write").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
http="$root/Benchmarks/http"
duration=${DURATION:-10}
keys=${KEYS:-20000}
conns=${CONNS:-32}
workloads=${WORKLOADS:-"get put cond_put transact_write"}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

(cd "$root" && swift build -c release --product strata >/dev/null)
source "$root/Benchmarks/postgres/database.sh"
strata="$root/.build/release/strata"

# One row: wrk on every port given, CONNS shared among them; req/s summed, p50/p99 the worst.
drive() {
  local label=$1 workload=$2; shift 2
  local each=$(( conns / $# )) outs=() runs=() rps=0 p50=0 p99=0 errors=0
  for port in "$@"; do
    out="$work/wrk-$port"; outs+=("$out")
    t=2; [ "$each" -lt 2 ] && t=1
    WORKLOAD=$workload KEYS=$keys wrk -t"$t" -c"$each" -d"${duration}s" -s "$http/requests.lua" "http://127.0.0.1:$port" >"$out" 2>&1 &
    runs+=($!)
  done
  wait "${runs[@]}"
  for out in "${outs[@]}"; do
    read -r _ r a b e < <(grep '^RESULT' "$out")
    rps=$(python3 -c "print(round($rps + $r, 1))"); errors=$(( errors + e ))
    p50=$(python3 -c "print(max($p50, $a))"); p99=$(python3 -c "print(max($p99, $b))")
  done
  printf '%-26s %-15s %10s %9s %9s %8s\n' "$label" "$workload" "$rps" "$p50" "$p99" "$errors"
}

printf '%-26s %-15s %10s %9s %9s %8s\n' setup workload req/s p50_ms p99_ms errors
start_strata "$strata"; sqlite=$port
KEYS=$keys python3 "$http/preload.py" "http://127.0.0.1:$sqlite"
for w in $workloads; do drive "sqlite, one front" "$w" "$sqlite"; done

psql -d postgres -c "CREATE DATABASE strata"
storage="postgres://postgres@/strata?host=$pg"
start_strata "$strata" --storage "$storage" --front-id front0; one=$port
KEYS=$keys python3 "$http/preload.py" "http://127.0.0.1:$one"
for w in $workloads; do drive "postgres, one front" "$w" "$one"; done
start_strata "$strata" --storage "$storage" --front-id front1; two=$port
start_strata "$strata" --storage "$storage" --front-id front2; three=$port
for w in $workloads; do drive "postgres, three fronts" "$w" "$one" "$two" "$three"; done

# The database's own ceiling, with the same clients and keys.
psql -d postgres -c "CREATE DATABASE bench"
command pgbench -h "$pg" -U postgres -i -q -s 2 bench >/dev/null 2>&1
psql -d bench -c "CREATE TABLE kv (k INT PRIMARY KEY, v TEXT)" -c "INSERT INTO kv SELECT g, repeat('p', 900) FROM generate_series(1, $keys) g"
cat >"$work/upsert.sql" <<SQL
\\set k random(1, $keys)
INSERT INTO kv VALUES (:k, repeat('p', 900)) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
SQL
pgbench_row() {
  local label=$1; shift
  out=$(command pgbench -h "$pg" -U postgres -c "$conns" -j 2 -T "$duration" -r "$@" bench 2>&1)
  tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1)
  latency=$(grep -oP 'latency average = \K[0-9.]+' <<<"$out")
  printf '%-26s %-15s %10s %9s %9s %8s\n' "pgbench" "$label" "$tps" "avg $latency" "-" "0"
}
pgbench_row "select (-S)" -S
pgbench_row "upsert" -f "$work/upsert.sql"
