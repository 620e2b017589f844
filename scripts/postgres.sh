#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests, listening only on a Unix socket in
# its own directory, fsync off (tests need no durability from it).
#
#   scripts/postgres.sh start DIR [PORT]
#                                   initdb into DIR (created), start; prints the base URL.
#                                   With PORT, it also listens on 127.0.0.1:PORT with TLS
#                                   (a self-signed certificate) for users with passwords:
#                                   strata_scram (SCRAM-SHA-256, TLS only), strata_md5 (MD5)
#                                   and strata_plain (cleartext), each with password "secret".
#   scripts/postgres.sh stop DIR    stop it and remove DIR
#   scripts/postgres.sh url DIR     the base URL again: postgres://postgres@/?host=DIR
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` user. Installs postgresql-15 (Debian) when it is missing.
set -euo pipefail

command=${1:-}; dir=${2:-}; tcp_port=${3:-}
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
    listen=""
    if [ -n "$tcp_port" ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
        -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1
      chmod 600 "$dir/data/server.key"
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir/data/server.key" "$dir/data/server.crt"
      # First match wins: SCRAM only over TLS; the socket stays trust.
      {
        echo "hostnossl all strata_scram 127.0.0.1/32 reject"
        echo "hostssl all strata_scram 127.0.0.1/32 scram-sha-256"
        echo "host all strata_md5 127.0.0.1/32 md5"
        echo "host all strata_plain 127.0.0.1/32 password"
        cat "$dir/data/pg_hba.conf"
      } > "$dir/hba" && cp "$dir/hba" "$dir/data/pg_hba.conf" && rm "$dir/hba"
      listen="-c listen_addresses=127.0.0.1 -c port=$tcp_port -c ssl=on"
    fi
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses='' ${listen} -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=256MB" >/dev/null
    if [ -n "$tcp_port" ]; then
      socket_port=(-p "$tcp_port")
      psql -h "$dir" "${socket_port[@]}" -U postgres -d postgres -qc "
        SET password_encryption = 'scram-sha-256'; CREATE ROLE strata_scram LOGIN SUPERUSER PASSWORD 'secret';
        SET password_encryption = 'md5'; CREATE ROLE strata_md5 LOGIN SUPERUSER PASSWORD 'secret';
        SET password_encryption = 'scram-sha-256'; CREATE ROLE strata_plain LOGIN SUPERUSER PASSWORD 'secret';" >/dev/null
      echo "postgres://postgres@/?host=$dir&port=$tcp_port"
      exit 0
    fi
    echo "postgres://postgres@/?host=$dir"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  url)
    echo "postgres://postgres@/?host=$dir${tcp_port:+&port=$tcp_port}"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|url DIR" >&2; exit 2 ;;
esac
