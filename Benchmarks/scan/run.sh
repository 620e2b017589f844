#!/usr/bin/env bash
# The full-parallel-scan benchmark of issue 4: builds and starts the server
# on a fresh data directory, loads ITEMS (1,000,000) items with
# BatchWriteItem, scans them back with SEGMENTS (8) parallel segments,
# checks that each came back exactly once, and prints the load rate, scan
# rate and peak server memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
(cd "$root" && swift build -c release --product strata >/dev/null)
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/.build/release/strata" --port "$port" --data-dir "$data" --log-level warning &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
deadline=$(( $(date +%s) + 10 ))
until curl -sf "http://127.0.0.1:$port/" >/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "server did not start" >&2; exit 1; }
done
python3 "$root/Benchmarks/scan/parallel_scan.py" "http://127.0.0.1:$port" "$pid"
