#!/usr/bin/env bash
# The fleet benchmark: ontop beside the vendor's Python client, in one run, against the
# same simulated fleet.
#
#   scripts/bench-fleet.sh [CLUSTERS] [LATENCY_MS] [RUNS]      (default 1000 50 3)
#
# It starts `ontop sim --clusters N --latency-ms L`, then measures:
#   - `ontop status`: wall time, peak RSS and CPU, median of RUNS, and the CPU the
#     simulator spent answering it: on one machine both share its cores, so their sum
#     over the cores is the fastest a sweep can be here, whatever the client does;
#   - the official Python client (`scripts/python_sweep.py`, same questions): with 32
#     threads, median of RUNS; and one cluster after the other on a sample of 50,
#     scaled to the fleet;
#   - the dashboard on the fleet (in tmux, 120x40, polling every 5 s): CPU over 60 s
#     once it has settled, and peak RSS. Settled means SETTLE seconds (default 300),
#     some 60 polls: a growth that comes only after a few dozen requests (connections
#     kept in reqwest's pool took 9 KiB more each at their 33rd) shows by then, and an
#     earlier figure could flatter the dashboard;
# and prints each figure and each ratio. Needs: a Rust toolchain, python3 with
# netapp-ontap, tmux, /usr/bin/time. Nothing here asserts a time: it measures.
# ONTOP=path/to/ontop measures that binary instead of a fresh release build (an older
# build, for a before-and-after on the same machine).
set -euo pipefail
cd "$(dirname "$0")/.."

clusters=${1:-1000}
latency=${2:-50}
runs=${3:-3}
sample=50

if [ -n "${ONTOP:-}" ]; then
  ontop=$(realpath "$ONTOP")
else
  cargo build --release -q
  ontop=$PWD/target/release/ontop
fi
work=$(mktemp -d)
session="ontop-bench-$$"
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$ontop" sim --clusters "$clusters" --latency-ms "$latency" \
  --write-config "$work/fleet.toml" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 600); do [ -s "$work/fleet.toml" ] && break; sleep 0.1; done
[ -s "$work/fleet.toml" ] || { cat "$work/sim.log"; echo "the simulator did not start"; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Wall seconds, peak KiB and CPU seconds of one command, as "SECONDS KIB CPU".
timed() {
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
  tail -1 "$work/time" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}'
}
ticks=$(getconf CLK_TCK)
sim_cpu() { awk '{print $14 + $15}' "/proc/$sim/stat"; }

echo "fleet: $clusters simulated clusters, ${latency} ms latency, $runs runs each"

: >"$work/status"
sim0=$(sim_cpu)
for _ in $(seq "$runs"); do timed "$ontop" status --config "$work/fleet.toml" >>"$work/status"; done
sim1=$(sim_cpu)
status_wall=$(cut -d' ' -f1 "$work/status" | median)
status_rss=$(cut -d' ' -f2 "$work/status" | median)
status_cpu=$(cut -d' ' -f3 "$work/status" | median)
sim_per_sweep=$(awk -v a="$sim0" -v b="$sim1" -v t="$ticks" -v n="$runs" 'BEGIN {printf "%.2f", (b - a) / t / n}')
cores=$(nproc)
floor=$(awk -v a="$status_cpu" -v b="$sim_per_sweep" -v c="$cores" 'BEGIN {printf "%.2f", (a + b) / c}')
answered=$(grep -c not_started "$work/out" || true)

: >"$work/python"
for _ in $(seq "$runs"); do
  timed python3 scripts/python_sweep.py --config "$work/fleet.toml" --threads 32 >>"$work/python"
done
python_wall=$(cut -d' ' -f1 "$work/python" | median)
python_cpu=$(cut -d' ' -f3 "$work/python" | median)
python_answered=$(grep -c not_started "$work/out" || true)
sequential=$(timed python3 scripts/python_sweep.py --config "$work/fleet.toml" --threads 1 --sample "$sample" | cut -d' ' -f1)
sequential_fleet=$(awk -v s="$sequential" -v n="$clusters" -v k="$sample" 'BEGIN {printf "%.1f", s * n / k}')

tmux new-session -d -s "$session" -x 120 -y 40 \
  "XDG_DATA_HOME=$work/data exec $ontop --config $work/fleet.toml"
sleep "${SETTLE:-300}"
pid=$(pgrep -f "^$ontop --config $work/fleet.toml" | head -1)
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 60
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
dash_rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
dash_cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$ticks" 'BEGIN {printf "%.1f", (b - a) / t / 60 * 100}')

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
printf '\n%-58s %s\n' "figure" "value"
printf '%-58s %s s (%s of %s answered)\n' "ontop status, wall (median)" "$status_wall" "$answered" "$clusters"
printf '%-58s %s MiB\n' "ontop status, peak RSS (median)" "$(mib "$status_rss")"
printf '%-58s %s s\n' "ontop status, CPU (user + system, median)" "$status_cpu"
printf '%-58s %s s\n' "the simulator's CPU per ontop sweep (mean)" "$sim_per_sweep"
printf '%-58s %s s\n' "both CPUs over this machine's $cores cores: a sweep's floor" "$floor"
printf '%-58s %s s (%s answered)\n' "netapp-ontap, 32 threads, wall (median)" "$python_wall" "$python_answered"
printf '%-58s %s s\n' "netapp-ontap, 32 threads, CPU (user + system, median)" "$python_cpu"
printf '%-58s %s s (%s s for %s, scaled)\n' "netapp-ontap, one after the other, wall" "$sequential_fleet" "$sequential" "$sample"
printf '%-58s %sx\n' "ontop status faster than netapp-ontap with 32 threads" "$(ratio "$python_wall" "$status_wall")"
printf '%-58s %sx\n' "ontop status faster than netapp-ontap one by one" "$(ratio "$sequential_fleet" "$status_wall")"
printf '%-58s %s %% of a core\n' "dashboard at 5 s, CPU over 60 s once settled" "$dash_cpu"
printf '%-58s %s MiB\n' "dashboard, peak RSS" "$(mib "$dash_rss")"
