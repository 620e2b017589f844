#!/usr/bin/env bash
# Issue 16's throughput figure: `SELECT * FROM "pqbench" WHERE pk = ?` through
# ExecuteStatement against the GetItem it lowers to, at 32 connections, on
# one server in alternating rounds (at least 80% asked).
#   Benchmarks/partiql/run.sh
# Environment: DURATION per round (5), ROUNDS (3), CONNS (32), KEYS (10000), SKIP_BUILD=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
keys=${KEYS:-10000}
bench_start
python3 "$here/load.py" "$url" "$keys"
KEYS=$keys bench_rounds "$here/ops.lua" getitem select
a=$(median "${results[select]}") b=$(median "${results[getitem]}")
printf '\nGetItem:           %s req/s\nSELECT WHERE pk=?: %s req/s\n' "$b" "$a"
awk -v a="$a" -v b="$b" 'BEGIN { printf "SELECT / GetItem: %.0f%% (issue 16: at least 80%%)\n", 100 * a / b }'
