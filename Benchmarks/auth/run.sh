#!/usr/bin/env bash
# Issue 15's throughput figure: GetItem at 32 connections with `--auth
# sigv4` (every request's signature checked) against `--auth off`, two
# servers driven alternately in rounds, the median of each reported (at
# least 85% asked). The signed request is signed once by botocore and
# replayed, so each one costs the server a full check.
#   Benchmarks/auth/run.sh
# Environment: DURATION per round (5), ROUNDS (3), CONNS (32), SKIP_BUILD=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/../common.sh"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
[ "${SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build -c release --product strata >/dev/null)
key=AKIDBENCH secret=bench-secret
work=$(mktemp -d)
# start() runs in a command substitution (a subshell): the PIDs go to a file.
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null; rm -rf "$work"' EXIT
start() { # name, flags...
  local name=$1; shift
  "$root/.build/release/strata" --port 0 --in-memory --throttling off "$@" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 200); do grep -q "Strata listening" "$work/$name.log" && break; sleep 0.05; done
  echo "http://127.0.0.1:$(grep -o 'port=[0-9]*' "$work/$name.log" | head -1 | cut -d= -f2)"
}
off=$(start off)
sigv4=$(start sigv4 --auth sigv4 --credentials "$key:$secret")
for url in "$off" "$sigv4"; do
  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret python3 - "$url" <<'PY'
import sys, boto3
c = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1")
c.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
               AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
c.put_item(TableName="bench", Item={"pk": {"S": "k1"}, "payload": {"S": "x" * 100}})
PY
  python3 "$here/sign.py" "$url" bench "$key" "$secret" >"$work/$(basename "$url" | tr ':.' '__').lua"
done
for round in $(seq 1 "$rounds"); do
  for mode in off sigv4; do
    url=${!mode}
    line=$(wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s "$work/$(basename "$url" | tr ':.' '__').lua" "$url" | grep '^RESULT')
    eval "$(sed 's/^RESULT //' <<<"$line" | tr ' ' '\n' | sed 's/^/r_/')"
    [ "$r_errors" = 0 ] || { echo "$mode: $r_errors errors" >&2; exit 1; }
    results[$mode]+="$r_rps "
    echo "round $round GetItem, auth $mode: $r_rps req/s, p50 $r_p50_ms ms, p99 $r_p99_ms ms"
  done
done
a=$(median "${results[sigv4]}") b=$(median "${results[off]}")
printf '\nGetItem, --auth off:   %s req/s\nGetItem, --auth sigv4: %s req/s\n' "$b" "$a"
awk -v a="$a" -v b="$b" 'BEGIN { printf "sigv4 / off: %.0f%% (issue 15: at least 85%%)\n", 100 * a / b }'
