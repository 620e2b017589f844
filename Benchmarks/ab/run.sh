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
DURATION=${DURATION:-6}
source "$here/../common.sh"
bench=${BENCH:-indexes}
workloads=${WORKLOADS:-put_plain put_indexed}
load_args=${LOAD_ARGS-200}
hz=$(getconf CLK_TCK)
bench_prepare

ticks() { read -r -a fields <"/proc/$bench_pid/stat"; echo $((fields[13] + fields[14])); }

turn() {  # binary label
  bench_launch "$1"
  # shellcheck disable=SC2086
  python3 "$here/../$bench/load.py" "$url" $load_args >/dev/null
  for w in $workloads; do
    local before after
    before=$(ticks)
    bench_wrk "$here/../$bench/ops.lua" "$w"
    after=$(ticks)
    printf '%-4s %-14s %8s req/s %6s µs CPU a request\n' "$2" "$w" "$r_rps" \
      $(((after - before) * 1000000 / hz / (r_rps * duration)))
  done
  bench_stop
}

for _ in $(seq 1 "${TURNS:-3}"); do
  turn "$1" old
  turn "$2" new
done
