#!/bin/bash
# broker-start.sh [RUNS] [ARM...]: start to ready of the broker started the packaged way (java, broker.env's JAVA_OPTS,
# -jar telekiosk-broker.jar serve --config FILE, in the data directory, as telekiosk-broker.service and
# /usr/bin/telekiosk-broker do), with and without class data of its own. "Ready" is the first moment /healthz answers
# 200 (the MQTT intake is up) and the MQTT listener accepts a TCP connection; polled every 20 ms.
# The data directory is made once by a first start (the CA, keys, the store) and copied for every start, so each
# measured start is a restart of a node with its data, on free ports. Arms (default: none cds aot):
#   none  the JDK's default class data archive only (the unit today)
#   cds   a dynamic archive of the broker's classes (-XX:SharedArchiveFile -XX:+AutoCreateSharedArchive, as the agent)
#   aot   JDK 25's AOT cache (-XX:AOTCacheOutput in the training start, -XX:AOTCache after: JEP 483/514/515)
#   unit  the packaged launcher (packaging/src/deb/broker/files/usr/bin/telekiosk-broker, its jar path replaced) with
#         TELEKIOSK_AOT_CACHE as the unit sets it and the unit's umask 077
# Before the measured runs each arm but none has one training start: started, ready, TRAIN_SECONDS (default 5) of
# /healthz requests, stopped with SIGTERM (the archive or cache is written at that clean stop; its time is printed).
# Then RUNS (default 5) measured starts per arm, the arms alternating; each is stopped with SIGTERM once ready.
# Environment: BROKER_JAR (default broker/target/telekiosk-broker.jar), JAVA_HOME, KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
arms=("$@")
[ ${#arms[@]} -gt 0 ] || arms=(none cds aot)
jar=$(readlink -f "${BROKER_JAR:-broker/target/telekiosk-broker.jar}")
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
launcher=$(readlink -f packaging/src/deb/broker/files/usr/bin/telekiosk-broker)
eval "$(grep '^JAVA_OPTS=' packaging/src/deb/broker/files/etc/telekiosk/broker.env)"
work=$(mktemp -d /tmp/broker-start.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start ARM DATA-DIR PHASE: starts the broker in the background (pid in $pid), https port in $https, mqtt in $mqtt
start() {
  local arm=$1 data=$2 phase=$3
  https=$(free_port); mqtt=$(free_port)
  cat >"$data.properties" <<EOF
data.dir=$data
https.port=$https
mqtt.port=$mqtt
metrics.port=0
https.host-names=localhost,127.0.0.1
EOF
  local extra=()
  case "$arm:$phase" in
    none:*|init:*) ;;
    cds:*) extra=(-XX:SharedArchiveFile="$work/cds/broker.jsa" -XX:+AutoCreateSharedArchive) ;;
    aot:train) extra=(-XX:AOTCacheOutput="$work/aot/broker.aot") ;;
    aot:measure) extra=(-XX:AOTCache="$work/aot/broker.aot") ;;
    unit:*) ;;
    *) echo "unknown arm $arm" >&2; exit 2 ;;
  esac
  mkdir -p "$work/cds" "$work/aot" "$work/unit"
  if [ "$arm" = unit ]; then
    sed "s#^JAR=.*#JAR=$jar#" "$launcher" >"$work/unit/launcher"
    (cd "$data" && umask 077 && JAVA_OPTS=$JAVA_OPTS TELEKIOSK_JAVA=$java \
      TELEKIOSK_AOT_CACHE=$work/unit/telekiosk-broker.aot exec sh "$work/unit/launcher" serve --config \
      "$data.properties") >"$data.log" 2>&1 &
  else
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options, as the launcher passes it
    (cd "$data" && exec "$java" $JAVA_OPTS "${extra[@]}" -jar "$jar" serve --config "$data.properties") \
      >"$data.log" 2>&1 &
  fi
  pid=$!
}

# ready: waits until /healthz is 200 and the MQTT port accepts; fails after 120 s or if the broker died
ready() {
  local deadline=$(($(now_ms) + 120000))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "the broker exited:" >&2; tail -30 "$data.log" >&2; exit 1; fi
    if [ "$(curl -sk --max-time 1 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$https/healthz" || true)" = 200 ] \
        && (exec 3<>"/dev/tcp/127.0.0.1/$mqtt") 2>/dev/null; then
      return 0
    fi
    [ "$(now_ms)" -lt "$deadline" ] || { echo "not ready in 120 s" >&2; tail -30 "$data.log" >&2; exit 1; }
    sleep 0.02
  done
}

# stop: SIGTERM, waits for the exit; prints nothing, sets $stop_ms
stop() {
  local t0; t0=$(now_ms)
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
  stop_ms=$(($(now_ms) - t0))
}

# the node's data: one first start (CA, keys, store), stopped
data=$work/template
mkdir -p "$data"
t0=$(now_ms); start init "$data" measure; ready; first=$(($(now_ms) - t0)); stop
echo "first start (makes the CA, keys and store): ${first} ms to ready; stop ${stop_ms} ms"

fresh() { data=$work/run-$1; rm -rf "$data" "$data.properties" "$data.log"; cp -a "$work/template" "$data"; }

for arm in "${arms[@]}"; do
  [ "$arm" = none ] && continue
  fresh "train-$arm"
  t0=$(now_ms); start "$arm" "$data" train; ready; ms=$(($(now_ms) - t0))
  end=$(($(now_ms) + ${TRAIN_SECONDS:-5} * 1000))
  while [ "$(now_ms)" -lt "$end" ]; do curl -sk -o /dev/null "https://127.0.0.1:$https/healthz" || true; done
  stop
  echo "training start [$arm]: ${ms} ms to ready; clean stop ${stop_ms} ms (writes the archive/cache): $(ls -l \
    "$work/$arm"/ 2>/dev/null | awk 'NR>1 {printf "%s %s B; ", $9, $5}')"
  grep -iE 'warn|error' "$data.log" | grep -iE 'cds|aot|shar|archive' | head -5 || true
done

declare -A results
for run in $(seq "$runs"); do
  for arm in "${arms[@]}"; do
    fresh "$arm-$run"
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(now_ms); start "$arm" "$data" measure; ready; ms=$(($(now_ms) - t0))
    stop
    results[$arm]="${results[$arm]:-} $ms"
    printf 'run %d [%s]: %d ms to ready (load %s); stop %d ms\n' "$run" "$arm" "$ms" "$load" "$stop_ms"
    grep -iE '^\[.*(warn|error).*(cds|aot)' "$data.log" | head -3 || true
  done
done
for arm in "${arms[@]}"; do
  # shellcheck disable=SC2086
  sorted=$(printf '%s\n' ${results[$arm]} | sort -n | tr '\n' ' ')
  median=$(printf '%s\n' ${results[$arm]} | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  echo "[$arm] median ${median} ms to ready; all: ${sorted}"
done
