#!/bin/bash
# The real workbench's memory while it retrains (issue 26): starts it under
# Xvfb on CORPUS (e.g. 20,000 ANT articles: the scale bench builds such a
# folder), waits 45 s, marks the first article done with Ctrl+Enter and
# rejects its pending proposals with Enter (which starts a retraining), then
# prints VmRSS and VmHWM (the peak) every 5 s for 150 s (retraining takes
# 36-75 s alone, longer beside other work).
#
#   scripts/gui_retrain_memory.sh CORPUS [KASHIF_BINARY]
#
# Needs Xvfb, xdotool, ImageMagick's convert (the last screenshot goes to
# /tmp/gui_retrain_memory.png). The annotations go to a fresh temporary
# folder, so no earlier retrained model is loaded from its cache.
set -eu
CORPUS=${1:?usage: $0 CORPUS [KASHIF_BINARY]}
BIN=${2:-target/release/kashif}
export DISPLAY=${DISPLAY:-:77}
pgrep -x Xvfb >/dev/null || { Xvfb "$DISPLAY" -screen 0 1600x1000x24 >/dev/null 2>&1 & sleep 2; }
ANN=$(mktemp -d)
XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} "$BIN" gui --corpus "$CORPUS" --annotations "$ANN" --annotator t >/dev/null 2>&1 &
PID=$!
trap 'kill -9 $PID 2>/dev/null; rm -rf "$ANN"' EXIT
sleep 45
echo "after 45 s: $(grep -E 'VmRSS|VmHWM' /proc/$PID/status | tr -s ' \t' ' ' | tr '\n' ' ')"
WID=$(xdotool search --pid $PID | tail -1)
xdotool windowfocus "$WID"; sleep 1
xdotool key ctrl+Return; sleep 2
xdotool key Return; sleep 1
for i in $(seq 1 30); do
    sleep 5
    echo "t+$((i * 5)) s: $(grep -E 'VmRSS|VmHWM' /proc/$PID/status | tr -s ' \t' ' ' | tr '\n' ' ')"
done
xwd -root -silent | convert xwd:- /tmp/gui_retrain_memory.png
