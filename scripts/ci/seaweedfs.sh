#!/usr/bin/env bash
# SeaweedFS: a real S3-compatible object store (Apache-2.0) for the media-storage tests.
#
#   scripts/ci/seaweedfs.sh build   build `weed` once into the machine's cache
#   scripts/ci/seaweedfs.sh start   build if needed, serve S3 on 127.0.0.1:S3_PORT (8333);
#                                   prints the AWS_* variables the tests read
#   scripts/ci/seaweedfs.sh stop
#   scripts/ci/seaweedfs.sh env     the variables again, for a running server
#
# `go install .../weed@VERSION` refuses this module (its go.mod has a replace directive),
# so the build downloads the module from the Go module proxy, copies it somewhere
# writable and runs `go build` there (about 4 minutes on two cores; a 230 MB binary).
# The binary is kept in WEED_CACHE (default ~/.cache/gebrak) so later runs on the same
# machine, including CI's fresh clones, start at once.
set -euo pipefail

WEED_VERSION=${WEED_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}
S3_PORT=${S3_PORT:-8333}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WEED_CACHE=${WEED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gebrak}
BIN="$WEED_CACHE/weed-$WEED_VERSION"
STATE="$REPO/.cache/seaweedfs"
PIDFILE="$STATE/weed.pid"
LOG="$STATE/weed.log"
# Fixed test credentials: the server runs on loopback only and holds only test data.
ACCESS_KEY=gebrak-test
SECRET_KEY=gebrak-test-secret

say() { printf '[seaweedfs] %s\n' "$*" >&2; }
die() { printf '[seaweedfs] ERROR: %s\n' "$*" >&2; exit 1; }

cmd_build() {
  [ -x "$BIN" ] && return 0
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null || die "go not found (Debian: apt-get install -y golang-go)"
  local work module_dir
  work=$(mktemp -d)
  say "go mod download github.com/seaweedfs/seaweedfs@$WEED_VERSION"
  module_dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/seaweedfs/seaweedfs@$WEED_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$module_dir" ] || die "the Go module proxy did not give github.com/seaweedfs/seaweedfs@$WEED_VERSION"
  cp -r "$module_dir" "$work/src" && chmod -R u+w "$work/src"
  say "go build ./weed (a few minutes)"
  mkdir -p "$WEED_CACHE"
  (cd "$work/src" && GOFLAGS=-buildvcs=false go build -o "$BIN.part" ./weed) || die "go build of weed failed"
  mv "$BIN.part" "$BIN"
  rm -rf "$work"
}

live_pid() {
  [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"
  return 0
}

cmd_env() {
  printf '%s\n' "AWS_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT" "AWS_ACCESS_KEY_ID=$ACCESS_KEY" \
    "AWS_SECRET_ACCESS_KEY=$SECRET_KEY" "AWS_S3_REGION_NAME=us-east-1"
}

cmd_start() {
  if [ -z "$(live_pid)" ]; then
    cmd_build
    (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null &&
      die "port $S3_PORT is taken by something this script did not start"
    rm -rf "$STATE" && mkdir -p "$STATE/data"
    cat >"$STATE/s3.json" <<JSON
{"identities": [{"name": "gebrak", "credentials": [{"accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
    # Ports away from SeaweedFS's defaults so a developer's own instance is left alone. Every
    # bucket is a collection that takes 7 volumes at its first write, so 20 volumes ran out at
    # the third bucket ("No writable volumes"); volumes are sparse files, 100 of 64 MB cost
    # only what is written.
    nohup "$BIN" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$STATE/data" \
      -master.port=19333 -volume.port=18080 -filer.port=18888 -volume.max=100 \
      -master.volumeSizeLimitMB=64 -s3 -s3.port="$S3_PORT" -s3.config="$STATE/s3.json" \
      >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    local deadline=$((SECONDS + 90))
    # Any HTTP answer from the S3 port (403 for an anonymous request) means it serves.
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$S3_PORT/")" != 000 ]; do
      kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -n 40 "$LOG" >&2; die "weed exited"; }
      ((SECONDS < deadline)) || { tail -n 40 "$LOG" >&2; die "S3 did not answer in 90s"; }
      sleep 0.5
    done
    say "S3 on 127.0.0.1:$S3_PORT (pid $(cat "$PIDFILE"))"
  fi
  cmd_env
}

cmd_stop() {
  local pid
  pid=$(live_pid)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$PIDFILE"
}

case ${1:-} in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  *) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
