#!/usr/bin/env bash
# PostgreSQL's own rate for the statements behind a PutItem, without a
# front: pgbench -M prepared at CONNS (32) clients on a copy of Strata's
# item table (20,000 items of ~1 KB), against a throwaway PostgreSQL 15
# (scripts/postgres.sh: Unix socket, fsync off). Rows:
#   upsert       a plain single-row upsert (the ceiling);
#   replace      Strata's put: the upsert only if the table's version is
#                unchanged, returning the replaced size (ReplaceIfTableUnchanged);
#   replace x4   four of those one after another, and then the same four in
#   pipelined    one pipeline (each with its own Sync);
#   replace 8    eight items in one statement, as ReplaceBatcher sends puts
#   in one       that waited (ReplaceManyIfTableUnchanged).
# Each row: items written per second.
# Environment: DURATION (s, default 8), CONNS (32).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${DURATION:-8}
conns=${CONNS:-32}
source "$root/Benchmarks/postgres/database.sh"
psql -d postgres -c "CREATE DATABASE statements"
table="'a1b2c3d4-0000-4000-8000-1234567890ab'"
psql -d statements <<SQL
CREATE TABLE strata_tables (name TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (name));
CREATE TABLE strata_items (table_id TEXT NOT NULL, key BYTEA NOT NULL, item BYTEA NOT NULL, size INT NOT NULL, replaced INT, PRIMARY KEY (table_id, key));
INSERT INTO strata_tables VALUES ('bench', $table, '{}', 3);
INSERT INTO strata_items SELECT $table, int8send(g::bigint), convert_to(repeat('p', 950), 'UTF8'), 960 FROM generate_series(0, 19999) g;
VACUUM ANALYZE;
SQL
item="'\\x$(printf '70%.0s' $(seq 950))'::bytea"
upsert="INSERT INTO strata_items (table_id, key, item, size) VALUES ($table, int8send(:k::bigint), $item, 960) ON CONFLICT (table_id, key) DO UPDATE SET item = excluded.item, size = excluded.size;"
replace() {
  echo "INSERT INTO strata_items (table_id, key, item, size) SELECT $table, int8send(:$1::bigint), $item, 960 WHERE EXISTS (SELECT 1 FROM strata_tables WHERE name = 'bench' AND id = $table AND version = 3) ON CONFLICT (table_id, key) DO UPDATE SET item = excluded.item, size = excluded.size, replaced = strata_items.size RETURNING replaced;"
}
keys() { for k in "$@"; do echo "\\set $k random(0, 19999)"; done; }
{ keys k; echo "$upsert"; } >"$work/upsert.sql"
{ keys k; replace k; } >"$work/replace.sql"
{ keys a b c d; for k in a b c d; do replace $k; done; } >"$work/sequence.sql"
{ keys a b c d; echo '\startpipeline'; for k in a b c d; do replace $k; done; echo '\endpipeline'; } >"$work/pipeline.sql"
many() {
  local keys="" items="" sizes=""
  for n in 0 1 2 3 4 5 6 7; do
    keys+="${keys:+, }int8send((:k + $n)::bigint)"; items+="${items:+, }$item"; sizes+="${sizes:+, }960"
  done
  echo "INSERT INTO strata_items (table_id, key, item, size) SELECT $table, put.key, put.item, put.size FROM unnest(ARRAY[$keys], ARRAY[$items], ARRAY[$sizes]) AS put(key, item, size) WHERE EXISTS (SELECT 1 FROM strata_tables WHERE name = 'bench' AND id = $table AND version = 3) ON CONFLICT (table_id, key) DO UPDATE SET item = excluded.item, size = excluded.size, replaced = strata_items.size RETURNING key, replaced;"
}
{ echo '\set k random(0, 19992)'; many; } >"$work/many.sql"
row() {
  local label=$1 script=$2 per=$3
  tps=$(command pgbench -h "$pg" -U postgres -c "$conns" -j 2 -T "$duration" -M prepared -n -f "$work/$script" statements 2>&1 | grep -oP 'tps = \K[0-9.]+')
  printf '%-22s %12s items/s\n' "$label" "$(python3 -c "print(round($tps * $per))")"
}
row "upsert" upsert.sql 1
row "replace" replace.sql 1
row "replace x4" sequence.sql 4
row "replace x4 pipelined" pipeline.sql 4
row "replace 8 in one" many.sql 8
