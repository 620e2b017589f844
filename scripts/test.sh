#!/usr/bin/env bash
# Runs every test: the Swift unit tests, the end-to-end tests that drive the
# release binary with boto3 and the AWS CLI, and the container image test.
# Builds once, in release mode, and reuses that build for the first two.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product strata
swift test -c release
STRATA_BINARY="$PWD/.build/release/strata" python3 -m pytest -q -p no:cacheprovider Tests/e2e
scripts/test-container.sh
