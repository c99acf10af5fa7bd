#!/usr/bin/env bash
# Regenerates the README screenshots from a real run of `ontop demo`:
#
#   assets/demo.svg          36 clusters at 120x40 mid-change: a download running, one
#                            failed, a cluster gone quiet (STALE), one whose login was
#                            refused, and the site=ams clusters marked for a download
#   assets/demo-confirm.svg  the confirmation for the marked clusters: grouped by the URL
#                            each will fetch (the site mirror), and the one followed as is
#   assets/demo-details.svg  the details of the failed cluster, with what to do about it
#   assets/demo-80x24.svg    the dashboard at 80x24
#   assets/demo.txt          the plain text of the 120x40 capture
#
# It builds the release binary, runs `ontop demo` in a detached tmux session of the
# wanted size on a private socket (`tmux -L ontop-shot`, so a user's own sessions are
# never touched), types the keys a user would (filter, d, Enter, y, Enter), captures
# the pane with its colours, quits, and renders the captures with scripts/ansi_to_svg.py.
# The run's log goes to a temporary XDG_DATA_HOME that is removed on exit.
#
# Needs: cargo, tmux, python3. Safe to run again: every run rewrites the five files.
# SETTLE_TIMEOUT (seconds, default 90) bounds each wait.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

socket=ontop-shot
session="ontop-shot-$$"
settle_timeout=${SETTLE_TIMEOUT:-90}
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

# wait_for WHAT CHECK: polls the pane until the shell function CHECK accepts it (the
# screen is passed as $1), at most settle_timeout seconds.
wait_for() {
    local what=$1 check=$2 screen deadline=$((SECONDS + settle_timeout))
    while true; do
        screen=$(tm capture-pane -p -t "$session")
        if "$check" "$screen"; then
            return
        fi
        if ((SECONDS >= deadline)); then
            echo "screenshot.sh: gave up waiting for $what within ${settle_timeout}s; the screen was:" >&2
            printf '%s\n' "$screen" >&2
            exit 1
        fi
        sleep 0.25
    done
}

# The fleet is mid-change: every cluster has answered or failed once, one download runs,
# one has failed, and the cluster that goes quiet after 20 s shows as STALE.
settled() {
    grep -Eq '^ *[0-9]+ clusters' <<<"$1" &&
        grep -q '↓ running' <<<"$1" &&
        grep -q '✗ failure' <<<"$1" &&
        grep -q 'STALE' <<<"$1" &&
        ! grep -q 'waiting for the first' <<<"$1"
}
form_open() { grep -q 'Download a package' <<<"$1"; }
confirm_open() { grep -q 'Start this download?' <<<"$1"; }
marked() { grep -q 'marked the' <<<"$1"; }
every_row() { grep -q 'prod-nyc-1' <<<"$1" && ! grep -q '/site=ams' <<<"$1"; }
# The download started from the screen has ended: its row says success twice (the
# cluster's state and the JOB column).
just_finished() { grep -E '^[^a-z]{0,4}prod-ams-1 ' <<<"$1" | grep -q 'success.*success'; }
details_open() { grep -q '10551885' <<<"$1" && grep -q 'next step' <<<"$1"; }
one_row() { ! grep -q 'prod-nyc-1' <<<"$1"; }

keys() { tm send-keys -t "$session" "$@"; }

# start COLS ROWS: the demo in a fresh pane of that size.
start() {
    local cols=$1 rows=$2 size
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
    keys "clear; env -u NO_COLOR XDG_DATA_HOME='$work/data' '$bin' demo --clusters 36" Enter
}

# capture FILE: the pane with its colours (-e) and trailing spaces (-N: a reverse-video
# row spans the width).
capture() { tm capture-pane -e -N -p -t "$session" >"$1"; }

# quit: back to the table, q, and y if ontop asks (a followed download still runs),
# then wait for the exit.
quit() {
    local cmd deadline=$((SECONDS + 10))
    keys Escape
    sleep 0.5
    keys q
    sleep 0.5
    if tm capture-pane -p -t "$session" | grep -q 'Quit ontop?'; then
        keys y
    fi
    while cmd=$(tm display-message -p -t "$session" '#{pane_current_command}' 2>/dev/null) && [[ $cmd == ontop ]]; do
        if ((SECONDS >= deadline)); then
            echo "screenshot.sh: ontop did not quit within 10s" >&2
            exit 1
        fi
        sleep 0.1
    done
    tm kill-session -t "$session" 2>/dev/null || true
}

mkdir -p assets

echo "capturing 120x40: the fleet mid-change with marks, the confirmation, then the failed cluster's details..." >&2
start 120 40
wait_for "the fleet to settle" settled
# The site=ams clusters marked (the filter, a, then every row again).
keys "/site=ams" Enter
wait_for "the filter" one_row
keys a
wait_for "the marks" marked
keys Escape
wait_for "every row" every_row
sleep 1.5
capture "$work/demo-120x40.ansi"
# A download to the marked clusters, from their site's mirror, to its end.
keys d
wait_for "the download form" form_open
keys Enter
wait_for "the confirmation" confirm_open
sleep 0.5
capture "$work/confirm-120x40.ansi"
keys y
wait_for "the download to finish" just_finished
keys Escape
sleep 1
keys "/dr-fra-1" Enter
wait_for "the filter" one_row
keys Enter
wait_for "the details of dr-fra-1" details_open
sleep 0.5
capture "$work/details-120x40.ansi"
quit

echo "capturing 80x24..." >&2
start 80 24
wait_for "the fleet to settle" settled
sleep 1.5
capture "$work/demo-80x24.ansi"
quit

python3 scripts/ansi_to_svg.py --cols 120 --rows 40 --title "ontop demo" \
    --plain "$work/demo.txt" <"$work/demo-120x40.ansi" >"$work/demo.svg"
python3 scripts/ansi_to_svg.py --cols 120 --rows 40 --title "ontop demo: the confirmation" \
    <"$work/confirm-120x40.ansi" >"$work/demo-confirm.svg"
python3 scripts/ansi_to_svg.py --cols 120 --rows 40 --title "ontop demo: details" \
    <"$work/details-120x40.ansi" >"$work/demo-details.svg"
python3 scripts/ansi_to_svg.py --cols 80 --rows 24 --title "ontop demo" \
    <"$work/demo-80x24.ansi" >"$work/demo-80x24.svg"

# Only replace the assets once everything has worked.
mv "$work/demo.svg" assets/demo.svg
mv "$work/demo-details.svg" assets/demo-details.svg
mv "$work/demo-confirm.svg" assets/demo-confirm.svg
mv "$work/demo-80x24.svg" assets/demo-80x24.svg
mv "$work/demo.txt" assets/demo.txt
echo "wrote assets/demo.svg, assets/demo-confirm.svg, assets/demo-details.svg, assets/demo-80x24.svg and assets/demo.txt" >&2
