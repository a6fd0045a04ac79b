#!/bin/bash
# Frame times of the real workbench while annotating (issue 26): starts it
# under Xvfb on CORPUS (e.g. 20,000 ANT articles: the scale bench builds
# such a folder) with KASHIF_FIRST_FRAME set so it tells every frame's time
# on standard error, waits WAIT seconds (default 30) for the first article
# and its proposals, then accepts the first article's proposals one by one
# (Tab then Enter, 18 times), marks it done (Ctrl+Enter) and accepts once
# more, and prints the frames laid out from the first key on: how many,
# their median, p99 and longest, and the ten longest with when they came.
#
#   scripts/gui_frames.sh CORPUS [KASHIF_BINARY] [WAIT]
#
# Needs Xvfb and xdotool. The annotations go to a fresh temporary folder.
# The times are the workbench's own work per frame (layout and what the
# keys do), not painting (llvmpipe paints a frame in about 100 ms here).
set -eu
CORPUS=${1:?usage: $0 CORPUS [KASHIF_BINARY] [WAIT]}
BIN=${2:-target/release/kashif}
WAIT=${3:-30}
export DISPLAY=${DISPLAY:-:77}
pgrep -x Xvfb >/dev/null || { Xvfb "$DISPLAY" -screen 0 1600x1000x24 >/dev/null 2>&1 & sleep 2; }
ANN=$(mktemp -d)
LOG=$(mktemp)
KASHIF_FIRST_FRAME=100000000 XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} \
    "$BIN" gui --corpus "$CORPUS" --annotations "$ANN" --annotator t >/dev/null 2>"$LOG" &
PID=$!
trap 'kill -9 $PID 2>/dev/null; rm -rf "$ANN" "$LOG"' EXIT
sleep "$WAIT"
WID=$(xdotool search --pid $PID | tail -1)
xdotool windowfocus "$WID"; sleep 1
FROM=$(grep -c 'laid out' "$LOG" || true)
for i in $(seq 1 18); do
    xdotool key Tab; sleep 0.6
    xdotool key Return; sleep 1.2
done
xdotool key ctrl+Return; sleep 3
xdotool key Tab; sleep 0.6
xdotool key Return; sleep 4
tail -n +"$((FROM + 1))" "$LOG" | grep 'laid out' | python3 -c '
import re, sys
rows = [(float(m.group(2)), float(m.group(1))) for m in
        (re.search(r"laid out (\d+) ms after start, in ([\d.]+) ms", l) for l in sys.stdin) if m]
if not rows:
    sys.exit("no frames were told")
times = sorted(t for t, _ in rows)
q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
print(f"{len(times)} frames from the first key: median {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, "
      f"longest {times[-1]:.1f} ms; over 16 ms: {sum(t > 16 for t in times)}")
print("longest ten (ms, at ms after start):",
      ", ".join(f"{t:.0f} at {a:.0f}" for t, a in sorted(rows, reverse=True)[:10]))
'
