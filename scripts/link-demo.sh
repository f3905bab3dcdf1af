#!/usr/bin/env bash
# The demo with its kiosk behind an emulated rural link (docs/rural-links.md):
#   sudo scripts/link-demo.sh <profile> [seed]      profiles: good, rural-lte, edge, blackout, cut, flapping
# Build first: mvn -q package -DskipTests
# The simulated kiosk runs in a network namespace of its own and reaches the broker only through the link
# emulator (tbf rates on the veth, delay/jitter/loss/cuts in the relay), under this machine's host name, which the
# demo's certificate covers. Ctrl+C stops everything and deletes the namespace.
# Ports: TELEKIOSK_LINK_DEMO_PORT (HTTPS, default 8443), TELEKIOSK_LINK_DEMO_MQTT_PORT (default 8883);
# data directory: TELEKIOSK_LINK_DEMO_DIR (default ./telekiosk-link-demo).
set -euo pipefail

profile=${1:?usage: scripts/link-demo.sh <profile> [seed]   (profiles: good, rural-lte, edge, blackout, cut, flapping)}
seed=${2:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
broker_jar=$root/broker/target/telekiosk-broker.jar
emulator_jar=$root/link-emulator/target/telekiosk-link-emulator.jar
port=${TELEKIOSK_LINK_DEMO_PORT:-8443}
mqtt_port=${TELEKIOSK_LINK_DEMO_MQTT_PORT:-8883}
data_dir=${TELEKIOSK_LINK_DEMO_DIR:-telekiosk-link-demo}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [ "$(id -u)" != 0 ]; then
    echo "link-demo: the kiosk's network namespace needs root: sudo $0 $*" >&2
    exit 1
fi
for jar in "$broker_jar" "$emulator_jar"; do
    [ -f "$jar" ] || { echo "link-demo: $jar is missing: build with 'mvn -q package -DskipTests'" >&2; exit 1; }
done
host=$(hostname)

log=$(mktemp)
"$java" -jar "$emulator_jar" run --profile "$profile" --seed "$seed" --netns --host-name "$host" \
    --tcp "$port=127.0.0.1:$port" --tcp "$mqtt_port=127.0.0.1:$mqtt_port" >"$log" 2>&1 &
emulator=$!
stop() {
    kill "$emulator" 2>/dev/null || true   # SIGTERM: its shutdown hook deletes the namespace
    wait "$emulator" 2>/dev/null || true
    rm -f "$log"
}
trap stop EXIT
for _ in $(seq 1 100); do
    grep -q '^ready$' "$log" && break
    kill -0 "$emulator" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
grep -q '^ready$' "$log" || { echo "link-demo: the link emulator did not start:" >&2; cat "$log" >&2; exit 1; }
cat "$log"
namespace=$(sed -n 's/^kiosk namespace \([^:]*\):.*/\1/p' "$log")
echo
echo "The kiosk's own browser under the same link (optional, needs a display):"
echo "  sudo ip netns exec $namespace chromium --no-sandbox --user-data-dir=\$(mktemp -d) https://$host:$port/kiosk.html"
echo "  (or the demo kiosk's own one-time page URL that the banner below prints, already under $host)"
echo

# In the background with a trap, so that Ctrl+C (or SIGTERM to this script) stops the demo even where SIGINT is
# ignored (a script started in the background); on exit the trap above stops the emulator, which deletes the
# namespace.
"$java" -jar "$broker_jar" demo --port "$port" --mqtt-port "$mqtt_port" --data-dir "$data_dir" \
    --kiosk-netns "$namespace" --kiosk-broker-host "$host" &
demo=$!
trap 'kill -TERM "$demo" 2>/dev/null || true' INT TERM
wait "$demo" || true
wait "$demo" 2>/dev/null || true
