#!/usr/bin/env bash
# Kill -9 while annotating, restart, and check the edits are on disk.
#
#   scripts/crash_demo.sh [OUT_DIR]
#
# Starts the workbench on seeds/ under Xvfb with a fresh annotations folder,
# types keys with xdotool (Tab: focus the first proposal, Enter: accept it,
# Enter: accept the next, X: reject the one after, 1: relabel... see below),
# waits 1.5 s, kills the process with SIGKILL, prints the RON file it left,
# restarts the workbench and takes a screenshot of the restarted window.
# Needs: xvfb, xdotool, imagemagick (import).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-/tmp/kashif-crash}")
rm -rf "$out"
mkdir -p "$out/ann" "$out/state"
bin=${KASHIF_BIN:-${CARGO_TARGET_DIR:-target}/debug/kashif}
export XDG_DATA_HOME=$out/state XDG_CONFIG_HOME=$out/state
display=:$((70 + RANDOM % 20))
Xvfb "$display" -screen 0 1400x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=$display
start() {
    "$bin" gui --corpus seeds --annotations "$out/ann" --annotator crash --size 1400x900 \
        >"$out/gui-$1.log" 2>&1 &
    echo $!
}
pid=$(start 1)
sleep "${WAIT:-8}"
wid=$(xdotool search --name Kashif | head -1)
xdotool mousemove 700 450 windowfocus --sync "$wid"
# Tab: first proposal; Enter twice: accept two; x: reject the next;
# Tab then 1: relabel... the fourth as PER (accept as PER).
for k in Tab Return Return x 1; do
    xdotool key --delay 150 "$k"
    sleep 0.3
done
sleep 1.5
import -window root "$out/before-kill.png"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
echo "--- killed $pid with SIGKILL; files left:"
find "$out/ann" -type f | sort
for f in "$out"/ann/crash/*.ron; do
    echo "--- $f"
    cat "$f"
done
pid=$(start 2)
sleep "${WAIT:-8}"
import -window root "$out/after-restart.png"
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "--- screenshots: $out/before-kill.png $out/after-restart.png"
