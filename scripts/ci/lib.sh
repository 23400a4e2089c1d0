# Helpers for .ci/run (sourced): section headers with timings, and steps run in the
# background with their output kept in a log that is shown when they are waited for.

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
