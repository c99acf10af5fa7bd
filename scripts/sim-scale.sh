#!/usr/bin/env bash
# How large a fleet one simulator holds: `ontop sim --shared-port` with N clusters, then
# one `ontop status` sweep over the config it wrote.
#
#   scripts/sim-scale.sh [CLUSTERS] [EXTRA SIM FLAGS...]      (default 10000)
#
# Prints the simulator's start-up time and RSS (idle, and after the sweep), and the
# sweep's wall time, peak RSS and how many clusters answered. Nothing here asserts: it
# measures. Needs: a Rust toolchain, /usr/bin/time, jq.
set -euo pipefail
cd "$(dirname "$0")/.."

clusters=${1:-10000}
shift || true

cargo build --release -q
ontop=$PWD/target/release/ontop
work=$(mktemp -d)
cleanup() {
  [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rss() { awk '/^VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }

started=$(date +%s.%N)
"$ontop" sim --clusters "$clusters" --shared-port "$@" \
  --write-config "$work/fleet.toml" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 3000); do [ -s "$work/fleet.toml" ] && break; sleep 0.1; done
[ -s "$work/fleet.toml" ] || { cat "$work/sim.log"; echo "the simulator did not start"; exit 1; }
up=$(echo "$(date +%s.%N) - $started" | bc)
sleep 2
echo "sim: $clusters clusters on one port, up in ${up} s; RSS $(rss "$sim") idle"

# The sweep opens a descriptor per cluster it asks at once.
ulimit -n "$(ulimit -Hn)"
/usr/bin/time -f '%e %M' -o "$work/time" \
  env XDG_DATA_HOME="$work/data" "$ontop" status --config "$work/fleet.toml" --json \
  >"$work/status.json" 2>"$work/status.err" || true
read -r wall peak < <(tail -1 "$work/time")
answered=$(jq '[.[] | select(.error == null)] | length' "$work/status.json")
echo "ontop status: $answered of $clusters answered in ${wall} s, peak RSS $((peak / 1024)) MiB"
jq -r '.[] | select(.error != null) | .error' "$work/status.json" | sort | uniq -c | head -5
echo "sim after the sweep: RSS $(rss "$sim"), peak $(hwm "$sim")"
