#!/usr/bin/env bash
# Two builds of Strata, alternated on fresh data directories, on one of
# the wrk benchmarks that have a load.py and an ops.lua (indexes, streams,
# partiql). Each turn starts a build on an empty directory, loads it, and
# runs each workload for DURATION s at CONNS connections; it prints req/s
# and the server's CPU (user + system, from /proc) per request. CPU a
# request moves less than req/s when the machine is busy with something
# else, so small differences show in a few turns.
#   Benchmarks/ab/run.sh OLD_BINARY NEW_BINARY
# Environment: BENCH (indexes), WORKLOADS (names its ops.lua knows;
# "put_plain put_indexed"), TURNS (3, each build once a turn), DURATION
# (6), CONNS (32), LOAD_ARGS (load.py's arguments after the URL: "200",
# 200 groups, for indexes; partiql's takes a key count).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH:-indexes}
script="$here/../$bench/ops.lua"
workloads=${WORKLOADS:-put_plain put_indexed}
duration=${DURATION:-6} conns=${CONNS:-32}
load_args=${LOAD_ARGS-200}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
work=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

ticks() { read -r -a fields <"/proc/$1/stat"; echo $((fields[13] + fields[14])); }

turn() {  # binary label
  rm -rf "$work/data"
  "$1" --port 0 --data-dir "$work/data" --throttling off >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do grep -q "Strata listening" "$work/log" && break; sleep 0.05; done
  local url="http://127.0.0.1:$(grep -o 'port=[0-9]*' "$work/log" | head -1 | cut -d= -f2)"
  # shellcheck disable=SC2086
  python3 "$here/../$bench/load.py" "$url" $load_args >/dev/null
  local hz; hz=$(getconf CLK_TCK)
  for w in $workloads; do
    local before after line rps errors
    before=$(ticks "$pid")
    line=$(WORKLOAD=$w wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s "$script" "$url" | grep '^RESULT')
    after=$(ticks "$pid")
    rps=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$line")
    errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$line")
    [ "$errors" = 0 ] || { echo "$2 $w: $errors errors" >&2; exit 1; }
    printf '%-4s %-14s %8s req/s %6s µs CPU a request\n' "$2" "$w" "$rps" \
      $(((after - before) * 1000000 / hz / (rps * duration)))
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

for _ in $(seq 1 "${TURNS:-3}"); do
  turn "$1" old
  turn "$2" new
done
