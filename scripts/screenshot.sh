#!/usr/bin/env bash
# Starts the workbench on the seed articles under a virtual X server and
# writes a PNG of the whole screen, for anyone to look at the result.
#
#   scripts/screenshot.sh [OUT.png] [extra `kashif gui` arguments...]
#
# Needs: xvfb (Xvfb, xvfb-run), imagemagick (import), Mesa GL (libgl1-mesa-dri).
# With no arguments it shows tests/fixtures/seed_annotations.ron so entity
# boxes appear; any arguments replace that (e.g. `--annotator me`).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshot.png}")
shift || true
# Keep eframe's remembered settings out of the user's own.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
if [ -n "${KASHIF_BIN:-}" ]; then
    bin=$KASHIF_BIN
else
    # Build this checkout's binary and copy it away at once: a target folder
    # shared with other checkouts may be rebuilt under our feet.
    cargo build --quiet --bin kashif
    cp "${CARGO_TARGET_DIR:-target}/debug/kashif" "$state/kashif"
    bin=$state/kashif
fi
size=${SIZE:-1400x900}
wait_s=${WAIT:-8}
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
    args=(--annotator screenshot --fixture tests/fixtures/seed_annotations.ron)
fi
XDG_DATA_HOME=$state XDG_CONFIG_HOME=$state xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
    "$0" gui --corpus seeds --size "$1" "${@:4}" &
    pid=$!
    sleep "$2"
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid"
        echo "screenshot.sh: kashif exited before the screenshot" >&2
        exit 1
    fi
    import -window root "$3"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
' "$bin" "$size" "$wait_s" "$out" "${args[@]}"
echo "wrote $out"
