#!/usr/bin/env bash
# A throwaway Redis for the scaled-shape test (two site instances sharing caches), from
# Debian's package (apt-get install -y redis-server).
#
#   scripts/ci/redis.sh start   start on 127.0.0.1:REDIS_PORT (16379); prints REDIS_TEST_URL=...
#   scripts/ci/redis.sh stop
#
# In memory only (no snapshots), away from a developer's own 6379. The tests read
# REDIS_TEST_URL, never REDIS_URL: that one switches the site's own caches to Redis.
set -euo pipefail

REDIS_PORT=${REDIS_PORT:-16379}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PIDFILE="$REPO/.cache/redis.pid"
LOG="$REPO/.cache/redis.log"

say() { printf '[redis] %s\n' "$*" >&2; }
die() { printf '[redis] ERROR: %s\n' "$*" >&2; exit 1; }

live_pid() {
  [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"
  return 0
}

cmd_start() {
  if [ -z "$(live_pid)" ]; then
    command -v redis-server >/dev/null || die "redis-server not installed (Debian: apt-get install -y redis-server)"
    (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null &&
      die "port $REDIS_PORT is taken by something this script did not start"
    mkdir -p "$REPO/.cache"
    nohup redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --protected-mode yes >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    local deadline=$((SECONDS + 30))
    until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
      kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { cat "$LOG" >&2; die "redis-server exited"; }
      ((SECONDS < deadline)) || { cat "$LOG" >&2; die "redis-server did not answer in 30s"; }
      sleep 0.2
    done
    say "serving on 127.0.0.1:$REDIS_PORT (pid $(cat "$PIDFILE"))"
  fi
  echo "REDIS_TEST_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

cmd_stop() {
  local pid
  pid=$(live_pid)
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
