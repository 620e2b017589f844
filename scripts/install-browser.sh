#!/usr/bin/env bash
# Installs what the console's browser tests drive: Debian's headless-able
# Chromium and its driver, and selenium. Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
missing=()
for pkg in chromium chromium-driver; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q -r "$here/Tests/console/requirements.txt"
