# Sourced by the PostgreSQL benchmarks (with `root` set): a work directory
# holding a throwaway PostgreSQL 15 (scripts/postgres.sh: Unix socket,
# fsync off), started now; it, and every process in `pids`, is stopped
# and removed on exit.
work=$(mktemp -d)
chmod 755 "$work"  # the postgres user reaches its directory through it
pg="$work/postgres"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  "$root/scripts/postgres.sh" stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$root/scripts/postgres.sh" start "$pg" >/dev/null
psql() { command psql -h "$pg" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the server BINARY with the arguments after it (throttling out of
# the way) on a free port; sets `port`. (Not in a command substitution:
# the subshell would keep the pid from the cleanup.)
start_strata() {
  local binary=$1; shift
  port=$(free_port)
  "$binary" --port "$port" --data-dir "$work/data-$port" --table-max-units 1000000 --log-level warning "$@" >>"$work/strata.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$port/" >/dev/null; do sleep 0.05; done
}
