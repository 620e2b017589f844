#!/usr/bin/env bash
# Installs what building and testing Strata needs on a fresh Debian machine
# with the Swift toolchain: the system libraries the package links
# (SQLite, OpenSSL's libcrypto), promtool, and the Python tools the end-to-end tests
# drive the server with (boto3, the AWS CLI, pytest). Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

missing=()
# prometheus: its promtool checks the /metrics text in the end-to-end tests.
for pkg in libsqlite3-dev libssl-dev zlib1g-dev pkg-config prometheus; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! python3 -c 'import boto3, pytest, requests' 2>/dev/null || ! command -v aws >/dev/null; then
  python3 -m pip install -q -r "$here/Tests/e2e/requirements.txt"
fi
