#!/usr/bin/env bash
# The rates of `strata import` and `strata export` on ITEMS (1,000,000)
# items of about 100 bytes (a string key, a number, a string, a list):
# the generated DynamoDB JSON file (gzip) imported into a new table of a
# fresh data directory, that table exported, and the export imported
# again under a new name, which must hold as many items.
# Environment: ITEMS (default 1000000).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
items=${ITEMS:-1000000}
(cd "$root" && swift build -c release --product strata >/dev/null)
strata="$root/.build/release/strata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/source"
python3 - "$items" "$work/source/items.json.gz" <<'PY'
import gzip, sys
count, path = int(sys.argv[1]), sys.argv[2]
with gzip.open(path, "wt", compresslevel=1) as out:
    for n in range(count):
        out.write('{"Item":{"pk":{"S":"user#%08d"},"n":{"N":"%d"},"name":{"S":"name %d of the generated table"},'
                  '"tags":{"L":[{"S":"a"},{"S":"b"}]}}}\n' % (n, n, n))
PY
echo "generated $items items: $(du -h "$work/source/items.json.gz" | cut -f1) gzip"
"$strata" import "$work/source" --table generated --key pk:S --data-dir "$work/data"
"$strata" export generated --to "$work/export" --data-dir "$work/data"
"$strata" import "$work/export" --table copied --data-dir "$work/data" --key pk:S
"$strata" check --data-dir "$work/data" | tail -1
