#!/usr/bin/env bash
# Regenerates Linking/startup-symbols.txt (see scripts/startup_order.py):
# builds the release binary, records what its start-up touches, relinks,
# and repeats until a round finds only a few new functions (at most 40
# rounds, about 3 minutes). Needs perf and boto3. SwiftPM does not rebuild
# objects when only compiler flags change: in an old .build, remove the
# Strata*.build folders of the release build first.
set -euo pipefail
cd "$(dirname "$0")/.."
build() { swift build -c release --product strata 2>&1 | grep -E "error|Build of product" >&2; }
: > Linking/startup-symbols.txt
rm -f "$(swift build -c release --show-bin-path)/strata"  # the first round links with no order
build
python3 scripts/startup_order.py "$(swift build -c release --show-bin-path)/strata" "${PORT:-18190}" \
    bash -c "rm -f \"$(swift build -c release --show-bin-path)/strata\" && swift build -c release --product strata >/dev/null"
