#!/usr/bin/env bash
# Issue 14's throughput figures, measured in one run against one Strata
# (release build, on disk): PutItem on a table with a NEW_AND_OLD_IMAGES
# stream against PutItem on a table without (alternating short rounds, so
# that the machine's drift hits both alike; at least 70% asked), then how
# fast GetRecords drains what the stream's rounds wrote (one poller per
# shard; at least 20,000 records/s asked).
#   Benchmarks/streams/run.sh
# Environment: DURATION per round (5), ROUNDS (3), CONNS (32), PAYLOAD
# bytes per item (200), SKIP_BUILD=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
[ "${SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build -c release --product strata >/dev/null)
duration=${DURATION:-5} rounds=${ROUNDS:-3} conns=${CONNS:-32}
work=$(mktemp -d)
"$root/.build/release/strata" --port 0 --data-dir "$work/data" --throttling off >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do grep -q "Strata listening" "$work/log" && break; sleep 0.05; done
port=$(grep -o 'port=[0-9]*' "$work/log" | head -1 | cut -d= -f2)
url="http://127.0.0.1:$port"
python3 "$here/load.py" "$url"

declare -A results
for round in $(seq 1 "$rounds"); do
  for w in put_plain put_stream; do
    line=$(WORKLOAD=$w wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s "$here/ops.lua" "$url" | grep '^RESULT')
    eval "$(sed 's/^RESULT //' <<<"$line" | tr ' ' '\n' | sed 's/^/r_/')"
    [ "$r_errors" = 0 ] || { echo "$w: $r_errors errors" >&2; exit 1; }
    results[$w]+="$r_rps "
    echo "round $round $w: $r_rps req/s, p50 $r_p50_ms ms, p99 $r_p99_ms ms"
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
put_plain=$(median "${results[put_plain]}") put_stream=$(median "${results[put_stream]}")
drain=$(python3 "$here/drain.py" "$url" st_stream | grep '^RESULT')
eval "$(sed 's/^RESULT //' <<<"$drain" | tr ' ' '\n' | sed 's/^/d_/')"
printf '\n%-40s %10s\n' "median of $rounds rounds, $conns connections" "req/s"
printf '%-40s %10s\n' "PutItem, no stream" "$put_plain" "PutItem, NEW_AND_OLD_IMAGES stream" "$put_stream"
awk -v a="$put_stream" -v b="$put_plain" 'BEGIN { printf "PutItem with a stream / without: %.0f%% (issue 14: at least 70%%)\n", 100 * a / b }'
echo "GetRecords drained $d_records records in $d_seconds s: $d_rate records/s (issue 14: at least 20,000)"
