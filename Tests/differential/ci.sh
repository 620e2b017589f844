#!/usr/bin/env bash
# The differential harness as the test command runs it: seeds 1 to 5, a few
# hundred operations each, against DynamoDB Local 1.13.3. It fails on any
# difference not classified in KNOWN-DIFFERENCES.md.
#
# DynamoDB Local is Amazon's, under its own terms, so the project ships no
# copy. This script uses DDBL_DIR if set, or else unpacks the `.dynamodb/`
# folder of a fetched sunadoi/serverless-test snapshot (DDBL_MIRROR, by
# default where the search tool's fetch puts it). With neither, it says so
# and runs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mirror=${DDBL_MIRROR:-/work/.mirror/sunadoi+serverless-test/repo}
if [ -z "${DDBL_DIR:-}" ]; then
  if ! git --git-dir="$mirror" rev-parse --verify -q HEAD:.dynamodb/DynamoDBLocal.jar >/dev/null 2>&1; then
    echo "differential harness: no copy of DynamoDB Local 1.13.3 here (set DDBL_DIR or DDBL_MIRROR); not run"
    exit 0
  fi
  DDBL_DIR=$(mktemp -d)
  trap 'rm -rf "$DDBL_DIR"' EXIT
  git --git-dir="$mirror" archive HEAD .dynamodb | tar -x -C "$DDBL_DIR"
  DDBL_DIR="$DDBL_DIR/.dynamodb"
fi
export DDBL_DIR
if ! command -v javac >/dev/null; then
  apt-get install -y -q openjdk-17-jdk-headless >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jdk-headless >/dev/null; }
fi
output=$(mktemp)
status=0
for seed in 1 2 3 4 5; do
  if "$here/run.sh" --seed "$seed" --operations 300 >"$output" 2>&1; then
    tail -1 "$output"
  else
    cat "$output"  # every unclassified difference, in full
    status=1
  fi
done
rm -f "$output"
exit $status
