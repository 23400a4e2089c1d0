# Helpers for .ci/run (sourced): section headers with timings, and steps run in the
# background with their output kept in a log that is shown when they are waited for;
# at the end, starting and stopping a service, for the scripts of scripts/ci.

CI_T0=$SECONDS
CI_SECTION=""
CI_SECTION_T0=$SECONDS
CI_TIMINGS=()

clock() { printf '%02d:%02d' $(((SECONDS - CI_T0) / 60)) $(((SECONDS - CI_T0) % 60)); }

end_section() {
  [ -n "$CI_SECTION" ] || return 0
  CI_TIMINGS+=("$(printf '%5ss  %s' $((SECONDS - CI_SECTION_T0)) "$CI_SECTION")")
  CI_SECTION=""
}

section() {
  end_section
  CI_SECTION=$1
  CI_SECTION_T0=$SECONDS
  printf '\n==== [%s] %s ====\n' "$(clock)" "$1"
}

print_timings() {
  end_section
  printf '\n==== [%s] timings ====\n' "$(clock)"
  printf '%s\n' "${CI_TIMINGS[@]}"
}

fail() {
  printf '\nCI FAILED: %s\n' "$*" >&2
  exit 1
}

declare -A CI_BG_PID=()
declare -A CI_BG_T0=()

# bg NAME COMMAND...: start a step in the background, its output in $CI_LOGS/NAME.log.
bg() {
  local name=$1; shift
  "$@" >"$CI_LOGS/$name.log" 2>&1 &
  CI_BG_PID[$name]=$!
  CI_BG_T0[$name]=$SECONDS
  printf '  started in background: %s\n' "$name"
}

# bg_stop_all: end steps still running (after an early failure) and their children.
bg_stop_all() {
  local pid
  for pid in "${CI_BG_PID[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
  done
  wait  # so that the services' own stop commands find every pid file written
  return 0
}

# bg_wait NAME: wait for a background step, show its log, and return its status.
bg_wait() {
  local name=$1 status=0
  wait "${CI_BG_PID[$name]}" || status=$?
  unset "CI_BG_PID[$name]"  # reaped: its pid may be reused, so never signal it again
  printf -- '--- %s (%ss, exit %s) ---\n' "$name" $((SECONDS - CI_BG_T0[$name])) "$status"
  sed 's/^/  /' "$CI_LOGS/$name.log"
  return "$status"
}

# --- Services: a script of scripts/ci (redis.sh, stripe-mock.sh) sources this part too ----------
# It sets SERVICE (its name in messages), PIDFILE and LOG before calling these.

service_say() { printf '[%s] %s\n' "$SERVICE" "$*" >&2; }
service_die() { printf '[%s] ERROR: %s\n' "$SERVICE" "$*" >&2; exit 1; }

# service_pid: the pid in PIDFILE if that process is alive, else nothing.
service_pid() {
  [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"
  return 0
}

# service_start PORT READY COMMAND...: unless PIDFILE names a live process, start COMMAND in the
# background (its output in LOG) on 127.0.0.1:PORT, which must be free, and wait up to 30 s until
# the command READY succeeds; the log is shown and the script ends if it exits or never answers.
service_start() {
  local port=$1 ready=$2
  shift 2
  [ -z "$(service_pid)" ] || return 0
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
    service_die "port $port is taken by something this script did not start"
  mkdir -p "$(dirname "$PIDFILE")" "$(dirname "$LOG")"
  nohup "$@" >"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local deadline=$((SECONDS + 30))
  until "$ready"; do
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { cat "$LOG" >&2; service_die "$SERVICE exited"; }
    ((SECONDS < deadline)) || { cat "$LOG" >&2; service_die "$SERVICE did not answer in 30s"; }
    sleep 0.2
  done
  service_say "serving on 127.0.0.1:$port (pid $(cat "$PIDFILE"))"
}

# service_stop: end the process PIDFILE names, if it is alive, and forget it.
service_stop() {
  local pid
  pid=$(service_pid)
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
}
