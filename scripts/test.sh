#!/usr/bin/env bash
# Runs every test: the Swift unit tests, the end-to-end tests that drive the
# release binary with boto3 and the AWS CLI, both on the SQLite engine and
# again on the PostgreSQL engine (a throwaway PostgreSQL 15 that
# scripts/postgres.sh installs and starts, removed at exit), the multi-front
# tests, the differential harness against DynamoDB Local (where a copy of
# it can be found), and the container image test.
# Builds once, in release mode, and reuses that build for the Swift and
# end-to-end tests.
#
# scripts/test.sh --quick: a few minutes instead: the debug build's unit
# tests (`swift test`), then the end-to-end tests not marked slow (no rate
# windows, kill -9, concurrency or starvation runs) against the debug binary
# that build made (STRATA_BINARY to use another), and no container test.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
esac

scripts/install-deps.sh
if [ "$quick" = 1 ]; then
  swift build --build-tests
  swift test --skip-build
  STRATA_BINARY="${STRATA_BINARY:-$PWD/.build/debug/strata}" \
    python3 -m pytest -q -p no:cacheprovider -m "not slow" Tests/e2e
  exit 0
fi
swift build -c release --product strata
swift test -c release
STRATA_BINARY="$PWD/.build/release/strata" python3 -m pytest -q -p no:cacheprovider Tests/e2e
# The web console in headless Chromium; screenshots land in build/console.
scripts/install-browser.sh
STRATA_BINARY="$PWD/.build/release/strata" python3 -m pytest -q -p no:cacheprovider Tests/console

# The same suites on the PostgreSQL engine (less the tests about SQLite's
# files), and the tests of several fronts over one database (which start a
# PostgreSQL of their own, to stop it in the middle).
# A second one on a loopback TCP port, with TLS and passwords, for the
# client's authentication tests.
pg_dir=$(mktemp -d /tmp/strata-postgres.XXXXXX)
secure_dir=$(mktemp -d /tmp/strata-postgres-tls.XXXXXX)
trap 'scripts/postgres.sh stop "$pg_dir"; scripts/postgres.sh stop "$secure_dir"' EXIT
postgres=$(scripts/postgres.sh start "$pg_dir")
secure_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/postgres.sh start "$secure_dir" "$secure_port" >/dev/null
psql -h "$pg_dir" -U postgres -d postgres -qc "CREATE DATABASE strata_unit"
STRATA_TEST_POSTGRES="postgres://postgres@/strata_unit?host=$pg_dir" STRATA_TEST_POSTGRES_TCP="127.0.0.1:$secure_port" \
  swift test -c release --skip-build --filter "StrataAPITests|StrataPostgresTests|StrataPostgresWireTests"
scripts/postgres.sh stop "$secure_dir"
STRATA_BINARY="$PWD/.build/release/strata" STRATA_E2E_POSTGRES="$postgres" \
  python3 -m pytest -q -p no:cacheprovider Tests/e2e
STRATA_BINARY="$PWD/.build/release/strata" python3 -m pytest -q -p no:cacheprovider Tests/multifront
Tests/differential/ci.sh
scripts/test-container.sh
