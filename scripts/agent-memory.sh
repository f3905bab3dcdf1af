#!/bin/bash
# agent-memory.sh [SECONDS] [JAVA_OPTS...] [:: JAVA_OPTS...]...: the edge agent's resident memory and CPU share with
# five simulated sensors streaming (thermometer, scale, blood pressure, pulse oximeter with its pleth, ECG), against a
# demo broker on this machine. Starts 'telekiosk-broker demo' (data in a temporary directory, free ports), replaces the
# demo's own agent with one started with the given JVM options (default: those of telekiosk-edge-agent.service), runs
# it a first time briefly so that its class data archive is made (as on a kiosk after its first start), then measures
# for SECONDS (default 600) after a 60 s warm-up: VmRSS every 10 s (median and maximum), CPU time over the window,
# the load average at its start and end, the garbage collections, the heap's capacities at the end, the old
# generation's growth over the window and the number of threads. Needs the jars of a build
# (mvn -o -q package -DskipTests).
# Several option sets, separated by '::', are measured one after another against the same demo broker (one agent at a
# time, each with its own class data archive). A set starting with '+' is the unit's options plus the rest; leading
# NAME=value words of a set go into the agent's environment (e.g. MALLOC_ARENA_MAX=2), except JAR=<jar>, which
# measures that agent jar in this set (e.g. a copy of an earlier build). An empty set is the unit's options.
#   scripts/agent-memory.sh 120 :: + -Xss256k :: MALLOC_ARENA_MAX=2 +
# Environment: AGENT_JAR=<jar> measures another agent jar in every set; BREAKDOWN=1, or
# -XX:NativeMemoryTracking=summary in a set, prints after its summary where the memory is:
# /proc status and smaps_rollup, resident memory per mapping, loaded classes per package, the heap before and after a
# full GC with its largest classes, the code cache, threads, and Native Memory Tracking if it is on.
# -XX:AOTCacheOutput=<file> in a set: the first run writes a JDK 25 AOT cache, the measured run uses it (-XX:AOTCache).
# -XX:DumpLoadedClassList=<dir>/<name>.lst in a set: the first run writes the list of the classes it loaded, a static
# dump (-Xshare:dump, the set's other options) makes <dir>/<name>.jsa of them alone, the measured run maps only that.
# The agent is started as /usr/bin/telekiosk-edge-agent starts it: java, the options, -jar (native access comes from the
# jar's manifest; a set may add --enable-native-access=ALL-UNNAMED to measure the flag the wrapper passed until 12-05).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
# shellcheck disable=SC2207
unit_opts=($(sed -n 's/^Environment="JAVA_OPTS=\(.*\)"$/\1/p' \
  packaging/src/deb/edge-agent/files/usr/lib/systemd/system/telekiosk-edge-agent.service))
sets=(); current=()
for word in "$@"; do
  if [ "$word" = "::" ]; then sets+=("${current[*]:-}"); current=(); else current+=("$word"); fi
done
sets+=("${current[*]:-}")
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jcmd=$(dirname "$java")/jcmd
jstat=$(dirname "$java")/jstat
work=$(mktemp -d)
demo_pid=; agent_pid=
stop_agent() { [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true; agent_pid=; }
cleanup() {
  stop_agent
  [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$java" -jar broker/target/telekiosk-broker.jar demo --data-dir "$work/broker" --port 0 --mqtt-port 0 \
  --metrics-port 0 --agent-jar edge-agent/target/telekiosk-edge-agent.jar >"$work/demo.log" 2>&1 &
demo_pid=$!
for _ in $(seq 240); do
  config=$(grep -o -- '--config [^ ]*agent.properties' "$work/demo.log" | head -1 | cut -d' ' -f2 || true)
  [ -n "$config" ] && break
  sleep 1
done
[ -n "$config" ] || { echo "the demo did not start:"; tail -20 "$work/demo.log"; exit 1; }
# The demo's own agent (a child of the demo) makes way for one with the options under test.
for child in $(pgrep -P "$demo_pid" || true); do kill "$child"; done
sleep 3
agent_dir=$(dirname "$config")
ticks=$(getconf CLK_TCK)
# The demo may start its agent late (under load, after the kill above): no other agent may use this configuration.
others() { for p in $(pgrep -f -- "--config $config" || true); do [ "$p" != "$agent_pid" ] && echo "$p"; done; true; }
start_agent() {
  env "${envs[@]}" "$java" "${opts[@]}" -jar "$agent_jar" run \
    --simulate --config "$config" >>"$work/agent.log" 2>&1 &
  agent_pid=$!
}
cpu() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
# Collections so far and their time in ms, young and full (jstat; needs the JVM's perf data, on by default).
gcs() { "$jstat" -gc "$agent_pid" | awk 'NR == 2 {printf "%d %d %d %d", $(NF-6), $(NF-5) * 1000, $(NF-4), $(NF-3) * 1000}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
old_used() { "$jstat" -gc "$agent_pid" | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c["OU"]}'; }
n=0
for set in "${sets[@]}"; do
  n=$((n + 1))
  read -r -a words <<<"$set"
  envs=(); agent_jar=${AGENT_JAR:-edge-agent/target/telekiosk-edge-agent.jar}
  while [ ${#words[@]} -gt 0 ] && [[ "${words[0]}" =~ ^[A-Z_]+= ]]; do
    if [[ "${words[0]}" == JAR=* ]]; then agent_jar=${words[0]#JAR=}; else envs+=("${words[0]}"); fi
    words=("${words[@]:1}")
  done
  if [ ${#words[@]} -eq 0 ]; then opts=("${unit_opts[@]}")
  elif [ "${words[0]}" = "+" ]; then opts=("${unit_opts[@]}" "${words[@]:1}")
  elif [[ "${words[0]}" == +* ]]; then opts=("${unit_opts[@]}" "${words[0]#+}" "${words[@]:1}")
  else opts=("${words[@]}"); fi
  opts=("${opts[@]//\/var\/lib\/telekiosk\/edge-agent\/telekiosk-edge-agent.jsa/$agent_dir/set$n.jsa}")
  opts=("${opts[@]//\/var\/lib\/telekiosk\/edge-agent/$agent_dir}")
  echo "== set $n: $agent_jar ${envs[*]:-} ${opts[*]}"
  : >"$work/agent.log"
  start_agent
  sleep 30
  # shellcheck disable=SC2046
  kill $(others) 2>/dev/null || true
  stop_agent   # a clean stop writes the class data archive (or, with -XX:AOTCacheOutput, the AOT cache)
  ls -la "$agent_dir"/set$n.jsa "$agent_dir"/*.aot 2>/dev/null || true
  opts=("${opts[@]/-XX:AOTCacheOutput=/-XX:AOTCache=}")   # the measured run uses the cache the first run wrote
  for i in "${!opts[@]}"; do   # -XX:DumpLoadedClassList=<list>: one static archive of the classes the first run loaded
    if [[ "${opts[$i]}" == -XX:DumpLoadedClassList=* ]]; then
      list=${opts[$i]#*=}; static=${list%.*}.jsa; dump_opts=("${opts[@]:0:$i}" "${opts[@]:$((i + 1))}")
      "$java" "${dump_opts[@]}" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$static" \
        -cp "$agent_jar" >"$work/dump.log" 2>&1 || { echo "static dump failed:"; tail -20 "$work/dump.log"; exit 1; }
      echo "static archive: $(wc -l <"$list") lines in the class list; $(grep -cE '^\[.*(warning|Skipping)' \
        "$work/dump.log" || true) warnings; $(ls -la "$static")"
      opts[$i]=-XX:SharedArchiveFile=$static
    fi
  done
  start_agent
  [ -z "$(others)" ] || { echo "another agent uses $config: $(others)"; exit 1; }
  sleep 60
  start_cpu=$(cpu); start_time=$(date +%s.%N); start_load=$(load); start_gc=$(gcs); start_old=$(old_used); samples=()
  for _ in $(seq $((seconds / 10))); do
    sleep 10
    kill -0 "$agent_pid" 2>/dev/null || { echo "the agent exited:"; tail -20 "$work/agent.log"; exit 1; }
    [ -z "$(others)" ] || { echo "another agent uses $config: $(others)"; exit 1; }
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")
    samples+=("$rss")
    echo "$(date -u +%H:%M:%S) rss_kib=$rss"
  done
  end_cpu=$(cpu); end_time=$(date +%s.%N); end_gc=$(gcs); end_old=$(old_used)
  median=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
  awk -v c=$((end_cpu - start_cpu)) -v t="$ticks" -v s="$start_time" -v e="$end_time" -v med="$median" -v max="$max" \
    -v n="$n" -v l0="$start_load" -v l1="$(load)" \
    'BEGIN { printf "summary set %d: rss_median_mib=%.1f rss_max_mib=%.1f cpu_share_of_one_core=%.2f%% over %.0f s, load average %s -> %s\n", n, med/1024, max/1024, 100*c/t/(e-s), e-s, l0, l1 }'
  read -r y0 yt0 f0 ft0 <<<"$start_gc"; read -r y1 yt1 f1 ft1 <<<"$end_gc"
  echo "collections in the window: young $((y1 - y0)) taking $((yt1 - yt0)) ms, full $((f1 - f0)) taking $((ft1 - ft0)) ms"
  # The old generation's pages are touched as promoted objects fill it and stay resident after a full collection, so
  # its capacity, not its use at the end of a short window, bounds what the heap will hold after hours.
  "$jstat" -gc "$agent_pid" | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i}
    NR == 2 {printf "heap at the end (MiB): young capacity %.1f, old capacity %.1f, old used %.1f\n",
      ($c["S0C"] + $c["S1C"] + $c["EC"]) / 1024, $c["OC"] / 1024, $c["OU"] / 1024}'
  awk -v a="$start_old" -v b="$end_old" -v s="$start_time" -v e="$end_time" 'BEGIN {
    printf "old generation used: %.2f -> %.2f MiB in the window (%.2f MiB a minute, less what full collections freed)\n",
      a / 1024, b / 1024, (b - a) / 1024 / (e - s) * 60 }'
  echo "threads at the end: $(awk '/^Threads/ {print $2}' "/proc/$agent_pid/status")"
  grep -c "ERROR" "$work/agent.log" | sed 's/^/agent log ERROR lines: /' || true
  if [ -n "${BREAKDOWN:-}" ] || [[ "${opts[*]}" == *NativeMemoryTracking* ]]; then
    pid=$agent_pid
    echo "== breakdown at $(date -u +%H:%M:%S), load average $(load)"
    grep -E "VmRSS|RssAnon|RssFile|Threads" "/proc/$pid/status"
    grep -E "^(Rss|Pss|Shared_Clean|Private_Dirty|Private_Clean):" "/proc/$pid/smaps_rollup"
    echo "== resident KiB, of it private dirty, per mapping"
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6); next }
         /^Rss:/ { rss[name] += $2 } /^Private_Dirty:/ { pd[name] += $2 }
         END { for (n in rss) if (rss[n] > 200) printf "%8d %8d %s\n", rss[n], pd[n], n }' "/proc/$pid/smaps" | sort -rn
    echo "== loaded classes, then per package (three levels)"
    "$jcmd" "$pid" VM.class_hierarchy | sed -E 's/^[| -]*//' | awk '{print $1}' | grep -v ':$' >"$work/classes.txt"
    wc -l <"$work/classes.txt"
    sed -E 's/\.[^.]+$//' "$work/classes.txt" | awk -F. '{print $1"."$2"."$3}' | sort | uniq -c | sort -rn | head -25
    echo "== of them Jackson's, per artifact package"
    grep -E '^com\.fasterxml\.jackson\.' "$work/classes.txt" | awk -F. '{print $4"."$5}' | sort | uniq -c | sort -rn
    echo "== heap, then after a full GC, and the largest classes by live bytes"
    "$jcmd" "$pid" GC.heap_info | grep -E "total|space"
    "$jcmd" "$pid" GC.run >/dev/null
    "$jcmd" "$pid" GC.heap_info | grep -E "total|space"
    "$jcmd" "$pid" GC.class_histogram | head -25
    echo "== code cache"
    "$jcmd" "$pid" Compiler.codecache | grep -E "size=|blobs"
    echo "== threads"
    "$jcmd" "$pid" Thread.print | sed -nE 's/^"([^"]*)".*/\1/p' | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn
    echo "== Native Memory Tracking (committed)"
    "$jcmd" "$pid" VM.native_memory summary | grep -E "^(Total|-)" || true
  fi
  stop_agent
done
