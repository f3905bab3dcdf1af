#!/bin/bash
# load-aot.sh RUNS [ARM...]: issue 16's load benchmark (LoadBenchmark: the broker in this JVM, the generator in its
# own) one cold step at a time, the broker's JVM with and without class data of its own, the arms alternating.
# The JVM gets broker.env's JAVA_OPTS (as the unit gives the broker) and a class path of jars only (class data
# archives take no directory): $CLASSPATH_FILE (default hardware-tests/target/load-classpath.txt) with the directory
# hardware-tests/target/test-classes replaced by a jar of it. Arms (default: none aot):
#   none  the JDK's default class data archive only (as the unit today)
#   aot   JDK 25's AOT cache from a training run of the same benchmark (-XX:AOTCacheOutput; its step TRAIN_SECONDS long,
#         default SECONDS_STEP: the training run's step is a fourth figure, the cold step in record mode)
#   cds   a dynamic archive from a training run (-XX:SharedArchiveFile -XX:+AutoCreateSharedArchive)
# Each measured run: LoadBenchmark KIOSKS (100) SECONDS (60) RATE (10 readings/s per kiosk) no; its log in the work
# directory (printed at the end), the RESULT lines and the load averages printed per run, medians at the end.
# Environment: WORK=<dir> (reuse a cache: SKIP_TRAIN=1), XLOG=<tags> (e.g. cds,aot: -Xlog into <run log>.xlog),
# KIOSKS, SECONDS_STEP, RATE, TRAIN_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
arms=("$@")
[ ${#arms[@]} -gt 0 ] || arms=(none aot)
kiosks=${KIOSKS:-100}; seconds=${SECONDS_STEP:-60}; rate=${RATE:-10}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
eval "$(grep '^JAVA_OPTS=' packaging/src/deb/broker/files/etc/telekiosk/broker.env)"
work=${WORK:-$(mktemp -d /tmp/load-aot.XXXXXX)}
mkdir -p "$work"
tests=$(readlink -f hardware-tests/target/test-classes)
(cd "$tests" && "$(dirname "$java")/jar" cf "$work/hardware-tests-tests.jar" .)
cp=$(tr ':' '\n' <"${CLASSPATH_FILE:-hardware-tests/target/load-classpath.txt}" \
  | sed "s#^$tests\$#$work/hardware-tests-tests.jar#" | while read -r entry; do
    if [ -d "$entry" ] && [ -n "$(ls -A "$entry")" ]; then echo "a non-empty directory on the class path: $entry" >&2; exit 1; fi
    [ -f "$entry" ] && echo "$entry" || true
  done | paste -sd:)
main=org.telekiosk.hardware.load.LoadBenchmark
echo "work $work; JAVA_OPTS $JAVA_OPTS; $kiosks kiosks, $seconds s at $rate readings/s each"

options() {
  case "$1:$2" in
    none:*) ;;
    aot:train) echo "-XX:AOTCacheOutput=$work/load.aot" ;;
    aot:measure) echo "-XX:AOTCache=$work/load.aot" ;;
    cds:*) echo "-XX:SharedArchiveFile=$work/load.jsa -XX:+AutoCreateSharedArchive" ;;
  esac
}

summary() { # LOG: the step's figures in one line
  local log=$1
  local result cpu loads
  result=$(grep -E '^([0-9:]{8} )?RESULT ' "$log" | head -1)
  cpu=$(grep -E '^([0-9:]{8} )?RESULT-CPU ' "$log" | head -1 | grep -o 'cpuMicrosPerReading=[^ ]*' || true)
  loads=$(grep -o 'load average [0-9. ]* at the window.s start, [0-9. ]* at its end' "$log" | head -1 || true)
  echo "$(echo "$result" | grep -oE '(throughput|published|refused|delivered|p50|p99|max)=[^ ]*' | paste -sd' ') $cpu; $loads"
}

for arm in "${arms[@]}"; do
  [ "$arm" = none ] || [ -n "${SKIP_TRAIN:-}" ] && continue
  log=$work/train-$arm.log
  t0=$(date +%s)
  # shellcheck disable=SC2046,SC2086
  "$java" $JAVA_OPTS $(options "$arm" train) -cp "$cp" "$main" "$kiosks" "${TRAIN_SECONDS:-$seconds}" "$rate" no 2>&1 \
    | while IFS= read -r line; do printf '%(%H:%M:%S)T %s\n' -1 "$line"; done >"$log"
  echo "training [$arm]: $(($(date +%s) - t0)) s in all, the exit (writing the archive or cache) from $(grep -m1 \
    'RESULT ' "$log" | cut -c1-8) to $(tail -1 "$log" | cut -c1-8); $(summary "$log")"
  ls -l "$work"/load.* 2>/dev/null || true
  grep -iE 'warning|error' "$log" | grep -iE 'aot|cds|shar' | sort | uniq -c | sort -rn | head -5 || true
done

for run in $(seq "$runs"); do
  for arm in "${arms[@]}"; do
    log=$work/run$run-$arm.log
    t0=$(date +%s)
    # shellcheck disable=SC2046,SC2086
    "$java" $JAVA_OPTS $(options "$arm" measure) ${XLOG:+-Xlog:$XLOG:file=$log.xlog} -cp "$cp" "$main" "$kiosks" \
      "$seconds" "$rate" no >"$log" 2>&1 || { echo "run $run [$arm] failed:"; tail -20 "$log"; }
    echo "run $run [$arm] $(date -u +%H:%M) $(($(date +%s) - t0)) s: $(summary "$log")"
  done
done
for arm in "${arms[@]}"; do
  p99=$(for f in "$work"/run*-"$arm".log; do grep '^RESULT ' "$f" | head -1 | grep -o 'p99=[^ ]*' | cut -d= -f2; done \
    | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  echo "[$arm] median p99 ${p99} ms"
done
echo "logs in $work"
