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
SERVICE=redis
PIDFILE="$REPO/.cache/redis.pid"
LOG="$REPO/.cache/redis.log"
# shellcheck source=scripts/ci/lib.sh
source "$REPO/scripts/ci/lib.sh"

answers() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

cmd_start() {
  [ -n "$(service_pid)" ] || command -v redis-server >/dev/null ||
    service_die "redis-server not installed (Debian: apt-get install -y redis-server)"
  service_start "$REDIS_PORT" answers redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
    --appendonly no --protected-mode yes
  echo "REDIS_TEST_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case ${1:-} in
  start) cmd_start ;;
  stop) service_stop ;;
  *) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
