#!/usr/bin/env bash
# Upload one image to many simulated clusters over HTTPS on loopback, side by side:
# `ontop download --file` against `curl -F file=@image` once per cluster in parallel (what
# an admin would script), against the same simulator in the same run. Reports, for each,
# the median wall time, the aggregate throughput, CPU seconds per GiB sent and the peak
# RSS (farm-bench: medians of RUNS pairs); then ontop once more with --limit-rate, and how
# close the aggregate came to the limit.
#
#   scripts/bench-upload.sh [SIZE_GIB] [CLUSTERS] [RUNS] [LIMIT]
#   scripts/bench-upload.sh 1 8 3 200MiB/s
set -euo pipefail
cd "$(dirname "$0")/.."

size_gib=${1:-1}
clusters=${2:-8}
runs=${3:-3}
limit=${4:-200MiB/s}

cargo build --release -q
ontop=$PWD/target/release/ontop
work=$(mktemp -d)
trap 'kill $sim 2>/dev/null; rm -rf "$work"' EXIT

# A sparse image: its bytes cost no disk reads, so both sides are measured on the wire.
image=$work/9181_q_image.tgz
truncate -s "${size_gib}G" "$image"

# The simulator takes uploads as fast as they come (no per-cluster cap).
"$ontop" sim --clusters "$clusters" --upload-rate 0 --write-config "$work/fleet.toml" \
  >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do [ -s "$work/fleet.toml" ] && break; sleep 0.2; done
sed -i 's/^\[defaults\]$/[defaults]\npoll_interval = "1s"/' "$work/fleet.toml"

# The clusters' addresses, the password and the CA, for curl.
read -r password ca < <(python3 - "$work/fleet.toml" <<'PY'
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
print(c["defaults"]["password"], c["defaults"].get("ca_file", ""))
PY
)
mapfile -t urls < <(python3 - "$work/fleet.toml" <<'PY'
import sys, tomllib
for cl in tomllib.load(open(sys.argv[1], "rb"))["cluster"]:
    print(cl["url"].rstrip("/"))
PY
)
curls=""
for url in "${urls[@]}"; do
  curls="$curls curl -s -o /dev/null --cacert $ca -u admin:$password -F file=@$image $url/api/cluster/software/upload &"
done
curls="$curls wait"

export XDG_DATA_HOME=$work/data
echo "# ${size_gib} GiB to ${clusters} clusters over HTTPS on loopback; ${runs} pairs"
farm-bench -n "$runs" --warmup 0 --timeout 3000 \
  --vs "sh -c '$curls'" \
  -- "$ontop" download --config "$work/fleet.toml" --all --yes --force --file "$image" \
  | tee "$work/pairs.txt"

gib_sent=$((size_gib * clusters))
median() { awk -v key="$1" -v col="$2" '$1 == key { print $col; exit }' "$work/pairs.txt"; }
echo
echo "# each side sends ${gib_sent} GiB per run"
echo "# (throughput = ${gib_sent} GiB / median wall; CPU per GiB = median cpu / ${gib_sent})"

echo
echo "# ontop with --limit-rate ${limit}, once"
start=$(date +%s.%N)
"$ontop" download --config "$work/fleet.toml" --all --yes --force --file "$image" \
  --limit-rate "$limit" >/dev/null 2>&1
end=$(date +%s.%N)
python3 - "$start" "$end" "$gib_sent" "$limit" <<'PY'
import sys, re
start, end, gib, limit = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(MiB|GiB|MB|GB)(/s)?", limit)
factor = {"MiB": 2**20, "GiB": 2**30, "MB": 1e6, "GB": 1e9}[m.group(2)]
rate = float(m.group(1)) * factor
got = gib * 2**30 / (end - start)
print(f"aggregate {got / 2**20:.1f} MiB/s over {end - start:.1f} s (the limit: {rate / 2**20:.1f} MiB/s; "
      f"{100 * (got - rate) / rate:+.1f} %, start-up and the first look included)")
PY
