#!/usr/bin/env bash
# Instructions per request, user space, counted by valgrind's callgrind:
# the same for the same binary whatever else the machine does, so two
# builds compare to within about 1.5% where wrk's req/s swing by 10-30%.
# Each count is the difference of two runs (N and 3N requests on one
# connection, after a 2,000-item load), so start-up and loading cancel.
#   Benchmarks/instructions/run.sh [BINARY...]     (default: the release build)
# Environment: WORKLOADS ("get put query"), N (400), CLIENT (bare; sdk: each
# request carries the headers the AWS CLI sends, see drive.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
[ $# -gt 0 ] || set -- "$root/.build/release/strata"
n=${N:-400}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done; echo "no answer" >&2; exit 1; }

count() {  # binary workload requests -> instructions of the whole run
  rm -rf "$work/data"
  "$1" --host 127.0.0.1 --port "$port" --data-dir "$work/data" --log-level warning >/dev/null 2>&1 &
  local pid=$!; wait_up
  python3 "$here/drive.py" "$port" setup
  kill "$pid"; wait "$pid" 2>/dev/null || true
  valgrind --tool=callgrind --callgrind-out-file="$work/out" "$1" --host 127.0.0.1 --port "$port" \
    --data-dir "$work/data" --log-level warning >/dev/null 2>"$work/valgrind.log" &
  pid=$!; wait_up
  python3 "$here/drive.py" "$port" "$3" "$2"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk '/^(summary|totals):/ { print $2; exit }' "$work/out"
}

printf '%-10s %-8s %12s\n' build workload instructions
for binary in "$@"; do
  # valgrind 3.19 cannot read the DWARF 5 that Swift's clang writes.
  stripped="$work/$(basename "$binary").stripped"
  strip --strip-debug -o "$stripped" "$binary"
  for workload in ${WORKLOADS:-get put query}; do
    low=$(count "$stripped" "$workload" "$n")
    high=$(count "$stripped" "$workload" $((3 * n)))
    printf '%-10s %-8s %12d\n' "$(basename "$binary")" "$workload" $(((high - low) / (2 * n)))
  done
done
