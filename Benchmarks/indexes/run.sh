#!/usr/bin/env bash
# Issue 13's throughput figures, measured in one run against one Strata
# (release build, on disk): PutItem on a table with two global indexes
# against PutItem on a table without, and a 10-item Query on a global
# index against the same Query on a table. The pairs alternate in short
# rounds, so that the machine's drift hits both alike; the table gives the
# median req/s of each and the ratios issue 13 asks for (at least 50% and
# 90%).
#   Benchmarks/indexes/run.sh
# Environment: DURATION per round (5), ROUNDS (3), CONNS (32), SKIP_BUILD=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
bench_start
python3 "$here/load.py" "$url"
bench_rounds "$here/ops.lua" put_plain put_indexed query_table query_gsi
put_plain=$(median "${results[put_plain]}") put_indexed=$(median "${results[put_indexed]}")
query_table=$(median "${results[query_table]}") query_gsi=$(median "${results[query_gsi]}")
printf '\n%-34s %10s\n' "median of $rounds rounds, $conns connections" "req/s"
printf '%-34s %10s\n' "PutItem, no index" "$put_plain" "PutItem, two global indexes" "$put_indexed" \
  "Query, table" "$query_table" "Query, global index" "$query_gsi"
awk -v a="$put_indexed" -v b="$put_plain" 'BEGIN { printf "PutItem with two GSIs / without: %.0f%% (issue 13: at least 50%%)\n", 100 * a / b }'
awk -v a="$query_gsi" -v b="$query_table" 'BEGIN { printf "Query on a GSI / on the table:    %.0f%% (issue 13: at least 90%%)\n", 100 * a / b }'
