#!/usr/bin/env bash
# Runs every test: the Swift unit tests, then the end-to-end tests that
# drive the release binary with boto3 and the AWS CLI. Builds once, in
# release mode, and reuses that build for both.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product strata
swift test -c release
STRATA_BINARY="$PWD/.build/release/strata" python3 -m pytest -q -p no:cacheprovider Tests/e2e
