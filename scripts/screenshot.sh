#!/usr/bin/env bash
# Starts the workbench on the seed articles under a virtual X server and
# writes a PNG of the whole screen, for anyone to look at the result.
#
#   scripts/screenshot.sh [OUT.png] [extra `kashif gui` arguments...]
#
# Needs: xvfb (Xvfb, xvfb-run), imagemagick (import), Mesa GL (libgl1-mesa-dri).
# By default it shows tests/fixtures/seed_annotations.ron so entity boxes
# appear; pass `--fixture ''`-less arguments of your own to override.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshot.png}")
shift || true
target=${CARGO_TARGET_DIR:-target}
bin=${KASHIF_BIN:-$target/debug/kashif}
if [ ! -x "$bin" ]; then
    cargo build --bin kashif
fi
size=${SIZE:-1400x900}
wait_s=${WAIT:-8}
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
    args=(--annotator screenshot --fixture tests/fixtures/seed_annotations.ron)
fi
# Keep eframe's remembered settings out of the user's own.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
XDG_DATA_HOME=$state XDG_CONFIG_HOME=$state xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
    "$0" gui --corpus seeds --size "$1" "${@:4}" &
    pid=$!
    sleep "$2"
    import -window root "$3"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
' "$bin" "$size" "$wait_s" "$out" "${args[@]}"
echo "wrote $out"
