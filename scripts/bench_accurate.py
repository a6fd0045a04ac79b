#!/usr/bin/env python3
"""Both tiers of `kashif tag` on the held-out part of ANERcorp, end to end.

What it measures, for `--tagger fast` and `--tagger accurate` in turn, each
round timed from process start to exit (start, model load, read stdin, tag,
write stdout) as a user runs it:

  kashif tag --tagger T < heldout.conll > out.conll

The held-out part is the last 10 % of `../shared/data/anercorp/train.conll`
(lines 114,822 to the end: 13,957 tokens), the part no Kashif model was
trained on (see scripts/base_training_data.sh). Prints per round the wall
time, the median tokens per second of each tier, the accurate tier's model
load (from --timings), both peak RSS (the kernel's rusage of each child),
and the exact-span micro P/R/F1 of each tier's output (`kashif score`).

Usage:
  scripts/bench_accurate.py [--rounds 3] [--kashif PATH] [--no-build] [--jobs N]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HELDOUT_FIRST_LINE = 114_822


def find_shared() -> Path:
    for d in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (d / "data" / "anercorp" / "train.conll").exists():
            return d
    sys.exit("bench: cannot find shared/data/anercorp/train.conll next to the repository")


def run_rss(cmd, stdin_path, stdout_path):
    """(wall seconds, peak RSS in MiB, stderr) of one child."""
    t = time.perf_counter()
    with open(stdin_path, "rb") as i, open(stdout_path, "wb") as o, tempfile.TemporaryFile() as e:
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, i.fileno(), 0), (os.POSIX_SPAWN_DUP2, o.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, e.fileno(), 2)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t
        e.seek(0)
        err = e.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err}")
    return wall, ru.ru_maxrss / 1024, err


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kashif")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--jobs", type=int)
    args = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    kashif = args.kashif or str(target / "release" / "kashif")
    if not args.kashif and not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--bin", "kashif"], cwd=REPO, check=True)
    shared = find_shared()
    lines = (shared / "data" / "anercorp" / "train.conll").read_text(encoding="utf-8").splitlines()
    held = lines[HELDOUT_FIRST_LINE - 1:]
    tokens = sum(1 for l in held if l.strip())
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "heldout.conll"
        gold.write_text("\n".join(held) + "\n", encoding="utf-8")
        out = {t: Path(tmp) / f"{t}.conll" for t in ("fast", "accurate")}
        walls = {t: [] for t in out}
        rss = {t: 0.0 for t in out}
        load = []
        print(f"input: {tokens} tokens (held-out ANERcorp), {args.rounds} rounds, tiers in turn")
        for r in range(args.rounds):
            order = ["fast", "accurate"] if r % 2 == 0 else ["accurate", "fast"]
            for t in order:
                cmd = [kashif, "tag", "--tagger", t, "--timings"]
                if args.jobs:
                    cmd += ["--jobs", str(args.jobs)]
                wall, peak, err = run_rss(cmd, gold, out[t])
                walls[t].append(wall)
                rss[t] = max(rss[t], peak)
                m = re.search(r"accurate tier: ([0-9.]+) ms", err)
                if m:
                    load.append(float(m.group(1)))
                print(f"round {r + 1} {t:8}: {wall:7.3f} s, {tokens / wall:10.0f} tokens/s, peak RSS {peak:.0f} MiB")
        for t in out:
            med = statistics.median(walls[t])
            print(f"{t:8}: median {med:.3f} s = {tokens / med:.0f} tokens/s end to end, peak RSS {rss[t]:.0f} MiB")
        if load:
            print(f"accurate tier model load: median {statistics.median(load):.1f} ms")
        for t in out:
            res = subprocess.run([kashif, "score", str(gold), str(out[t])], capture_output=True, text=True)
            print(f"--- {t} tier, held-out exact-span scores (kashif score) ---\n{res.stdout.strip()}")


if __name__ == "__main__":
    main()
