#!/usr/bin/env bash
# Tests Strata's container image (docker/Dockerfile) end to end with podman:
#
#   1. installs what it needs (podman, runc, debootstrap, ...; idempotent);
#   2. builds the release binary on the host with the static Swift standard
#      library, and checks that it runs;
#   3. builds a Debian base image locally with debootstrap (no registry is
#      reachable here) and the image's runtime stage from the prebuilt
#      binary (--target runtime-prebuilt: no Swift toolchain image is needed);
#   4. checks the image size (< 60 MB: 42 MB; 109 MB while postgres-nio
#      brought Foundation and ICU's data into the binary);
#   5. runs it on a named volume, publishing port 8000 on 127.0.0.1 only, and
#      measures the time from `podman run` to the first answered GET /
#      (< 1 s);
#   6. creates a table and puts an item with the AWS CLI, stops the container
#      (SIGTERM, expecting a clean exit), starts a new one on the same volume
#      and reads the item back; runs the compose example's application
#      command against it through AWS_ENDPOINT_URL_DYNAMODB;
#   7. runs the image's HEALTHCHECK, and checks that the server runs as a
#      non-root user and owns its files on the volume;
#   8. removes the containers and the volume it made, even on failure (the
#      images stay cached, so a second run takes seconds).
#
# It prints one PASS/FAIL line per check, then "container: N passed, N failed",
# and exits non-zero if anything failed. On a fresh machine it takes about
# 5 minutes (mostly swift build and debootstrap); once the binary's build
# folder and the images are cached, under a minute. The base image is made
# only when missing: `podman rmi localhost/strata-base:bookworm` remakes it.
#
# Podman settings this needs on the project's machines (set up here):
#   - `--runtime runc`: the OCI runtime is runc, from Debian's package;
#   - a containers.conf with `default_ulimits = []` (passed in CONTAINERS_CONF),
#     because raising a container's rlimits is not permitted on these machines.
#     The same file sets runtime = "runc" for podman build.
#   - the image is built with `--format docker`: the OCI format has no
#     HEALTHCHECK, so podman would drop it.
#   - no systemd runs here, so podman cannot schedule the health check on a
#     timer: it logs an error about /run/systemd/private at `podman run` (kept
#     out of the output) and the check is run with `podman healthcheck run`.
#   - networking: `--network slirp4netns:port_handler=slirp4netns` with
#     `-p 127.0.0.1:PORT:8000`. Podman's default bridge network would need
#     net.ipv4.conf.*.route_localnet=1 for a port published on 127.0.0.1,
#     and this script changes no host setting.
#
# Environment (all optional):
#   STRATA_CONTAINER_BINARY   use this strata binary instead of building one
#   STRATA_CONTAINER_SCRATCH  swift build's scratch path (default: .build-container;
#                             toggling --static-swift-stdlib in .build would
#                             recompile everything each time)
#   STRATA_CONTAINER_IMAGE    tag of the image built (default: localhost/strata:test)
#   STRATA_CONTAINER_WORK     work directory (default: /var/tmp/strata-container-test)
#   STRATA_DEBIAN_MIRROR      Debian mirror for debootstrap (default: the
#                             first one apt is configured with)
#   STRATA_RUNTIME_PACKAGES   packages of the base image (default: Debian 12's
#                             libsqlite3-0 libssl3 zlib1g busybox-static)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

image=${STRATA_CONTAINER_IMAGE:-localhost/strata:test}
work=${STRATA_CONTAINER_WORK:-/var/tmp/strata-container-test}
scratch=${STRATA_CONTAINER_SCRATCH:-.build-container}
runtime_packages=${STRATA_RUNTIME_PACKAGES:-libsqlite3-0 libssl3 zlib1g busybox-static}
max_image_bytes=60000000   # 60 MB
max_start_ms=1000
run_id="strata-ct-$$"
volume="$run_id-data"
label="strata-container-test=1"   # on every container and volume made here
containers=()
mkdir -p "$work"

# ---------------------------------------------------------------------------
# Reporting.
passed=0
failed=0
results=()
t_start=$(date +%s)
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
pass() { passed=$((passed + 1)); results+=("PASS  $*"); log "PASS $*"; }
fail() { failed=$((failed + 1)); results+=("FAIL  $*"); log "FAIL $*" >&2; }
check() { # check DESCRIPTION COMMAND...: records PASS or FAIL; shows the output of a failure
  local what=$1; shift
  if "$@" >"$work/check.out" 2>&1; then
    pass "$what"
  else
    fail "$what"
    tail -20 "$work/check.out" >&2
  fi
}

summary() {
  echo
  echo "==== container image test: $(( $(date +%s) - t_start )) s ===="
  local line
  for line in "${results[@]}"; do echo "$line"; done
  if [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; fi
  echo "container: $passed passed, $failed failed"
}

# Stops here: a later step cannot run without this one.
fatal() {
  fail "$*"
  exit 1
}

cleanup() {
  local status=$?
  set +e
  if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
    local c
    for c in "${containers[@]}"; do
      if podman container exists "$c" 2>/dev/null; then
        echo "---- logs of $c (last 40 lines) ----"
        podman logs --tail 40 "$c" 2>&1
      fi
    done
  fi
  for c in "${containers[@]}"; do
    podman rm -f -v -t 2 "$c" >/dev/null 2>&1
  done
  podman volume rm -f "$volume" >/dev/null 2>&1
  rm -rf "$work/context" "$work/rootfs"
  [ "$failed" -eq 0 ] && [ "$status" -ne 0 ] && fail "unexpected error (exit status $status)"
  summary
  if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
  exit 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# 1. What the test needs.
log "installing what is missing"
need=()
for pkg in podman runc uidmap fuse-overlayfs slirp4netns containernetworking-plugins iptables \
           debootstrap curl ca-certificates binutils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || fatal "apt-get update"
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || fatal "apt-get install ${need[*]}"
fi
# The build's system libraries and the AWS CLI (the project's own installer).
scripts/install-deps.sh || fatal "scripts/install-deps.sh"
command -v aws >/dev/null || fatal "the AWS CLI is not installed"

cat > "$work/containers.conf" <<'EOF'
# Written by scripts/test-container.sh.
[containers]
# Raising a container's rlimits is not permitted on these machines.
default_ulimits = []

[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$work/containers.conf"
podman() { command podman --runtime runc "$@"; }
podman info >/dev/null 2>&1 || fatal "podman does not work here: $(command podman --runtime runc info 2>&1 | tail -3)"
# Leftovers of an earlier run that was killed: stopped containers and unused volumes.
for c in $(podman ps -a --filter "label=$label" --filter status=exited --filter status=created --format '{{.Names}}'); do
  podman rm -f -v "$c" >/dev/null 2>&1 || true
done
podman volume prune -f --filter "label=$label" >/dev/null 2>&1 || true

# ---------------------------------------------------------------------------
# 2. The release binary, built on the host.
if [ -n "${STRATA_CONTAINER_BINARY:-}" ]; then
  binary=$STRATA_CONTAINER_BINARY
  log "using the binary $binary"
else
  log "building the release binary (swift build -c release --product strata --static-swift-stdlib)"
  build_log="$work/swift-build.log"
  build() { swift build -c release --product strata --static-swift-stdlib --scratch-path "$scratch"; }
  ok=0
  for _ in 1 2 3; do
    if build >"$build_log" 2>&1; then ok=1; break; fi
    # Another SwiftPM holding the build folder: wait and try again.
    if grep -q -i 'lock' "$build_log"; then log "build folder locked; retrying in 30 s"; sleep 30; else break; fi
  done
  if [ "$ok" -ne 1 ]; then tail -30 "$build_log"; fatal "swift build"; fi
  binary="$(cd "$scratch" && pwd)/release/strata"
fi
[ -x "$binary" ] || fatal "no binary at $binary"
if timeout 20 "$binary" --help >/dev/null 2>&1; then pass "the binary runs (--help)"; else fatal "the binary runs (--help)"; fi
if ldd "$binary" | grep -q -E 'libswift|libFoundation|not found'; then
  ldd "$binary"
  fatal "the binary links the Swift runtime statically"
fi
pass "the binary links the Swift runtime statically"

# ---------------------------------------------------------------------------
# 3. A Debian base image made here, then the runtime stage.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
base_image="localhost/strata-base:$codename"

debian_mirror() {
  if [ -n "${STRATA_DEBIAN_MIRROR:-}" ]; then echo "$STRATA_DEBIAN_MIRROR"; return; fi
  python3 - "$codename" <<'EOF'
import glob, re, sys
suite = sys.argv[1]
# deb822 .sources files, then one-line .list files.
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for para in re.split(r"\n\s*\n", open(path).read()):
        fields = {}
        for line in para.splitlines():
            m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if m:
                fields[m.group(1).lower()] = m.group(2).split()
        if ("deb" in fields.get("types", []) and suite in fields.get("suites", [])
                and fields.get("enabled", ["yes"])[0] != "no" and fields.get("uris")):
            print(fields["uris"][0]); sys.exit(0)
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(path).read().splitlines()
    except OSError:
        continue
    for line in lines:
        words = re.sub(r"\[[^\]]*\]", " ", line.split("#")[0]).split()
        if len(words) >= 3 and words[0] == "deb" and words[2] == suite:
            print(words[1]); sys.exit(0)
sys.exit(1)
EOF
}

if podman image exists "$base_image"; then
  log "base image $base_image is cached"
else
  mirror=$(debian_mirror) || fatal "no Debian mirror for $codename in apt's sources (set STRATA_DEBIAN_MIRROR)"
  log "building $base_image with debootstrap from $mirror"
  rm -rf "$work/rootfs"
  if ! timeout 900 debootstrap --variant=minbase --include="${runtime_packages// /,}" \
        "$codename" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log"
    fatal "debootstrap $codename"
  fi
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  tar -C "$work/rootfs" -c . | podman import -q - "$base_image" >/dev/null || fatal "podman import $base_image"
  rm -rf "$work/rootfs"
fi
pass "base image $base_image"

log "building $image (--target runtime-prebuilt)"
rm -rf "$work/context"
mkdir -p "$work/context"
cp "$binary" "$work/context/strata"
strip --strip-debug "$work/context/strata"
# --network none: every package comes from the base image. --layers=false:
# no intermediate images pile up run after run (the build takes seconds).
old_image=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
if timeout 600 podman build --format docker --network none --layers=false \
      -f "$repo/docker/Dockerfile" \
      --target runtime-prebuilt \
      --build-arg RUNTIME_BASE="$base_image" \
      --build-arg RUNTIME_PACKAGES="$runtime_packages" \
      -t "$image" "$work/context" >"$work/podman-build.log" 2>&1; then
  pass "podman build --target runtime-prebuilt"
  new_image=$(podman image inspect --format '{{.Id}}' "$image")
  if [ -n "$old_image" ] && [ "$old_image" != "$new_image" ]; then
    podman rmi "$old_image" >/dev/null 2>&1 || true
  fi
else
  tail -30 "$work/podman-build.log"
  fatal "podman build --target runtime-prebuilt"
fi

# ---------------------------------------------------------------------------
# 4. Size.
size=$(podman image inspect --format '{{.Size}}' "$image")
size_mb=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1000000 }')
check "image size $size_mb MB < 60 MB" test "$size" -lt "$max_image_bytes"

inspect() { podman image inspect --format "$1" "$image"; }
check "image runs as USER 10001:10001" test "$(inspect '{{.Config.User}}')" = 10001:10001
check "image EXPOSEs 8000/tcp" grep -q '"8000/tcp"' <<<"$(inspect '{{json .Config.ExposedPorts}}')"
check "image has a VOLUME /data" grep -q '"/data"' <<<"$(inspect '{{json .Config.Volumes}}')"
check "image has a HEALTHCHECK on GET /" grep -q 'wget.*127.0.0.1' <<<"$(inspect '{{json .Config.Healthcheck}}')"

# ---------------------------------------------------------------------------
# 5. Run it on a volume, on a port of 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME [podman run options...]: runs the image detached, waits for
# GET / to answer (at most 20 s), and sets port and start_ms.
start() {
  local name=$1; shift
  port=$(free_port)
  containers+=("$name")
  local t0 t1 deadline
  t0=$(date +%s%N)
  if ! timeout 60 podman run -d --name "$name" --label "$label" \
        --network slirp4netns:port_handler=slirp4netns -p "127.0.0.1:$port:8000" \
        -v "$volume:/data" "$@" "$image" >"$work/$name.run.log" 2>&1; then
    cat "$work/$name.run.log"
    return 1
  fi
  deadline=$((t0 + 20000000000))
  until curl -fsS --max-time 1 "http://127.0.0.1:$port/" >"$work/$name.health" 2>"$work/$name.curl"; do
    if [ "$(date +%s%N)" -gt "$deadline" ]; then
      echo "no answer on 127.0.0.1:$port within 20 s; last try: $(cat "$work/$name.curl")" >&2
      return 1
    fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  start_ms=$(( (t1 - t0) / 1000000 ))
  log "$name answered GET / on 127.0.0.1:$port in $start_ms ms: $(cat "$work/$name.health")"
}

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB AWS_SESSION_TOKEN
ddb() { timeout 60 aws --endpoint-url "http://127.0.0.1:$port" --cli-connect-timeout 5 --cli-read-timeout 30 --output json dynamodb "$@"; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

podman volume create --label "$label" "$volume" >/dev/null || fatal "podman volume create"

first="$run_id-1"
if start "$first"; then
  pass "container 1 answers GET / ($start_ms ms after podman run)"
else
  fatal "container 1 answers GET /"
fi
check "start time $start_ms ms < $max_start_ms ms" test "$start_ms" -lt "$max_start_ms"

item='{"pk": {"S": "ada"}, "born": {"N": "1815"}, "tags": {"SS": ["engines", "math"]}}'
check "create-table" ddb create-table --table-name people \
  --attribute-definitions AttributeName=pk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST
check "put-item" ddb put-item --table-name people --item "$item"
got=$(ddb get-item --table-name people --key '{"pk": {"S": "ada"}}' --consistent-read | json 'd["Item"]["born"]["N"]' 2>&1) || true
check "get-item in container 1 (born=$got)" test "$got" = 1815

# ---------------------------------------------------------------------------
# 6. Stop, start a new container on the same volume, read the item back.
if timeout 60 podman stop -t 20 "$first" >/dev/null 2>&1; then
  code=$(podman inspect --format '{{.State.ExitCode}}' "$first")
  check "container 1 stops cleanly on SIGTERM (exit code $code)" test "$code" = 0
else
  fail "podman stop container 1"
fi
podman rm -f -v "$first" >/dev/null 2>&1 || true

second="$run_id-2"
if start "$second" -e STRATA_REGION=eu-west-1; then
  pass "container 2 on the same volume answers GET / ($start_ms ms after podman run)"
else
  fatal "container 2 answers GET /"
fi
check "restart start time $start_ms ms < $max_start_ms ms" test "$start_ms" -lt "$max_start_ms"
got=$(ddb get-item --table-name people --key '{"pk": {"S": "ada"}}' --consistent-read | json 'd["Item"]["born"]["N"], sorted(d["Item"]["tags"]["SS"])' 2>&1) || true
check "the item survived the restart (get-item: $got)" test "$got" = "1815 ['engines', 'math']"
tables=$(ddb list-tables | json '" ".join(d["TableNames"])' 2>&1) || true
check "list-tables after the restart ($tables)" test "$tables" = people
arn=$(ddb create-table --table-name regional \
  --attribute-definitions AttributeName=pk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST |
  json 'd["TableDescription"]["TableArn"]' 2>&1) || true
check "environment reaches the server (STRATA_REGION=eu-west-1: $arn)" \
  bash -c '[[ "$1" == arn:aws:dynamodb:eu-west-1:* ]]' _ "$arn"

# The compose example's application command, run here with the compose
# file's environment but the endpoint on 127.0.0.1.
app_command() {
  python3 - "$repo/docker/compose.yaml" <<'EOF'
import sys, yaml
app = yaml.safe_load(open(sys.argv[1]))["services"]["app"]
print(app["command"][0].replace("$$", "$"))
EOF
}
if app_script=$(app_command 2>"$work/compose.err"); then
  visits=""
  for expected in 1 2; do
    visits=$(AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$port" TABLE=visits timeout 120 sh -c "$app_script" 2>&1 | tail -1) || true
    [ "$visits" = "$expected" ] || break
  done
  check "compose example's application through AWS_ENDPOINT_URL_DYNAMODB (visits=$visits)" test "$visits" = 2
else
  cat "$work/compose.err"
  fail "read docker/compose.yaml"
fi

# ---------------------------------------------------------------------------
# 7. Health check, user.
health=$(timeout 30 podman healthcheck run "$second" 2>&1) && hc=0 || hc=$?
status=$(podman inspect --format '{{.State.Health.Status}}' "$second" 2>&1 || true)
check "HEALTHCHECK passes (podman healthcheck run: exit $hc${health:+, $health}; status $status)" \
  test "$hc" = 0 -a "$status" = healthy

pid=$(podman inspect --format '{{.State.Pid}}' "$second")
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null || true)
check "the server process runs as a non-root user (uids: $uids)" \
  bash -c '[ -n "$1" ] && for u in $1; do [ "$u" != 0 ] || exit 1; done' _ "$uids"
check "the server process runs as uid 10001" test "${uids%% *}" = 10001

mountpoint=$(podman volume inspect --format '{{.Mountpoint}}' "$volume")
owners=$(find "$mountpoint" -mindepth 1 -printf '%u:%g\n' 2>/dev/null | sort -u | paste -sd ' ')
check "the volume's files belong to 10001:10001 ($owners)" test "$owners" = "10001:10001"

timeout 60 podman stop -t 20 "$second" >/dev/null 2>&1 || true
