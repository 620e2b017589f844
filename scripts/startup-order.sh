#!/usr/bin/env bash
# Regenerates Linking/startup-symbols.txt (see scripts/startup_order.py):
# builds the release binary, records what its start-up touches, relinks,
# and repeats until nothing new shows up. Needs perf and boto3.
set -euo pipefail
cd "$(dirname "$0")/.."
build() { swift build -c release --product strata 2>&1 | grep -E "error|Build of product" >&2; }
: > Linking/startup-symbols.txt
build
python3 scripts/startup_order.py "$(swift build -c release --show-bin-path)/strata" "${PORT:-18190}" \
    bash -c "rm -f \"$(swift build -c release --show-bin-path)/strata\" && swift build -c release --product strata >/dev/null"
build
