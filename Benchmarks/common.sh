# Shared by the benchmark scripts that drive one release Strata with wrk in
# alternating rounds (indexes, streams): sourced after `set -euo pipefail`.
#   bench_start [strata flags...]   builds (unless SKIP_BUILD=1), starts Strata
#                                   on disk with --throttling off; sets $url
#   bench_rounds SCRIPT WORKLOAD... runs each workload in turn for ROUNDS
#                                   rounds of DURATION s at CONNS connections
#                                   (WORKLOAD= in wrk's environment), keeping
#                                   each one's req/s in ${results[WORKLOAD]}
#   median "A B C"                  the median of the numbers
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${DURATION:-5} rounds=${ROUNDS:-3} conns=${CONNS:-32}
declare -A results

bench_start() {
  command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
  [ "${SKIP_BUILD:-0}" = 1 ] || (cd "$bench_root" && swift build -c release --product strata >/dev/null)
  bench_work=$(mktemp -d)
  "$bench_root/.build/release/strata" --port 0 --data-dir "$bench_work/data" --throttling off "$@" >"$bench_work/log" 2>&1 &
  bench_pid=$!
  trap 'kill $bench_pid 2>/dev/null; wait $bench_pid 2>/dev/null; rm -rf "$bench_work"' EXIT
  for _ in $(seq 1 200); do grep -q "Strata listening" "$bench_work/log" && break; sleep 0.05; done
  url="http://127.0.0.1:$(grep -o 'port=[0-9]*' "$bench_work/log" | head -1 | cut -d= -f2)"
}

bench_rounds() {
  local script=$1; shift
  for round in $(seq 1 "$rounds"); do
    for w in "$@"; do
      line=$(WORKLOAD=$w wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s "$script" "$url" | grep '^RESULT')
      eval "$(sed 's/^RESULT //' <<<"$line" | tr ' ' '\n' | sed 's/^/r_/')"
      [ "$r_errors" = 0 ] || { echo "$w: $r_errors errors" >&2; exit 1; }
      results[$w]+="$r_rps "
      echo "round $round $w: $r_rps req/s, p50 $r_p50_ms ms, p99 $r_p99_ms ms"
    done
  done
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
