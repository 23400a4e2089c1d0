#!/usr/bin/env bash
# stripe-mock: every Stripe endpoint's shape, Connect included (stateless, no webhooks),
# for the Stripe Connect checks that localstripe cannot answer.
#
#   scripts/ci/stripe-mock.sh build   go install into .cache/bin (once)
#   scripts/ci/stripe-mock.sh start   build if needed, serve on 127.0.0.1:STRIPE_MOCK_PORT
#                                     (12111); prints STRIPE_MOCK_URL=...
#   scripts/ci/stripe-mock.sh stop
#
# Built from the Go module github.com/stripe/stripe-mock at STRIPE_MOCK_VERSION, pinned
# so CI does not change under us. localstripe (the stateful emulator) needs nothing
# from here: it is a Python package in requirements/dev.lock and tests start it themselves.
set -euo pipefail

STRIPE_MOCK_VERSION=${STRIPE_MOCK_VERSION:-v0.203.0}
STRIPE_MOCK_PORT=${STRIPE_MOCK_PORT:-12111}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR="$REPO/.cache/bin"
BIN="$BIN_DIR/stripe-mock"
SERVICE=stripe-mock
PIDFILE="$REPO/.cache/stripe-mock.pid"
LOG="$REPO/.cache/stripe-mock.log"
# shellcheck source=scripts/ci/lib.sh
source "$REPO/scripts/ci/lib.sh"

cmd_build() {
  [ -x "$BIN" ] && return 0
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null || service_die "go not found (Debian: apt-get install -y golang-go)"
  service_say "go install github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" ||
    service_die "could not build stripe-mock"
}

answers() {
  curl -fsS --max-time 2 -u sk_test_123: "http://127.0.0.1:$STRIPE_MOCK_PORT/v1/balance" >/dev/null 2>&1
}

cmd_start() {
  [ -n "$(service_pid)" ] || cmd_build
  service_start "$STRIPE_MOCK_PORT" answers "$BIN" -http-addr "127.0.0.1:$STRIPE_MOCK_PORT"
  echo "STRIPE_MOCK_URL=http://127.0.0.1:$STRIPE_MOCK_PORT"
}

case ${1:-} in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) service_stop ;;
  *) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
