# Shared by the benchmark scripts that drive one release Strata with wrk in
# alternating rounds (indexes, streams): sourced after `set -euo pipefail`.
#   bench_start [strata flags...]   builds (unless SKIP_BUILD=1), starts Strata
#                                   on disk with --throttling off; sets $url
#   bench_rounds SCRIPT WORKLOAD... runs each workload in turn for ROUNDS
#                                   rounds of DURATION s at CONNS connections
#                                   (WORKLOAD= in wrk's environment), keeping
#                                   each one's req/s in ${results[WORKLOAD]}
#   median "A B C"                  the median of the numbers
# and, for scripts that start builds of their own (ab):
#   bench_prepare                   wrk, a work directory, cleanup on exit
#   bench_launch BINARY [flags...]  starts BINARY on an empty data directory
#                                   (the last one stopped); sets $url
#   bench_wrk SCRIPT WORKLOAD       one wrk run; sets $r_rps, $r_p50_ms, $r_p99_ms
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${DURATION:-5} rounds=${ROUNDS:-3} conns=${CONNS:-32}
declare -A results

bench_prepare() {
  command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
  bench_work=$(mktemp -d)
  bench_pid=
  trap 'bench_stop; rm -rf "$bench_work"' EXIT
}

bench_stop() {
  [ -z "$bench_pid" ] || { kill "$bench_pid" 2>/dev/null; wait "$bench_pid" 2>/dev/null || true; }
  bench_pid=
}

bench_launch() {
  local binary=$1; shift
  bench_stop
  rm -rf "$bench_work/data"
  "$binary" --port 0 --data-dir "$bench_work/data" --throttling off "$@" >"$bench_work/log" 2>&1 &
  bench_pid=$!
  for _ in $(seq 1 200); do grep -q "Strata listening" "$bench_work/log" && break; sleep 0.05; done
  url="http://127.0.0.1:$(grep -o 'port=[0-9]*' "$bench_work/log" | head -1 | cut -d= -f2)"
}

bench_start() {
  bench_prepare
  [ "${SKIP_BUILD:-0}" = 1 ] || (cd "$bench_root" && swift build -c release --product strata >/dev/null)
  bench_launch "$bench_root/.build/release/strata" "$@"
}

bench_wrk() {
  local line
  line=$(WORKLOAD=$2 wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s "$1" "$url" | grep '^RESULT')
  eval "$(sed 's/^RESULT //' <<<"$line" | tr ' ' '\n' | sed 's/^/r_/')"
  [ "$r_errors" = 0 ] || { echo "$2: $r_errors errors" >&2; exit 1; }
}

bench_rounds() {
  local script=$1; shift
  for round in $(seq 1 "$rounds"); do
    for w in "$@"; do
      bench_wrk "$script" "$w"
      results[$w]+="$r_rps "
      echo "round $round $w: $r_rps req/s, p50 $r_p50_ms ms, p99 $r_p99_ms ms"
    done
  done
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
