#!/usr/bin/env bash
# Starvation benchmark (issue 11): do full Scans starve GetItem?
# Builds the release binary, starts it on a free loopback port with a fresh
# data directory and --throttling off, loads ITEMS (200,000) items of ~330
# bytes with BatchWriteItem, then measures GetItem with wrk at CONNS (16)
# connections for DURATION (10) s alone, and again while SCANNERS (4)
# clients run full Scans of the table in a loop (scan_loop.py), and prints
# both, the ratio and the targets: beside the scans, GetItem p99 under 5 ms
# and at least 60% of its throughput alone. Everything is bounded: the load
# by ITEMS, each wrk run by DURATION, the scanners by DURATION + 30 s (they
# are stopped with SIGTERM as soon as the second wrk run ends).
# Environment: ITEMS, DURATION, CONNS, SCANNERS, SKIP_BUILD=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/starvation"
items=${ITEMS:-200000}
duration=${DURATION:-10}
conns=${CONNS:-16}
scanners=${SCANNERS:-4}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

[ "${SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build -c release --product strata >/dev/null)
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/.build/release/strata" --host 127.0.0.1 --port "$port" --data-dir "$data" --log-level warning \
  --throttling off &
pid=$!
scan_pid=
cleanup() {
  [ -z "$scan_pid" ] || kill "$scan_pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
url="http://127.0.0.1:$port"
deadline=$(( $(date +%s) + 10 ))
until curl -sf "$url/" >/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "server did not start" >&2; exit 1; }
done

TABLE=starve ITEMS=$items python3 "$here/load.py" "$url"

get() {  # prints "req/s p50_ms p99_ms errors"
  local line
  line=$(WORKLOAD=get KEYS=$items TABLE=starve wrk -t2 -c"$conns" -d"${duration}s" \
    -s "$root/Benchmarks/http/requests.lua" "$url" | grep '^RESULT')
  echo "${line#RESULT }"
}

read -r alone_rps alone_p50 alone_p99 alone_errors <<<"$(get)"

scan_out=$(mktemp)
python3 "$here/scan_loop.py" "$url" starve --clients "$scanners" --seconds $(( duration + 30 )) \
  --expect "$items" </dev/null >"$scan_out" 2>&1 &
scan_pid=$!
deadline=$(( $(date +%s) + 30 ))
until grep -q '^ready' "$scan_out"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "scanners did not start:" >&2; cat "$scan_out" >&2; exit 1; }
  kill -0 "$scan_pid" 2>/dev/null || { echo "scanners exited:" >&2; cat "$scan_out" >&2; exit 1; }
  sleep 0.1
done
read -r beside_rps beside_p50 beside_p99 beside_errors <<<"$(get)"
kill "$scan_pid" 2>/dev/null || true  # SIGTERM: the scanners stop after their current page
wait "$scan_pid" 2>/dev/null || true
scan_pid=
echo "scanners: $(grep -v '^ready' "$scan_out" | tail -1)"
rm -f "$scan_out"

printf '%-26s %10s %9s %9s %8s\n' "GetItem, $conns conns" req/s p50_ms p99_ms errors
printf '%-26s %10s %9s %9s %8s\n' "alone" "$alone_rps" "$alone_p50" "$alone_p99" "$alone_errors"
printf '%-26s %10s %9s %9s %8s\n' "beside $scanners scanners" "$beside_rps" "$beside_p50" "$beside_p99" "$beside_errors"
python3 - "$alone_rps" "$beside_rps" "$beside_p99" <<'PY'
import sys
alone, beside, p99 = map(float, sys.argv[1:])
ratio = beside / alone if alone else 0.0
print(f"throughput beside scans: {ratio:.1%} of alone (target >= 60%): {'met' if ratio >= 0.6 else 'NOT met'}")
print(f"p99 beside scans: {p99:.2f} ms (target < 5 ms): {'met' if p99 < 5 else 'NOT met'}")
PY
