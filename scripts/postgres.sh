#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests, listening only on a Unix socket in
# its own directory, fsync off (tests need no durability from it).
#
#   scripts/postgres.sh start DIR   initdb into DIR (created), start; prints the base URL
#   scripts/postgres.sh stop DIR    stop it and remove DIR
#   scripts/postgres.sh url DIR     the base URL again: postgres://postgres@/?host=DIR
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` user. Installs postgresql-15 (Debian) when it is missing.
set -euo pipefail

command=${1:-}; dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: scripts/postgres.sh start|stop|url DIR" >&2; exit 2; }
bin=/usr/lib/postgresql/15/bin
as_owner=()
[ "$(id -u)" -eq 0 ] && as_owner=(runuser -u postgres --)

case "$command" in
  start)
    if [ ! -x "$bin/postgres" ]; then
      sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
      # Debian's package would start a cluster of its own: a policy says no.
      policy=/usr/sbin/policy-rc.d; own_policy=0
      if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null; $sudo chmod +x "$policy"; own_policy=1; fi
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-contrib >/dev/null
      if [ "$own_policy" = 1 ]; then $sudo rm -f "$policy"; fi
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust >"$dir/initdb.log" 2>&1 \
      || { echo "initdb failed (the postgres user must reach $dir):" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=256MB" >/dev/null
    echo "postgres://postgres@/?host=$dir"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  url)
    echo "postgres://postgres@/?host=$dir"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|url DIR" >&2; exit 2 ;;
esac
