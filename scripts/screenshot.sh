#!/usr/bin/env bash
# Regenerates the README screenshots from a real run of `ontop demo`:
#
#   assets/demo.svg        the dashboard at 120x40, with colours
#   assets/demo-80x24.svg  the dashboard at 80x24, with colours
#   assets/demo.txt        the plain text of the 120x40 capture
#
# It builds the release binary, runs `ontop demo` in a detached tmux session of the
# wanted size on a private socket (`tmux -L ontop-shot`, so a user's own sessions are
# never touched), waits until the demo fleet has settled, captures the pane with its
# colours, quits with `q` and renders the capture with scripts/ansi_to_svg.py.
# The run's log goes to a temporary XDG_DATA_HOME that is removed on exit.
#
# Needs: cargo, tmux, python3. Safe to run again: every run rewrites the three files.
# SETTLE_TIMEOUT (seconds, default 30) bounds the wait for the fleet to settle.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

socket=ontop-shot
session="ontop-shot-$$"
settle_timeout=${SETTLE_TIMEOUT:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/ontop-shot.XXXXXX")

tm() { tmux -L "$socket" -f /dev/null "$@"; }

cleanup() {
    tm kill-session -t "$session" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in cargo tmux python3; do
    command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is needed" >&2; exit 1; }
done

echo "building the release binary..." >&2
cargo build --release --quiet
bin="$root/target/release/ontop"

# The dashboard has settled when the header counts the clusters, the slow cluster has
# answered (no row still says "waiting for the first answer", which 80 columns cut to
# "waiting for the first…") and the cluster whose download finishes during the demo
# shows as succeeded.
settled() {
    grep -Eq '^ *[0-9]+ clusters' <<<"$1" &&
        grep -Eq '✓ [1-9][0-9]* succeeded' <<<"$1" &&
        ! grep -q 'waiting for the first' <<<"$1"
}

# shoot COLS ROWS CAPTURE: runs the demo at COLS x ROWS and writes the pane, escapes
# included, to CAPTURE.
shoot() {
    local cols=$1 rows=$2 out=$3 screen size cmd deadline

    tm kill-session -t "$session" 2>/dev/null || true
    # A plain shell without the user's rc files, so nothing but the dashboard is on screen.
    tm new-session -d -s "$session" -x "$cols" -y "$rows" "env PS1='$ ' bash --noprofile --norc"
    tm set-option -t "$session" status off
    size=$(tm display-message -p -t "$session" '#{pane_width}x#{pane_height}')
    if [[ $size != "${cols}x${rows}" ]]; then
        echo "screenshot.sh: the tmux pane is $size, not ${cols}x${rows}" >&2
        exit 1
    fi
    mkdir -p "$work/data"
    tm send-keys -t "$session" "clear; env -u NO_COLOR XDG_DATA_HOME='$work/data' '$bin' demo" Enter

    deadline=$((SECONDS + settle_timeout))
    while true; do
        screen=$(tm capture-pane -p -t "$session")
        if settled "$screen"; then
            break
        fi
        if ((SECONDS >= deadline)); then
            echo "screenshot.sh: the demo did not settle within ${settle_timeout}s at ${cols}x${rows}; the screen was:" >&2
            printf '%s\n' "$screen" >&2
            exit 1
        fi
        sleep 0.25
    done
    # One more poll so the ages in the table are not all 0s.
    sleep 1.5
    # -e: with colours and attributes; -N: keep trailing spaces (a reverse-video row spans the width).
    tm capture-pane -e -N -p -t "$session" >"$out"

    tm send-keys -t "$session" q
    deadline=$((SECONDS + 10))
    while cmd=$(tm display-message -p -t "$session" '#{pane_current_command}' 2>/dev/null) && [[ $cmd == ontop ]]; do
        if ((SECONDS >= deadline)); then
            echo "screenshot.sh: ontop did not quit on q within 10s at ${cols}x${rows}" >&2
            exit 1
        fi
        sleep 0.1
    done
    tm kill-session -t "$session" 2>/dev/null || true
}

mkdir -p assets

echo "capturing 120x40..." >&2
shoot 120 40 "$work/demo-120x40.ansi"
python3 scripts/ansi_to_svg.py --cols 120 --rows 40 --title "ontop demo" \
    --plain "$work/demo.txt" <"$work/demo-120x40.ansi" >"$work/demo.svg"

echo "capturing 80x24..." >&2
shoot 80 24 "$work/demo-80x24.ansi"
python3 scripts/ansi_to_svg.py --cols 80 --rows 24 --title "ontop demo" \
    <"$work/demo-80x24.ansi" >"$work/demo-80x24.svg"

# Only replace the assets once everything has worked.
mv "$work/demo.svg" assets/demo.svg
mv "$work/demo-80x24.svg" assets/demo-80x24.svg
mv "$work/demo.txt" assets/demo.txt
echo "wrote assets/demo.svg, assets/demo-80x24.svg and assets/demo.txt" >&2
