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
source "$here/../common.sh"
bench_start
python3 "$here/load.py" "$url"
bench_rounds "$here/ops.lua" put_plain put_stream
put_plain=$(median "${results[put_plain]}") put_stream=$(median "${results[put_stream]}")
drain=$(python3 "$here/drain.py" "$url" st_stream | grep '^RESULT')
eval "$(sed 's/^RESULT //' <<<"$drain" | tr ' ' '\n' | sed 's/^/d_/')"
printf '\n%-40s %10s\n' "median of $rounds rounds, $conns connections" "req/s"
printf '%-40s %10s\n' "PutItem, no stream" "$put_plain" "PutItem, NEW_AND_OLD_IMAGES stream" "$put_stream"
awk -v a="$put_stream" -v b="$put_plain" 'BEGIN { printf "PutItem with a stream / without: %.0f%% (issue 14: at least 70%%)\n", 100 * a / b }'
echo "GetRecords drained $d_records records in $d_seconds s: $d_rate records/s (issue 14: at least 20,000)"
