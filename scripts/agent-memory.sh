#!/bin/bash
# agent-memory.sh [SECONDS] [JAVA_OPTS...]: the edge agent's resident memory and CPU share with five simulated sensors
# streaming (thermometer, scale, blood pressure, pulse oximeter with its pleth, ECG), against a demo broker on this
# machine. Starts 'telekiosk-broker demo' (data in a temporary directory, free ports), replaces the demo's own agent
# with one started with the given JVM options (default: those of telekiosk-edge-agent.service), runs it a first time
# briefly so that its class data archive is made (as on a kiosk after its first start), then measures for SECONDS
# (default 600): VmRSS every 10 s, CPU time over the window after a 60 s warm-up. Needs the jars of a build
# (mvn -o -q package -DskipTests). Prints one line per sample and a summary.
# Environment: AGENT_JAR=<jar> measures another agent jar (e.g. a copy of an earlier build, to compare in one
# session); BREAKDOWN=1 prints after the summary where the memory is: /proc status and smaps_rollup, resident memory
# per mapping, loaded classes per package, the heap before and after a full GC, threads, and Native Memory Tracking
# if the options include -XX:NativeMemoryTracking=summary.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
if [ $# -gt 0 ]; then opts=("$@"); else
  # shellcheck disable=SC2207
  opts=($(sed -n 's/^Environment="JAVA_OPTS=\(.*\)"$/\1/p' \
    packaging/src/deb/edge-agent/files/usr/lib/systemd/system/telekiosk-edge-agent.service))
fi
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jcmd=$(dirname "$java")/jcmd
agent_jar=${AGENT_JAR:-edge-agent/target/telekiosk-edge-agent.jar}
work=$(mktemp -d)
demo_pid=; agent_pid=
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
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
opts=("${opts[@]//\/var\/lib\/telekiosk\/edge-agent/$agent_dir}")
echo "JVM options: ${opts[*]}"
start_agent() {
  "$java" --enable-native-access=ALL-UNNAMED "${opts[@]}" -jar "$agent_jar" run \
    --simulate --config "$config" >>"$work/agent.log" 2>&1 &
  agent_pid=$!
}
# The demo may start its agent late (under load, after the kill above): no other agent may use this configuration.
others() { for p in $(pgrep -f -- "--config $config" || true); do [ "$p" != "$agent_pid" ] && echo "$p"; done; true; }
start_agent
sleep 30
# shellcheck disable=SC2046
kill $(others) 2>/dev/null || true
kill "$agent_pid"; wait "$agent_pid" || true   # a clean stop writes the class data archive
ls -la "$agent_dir"/*.jsa 2>/dev/null || echo "no class data archive was written"
start_agent
ticks=$(getconf CLK_TCK)
[ -z "$(others)" ] || { echo "another agent uses $config: $(others)"; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
sleep 60
start_cpu=$(cpu); start_time=$(date +%s.%N); max=0
for _ in $(seq $((seconds / 10))); do
  sleep 10
  kill -0 "$agent_pid" 2>/dev/null || { echo "the agent exited:"; tail -20 "$work/agent.log"; exit 1; }
  [ -z "$(others)" ] || { echo "another agent uses $config: $(others)"; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")
  [ "$rss" -gt "$max" ] && max=$rss
  echo "$(date -u +%H:%M:%S) rss_kib=$rss"
done
end_cpu=$(cpu); end_time=$(date +%s.%N)
last=$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")
awk -v c=$((end_cpu - start_cpu)) -v t="$ticks" -v s="$start_time" -v e="$end_time" -v last="$last" -v max="$max" \
  'BEGIN { printf "summary: rss_last_mib=%.1f rss_max_mib=%.1f cpu_share_of_one_core=%.2f%% over %.0f s\n", last/1024, max/1024, 100*c/t/(e-s), e-s }'
grep -c "ERROR" "$work/agent.log" | sed 's/^/agent log ERROR lines: /' || true
[ -n "${BREAKDOWN:-}" ] || exit 0
pid=$agent_pid
echo "== breakdown at $(date -u +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg)"
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
echo "== heap, then after a full GC"
"$jcmd" "$pid" GC.heap_info | grep -E "total|space"
"$jcmd" "$pid" GC.run >/dev/null
"$jcmd" "$pid" GC.heap_info | grep -E "total|space"
echo "== code cache"
"$jcmd" "$pid" Compiler.codecache | grep -E "size=|blobs"
echo "== threads"
"$jcmd" "$pid" Thread.print | sed -nE 's/^"([^"]*)".*/\1/p' | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn
echo "== Native Memory Tracking (committed)"
"$jcmd" "$pid" VM.native_memory summary | grep -E "^(Total|-)" || true
