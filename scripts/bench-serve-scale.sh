#!/usr/bin/env bash
# What one `ontop serve` costs as the fleet grows: 1,000, 3,000 and 10,000 simulated
# clusters polled every 30 s, one table, the cost per cluster beside each figure.
#
#   scripts/bench-serve-scale.sh [SIZES] [LATENCY_MS] [SCRAPES]     (default "1000 3000 10000" 50 9)
#
# For each size it starts `ontop sim --clusters N --shared-port --latency-ms L` (every
# cluster at its own loopback address on one port), then `ontop serve` on the config it
# wrote with `poll_interval = "30s"`, waits until every cluster is up in /metrics, lets
# it run WARMUP seconds more (default 35 intervals, 17.5 minutes: a growth that comes
# only after a few dozen requests shows by then, as connections kept in reqwest's pool
# took 9 KiB more each at their 33rd), and measures:
#   - CPU of `ontop serve` over 60 s, in % of one core (its own user + system time);
#   - RSS at the end, and its peak (VmHWM: start-up included);
#   - a scrape of /metrics (classic text), median of SCRAPES, as curl sees it on loopback.
# With BEFORE=path/to/older/ontop it measures that binary too, size by size in the same
# run, so a before-and-after shares the machine's noise (the simulator is always the
# newer binary's: older ones may lack --shared-port); ONTOP=path measures that binary
# instead of a fresh release build. The machine may be shared: read the figures as the
# medians they are. Nothing here asserts: it measures. Needs: a Rust toolchain, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${1:-1000 3000 10000}
latency=${2:-50}
scrapes=${3:-9}
interval=${INTERVAL:-30}
window=${WINDOW:-60}
warmup=${WARMUP:-$((interval * 35))}

if [ -n "${ONTOP:-}" ]; then
  ontop=$(realpath "$ONTOP")
else
  cargo build --release -q
  ontop=$PWD/target/release/ontop
fi
binaries=("$ontop")
[ -n "${BEFORE:-}" ] && binaries=("$(realpath "$BEFORE")" "$ontop")
work=$(mktemp -d)
cleanup() {
  [ -n "${serve:-}" ] && kill "$serve" 2>/dev/null || true
  [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Ten thousand kept-alive connections, on each side.
ulimit -n "$(ulimit -Hn)"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status"; }

# One size, one binary: prints "CPU% RSS_KIB PEAK_KIB SCRAPE_S SCRAPE_BYTES UP".
measure() {
  local n=$1 bin=$2 port base up=0
  rm -f "$work/fleet.toml"
  "$ontop" sim --clusters "$n" --shared-port --latency-ms "$latency" \
    --write-config "$work/fleet.toml" >"$work/sim.log" 2>&1 &
  sim=$!
  for _ in $(seq 3000); do [ -s "$work/fleet.toml" ] && break; sleep 0.1; done
  [ -s "$work/fleet.toml" ] || { cat "$work/sim.log" >&2; echo "the simulator did not start" >&2; exit 1; }
  sed -i "s/^\[defaults\]$/[defaults]\npoll_interval = \"${interval}s\"/" "$work/fleet.toml"
  port=$((20000 + RANDOM % 20000))
  XDG_DATA_HOME=$work/data "$bin" serve --config "$work/fleet.toml" \
    --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
  serve=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq $((interval * 20))); do
    up=$(curl -s "$base/metrics" | grep -c '^ontop_cluster_up{.*} 1' || true)
    [ "$up" -ge "$n" ] && break
    sleep 0.5
  done
  sleep "$warmup"
  local cpu0 cpu1
  cpu0=$(cpu_ticks "$serve")
  sleep "$window"
  cpu1=$(cpu_ticks "$serve")
  for _ in $(seq "$scrapes"); do
    curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$base/metrics"
    sleep 1
  done >"$work/scrape"
  up=$(curl -s "$base/metrics" | grep -c '^ontop_cluster_up{.*} 1' || true)
  echo "$(awk -v a="$cpu0" -v b="$cpu1" -v t="$ticks" -v w="$window" 'BEGIN {printf "%.2f", (b - a) / t / w * 100}')" \
    "$(kib VmRSS "$serve")" "$(kib VmHWM "$serve")" \
    "$(cut -d' ' -f1 "$work/scrape" | median)" "$(tail -1 "$work/scrape" | cut -d' ' -f2)" "$up"
  kill "$serve" "$sim" 2>/dev/null || true
  wait "$serve" "$sim" 2>/dev/null || true
  serve='' sim=''
}

echo "ontop serve, polls every ${interval} s, ${latency} ms latency, CPU over ${window} s after ${warmup} s of warm-up"
printf '\n%-8s %-7s %5s %9s %9s %10s %9s %11s %12s %10s\n' \
  binary clusters up "CPU %" "RSS MiB" "peak MiB" "scrape ms" "page KiB" "µs CPU/poll" "KiB/cluster"
for n in $sizes; do
  for bin in "${binaries[@]}"; do
    label=after
    [ "${#binaries[@]}" -eq 2 ] && [ "$bin" = "${binaries[0]}" ] && label=before
    [ "${#binaries[@]}" -eq 1 ] && label=ontop
    read -r cpu rss hwm scrape bytes up <<<"$(measure "$n" "$bin")"
    awk -v l="$label" -v n="$n" -v up="$up" -v cpu="$cpu" -v rss="$rss" -v hwm="$hwm" \
      -v s="$scrape" -v b="$bytes" -v i="$interval" 'BEGIN {
        printf "%-8s %-7d %5d %9.2f %9.1f %10.1f %9.1f %11.0f %12.1f %10.1f\n",
          l, n, up, cpu, rss / 1024, hwm / 1024, s * 1000, b / 1024,
          cpu / 100 * 1e6 / (n / i), rss / n
      }'
  done
done
