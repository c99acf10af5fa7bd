#!/usr/bin/env bash
# `ontop serve` at fleet scale, beside asking the fleet directly, in one run.
#
#   scripts/bench-serve.sh [CLUSTERS] [LATENCY_MS] [SCRAPES]      (default 1000 50 20)
#
# It starts `ontop sim --clusters N --latency-ms L` and `ontop serve` on it, waits until
# every cluster is up in /metrics, then measures:
#   - a scrape of /metrics (classic and OpenMetrics), /api/status and /: wall time as
#     curl sees it on loopback, median of SCRAPES, and the page size;
#   - the same fleet state asked of every cluster: `ontop status --json`, and the
#     official Python client with 32 threads (`scripts/python_sweep.py`), median of 3;
#   - `ontop serve` itself: CPU over 30 s while Prometheus-like scrapes run every 5 s,
#     RSS now and its peak.
# Nothing here asserts a time: it measures. Needs: a Rust toolchain, curl, python3 with
# netapp-ontap, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

clusters=${1:-1000}
latency=${2:-50}
scrapes=${3:-20}

cargo build --release -q
ontop=$PWD/target/release/ontop
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cleanup() {
  [ -n "${serve:-}" ] && kill "$serve" 2>/dev/null || true
  [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$ontop" sim --clusters "$clusters" --latency-ms "$latency" \
  --write-config "$work/fleet.toml" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 600); do [ -s "$work/fleet.toml" ] && break; sleep 0.1; done
[ -s "$work/fleet.toml" ] || { cat "$work/sim.log"; echo "the simulator did not start"; exit 1; }

XDG_DATA_HOME=$work/data "$ontop" serve --config "$work/fleet.toml" \
  --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
serve=$!
base="http://127.0.0.1:$port"
up=0
for _ in $(seq 600); do
  up=$(curl -s "$base/metrics" | grep -c '^ontop_cluster_up{.*} 1' || true)
  [ "$up" -ge "$clusters" ] && break
  sleep 0.2
done
echo "fleet: $clusters simulated clusters, ${latency} ms latency; $up up in /metrics"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Median seconds of SCRAPES GETs of a path (with an optional Accept header), and bytes.
scrape() {
  local path=$1 accept=${2:-*/*}
  for _ in $(seq "$scrapes"); do
    curl -s -o /dev/null -H "Accept: $accept" -w '%{time_total} %{size_download}\n' "$base$path"
  done >"$work/scrape"
  echo "$(cut -d' ' -f1 "$work/scrape" | median) $(tail -1 "$work/scrape" | cut -d' ' -f2)"
}
timed() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true; tail -1 "$work/time"; }

read -r metrics_s metrics_b <<<"$(scrape /metrics)"
read -r om_s om_b <<<"$(scrape /metrics 'application/openmetrics-text;version=1.0.0')"
read -r json_s json_b <<<"$(scrape /api/status)"
read -r page_s page_b <<<"$(scrape /)"

: >"$work/status"
for _ in 1 2 3; do timed "$ontop" status --json --config "$work/fleet.toml" >>"$work/status"; done
status_wall=$(cut -d' ' -f1 "$work/status" | median)
: >"$work/python"
for _ in 1 2 3; do
  timed python3 scripts/python_sweep.py --config "$work/fleet.toml" --threads 32 >>"$work/python"
done
python_wall=$(cut -d' ' -f1 "$work/python" | median)

ticks=$(getconf CLK_TCK)
cpu0=$(awk '{print $14 + $15}' "/proc/$serve/stat")
for _ in 1 2 3 4 5 6; do curl -s -o /dev/null "$base/metrics"; sleep 5; done
cpu1=$(awk '{print $14 + $15}' "/proc/$serve/stat")
serve_cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$ticks" 'BEGIN {printf "%.1f", (b - a) / t / 30 * 100}')
serve_rss=$(awk '/VmRSS/ {print $2}' "/proc/$serve/status")
serve_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$serve/status")

ms() { awk -v s="$1" 'BEGIN {printf "%.1f", s * 1000}'; }
kib() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1024}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", a / b}'; }
printf '\n%-54s %s\n' "figure" "value"
printf '%-54s %s ms (%s KiB)\n' "scrape /metrics, classic text (median of $scrapes)" "$(ms "$metrics_s")" "$(kib "$metrics_b")"
printf '%-54s %s ms (%s KiB)\n' "scrape /metrics, OpenMetrics (median of $scrapes)" "$(ms "$om_s")" "$(kib "$om_b")"
printf '%-54s %s ms (%s KiB)\n' "GET /api/status (median of $scrapes)" "$(ms "$json_s")" "$(kib "$json_b")"
printf '%-54s %s ms (%s KiB)\n' "GET / (median of $scrapes)" "$(ms "$page_s")" "$(kib "$page_b")"
printf '%-54s %s s\n' "ontop status --json, asking every cluster (median of 3)" "$status_wall"
printf '%-54s %s s\n' "netapp-ontap, 32 threads, asking every cluster (median of 3)" "$python_wall"
printf '%-54s %s%% of one core\n' "ontop serve CPU over 30 s (polling every 5 s)" "$serve_cpu"
printf '%-54s %s MiB now, %s MiB peak\n' "ontop serve RSS" "$(mib "$serve_rss")" "$(mib "$serve_hwm")"
printf '%-54s %sx / %sx\n' "the fleet's state: sweep / scrape, python / scrape" \
  "$(ratio "$status_wall" "$metrics_s")" "$(ratio "$python_wall" "$metrics_s")"
