#!/usr/bin/env python3
"""`kashif tag` end to end beside the python-crfsuite peer, in turn, in one run.

What a user runs, timed from process start to exit (start, model load, read
stdin, tag, write stdout), on the same input for both taggers:

  kashif tag --format conll < in.conll > out.conll
  python crfsuite_peer.py tag model.crfsuite < in.conll > out.conll

The input is ANERcorp's training file twice over (`cat train.conll
train.conll`), cut after its first 250,070 token lines (blank lines kept):
the 250,070-token figure of issue 11. Rounds alternate which tagger goes
first; the figures are medians over the rounds, so a noisy shared machine
slows both alike. Prints each round, the medians, the ratio peer/kashif,
kashif's model load time (from `kashif tag --timings`) and both peak RSS
(from the kernel's rusage of each child).

Setup (once): the peer needs python-crfsuite in a virtual environment, e.g.

  python3 -m venv ~/.cache/venv-peer
  ~/.cache/venv-peer/bin/pip install python-crfsuite==0.9.12

Usage:

  scripts/bench_tag_e2e.py [--rounds 7] [--peer-python ~/.cache/venv-peer/bin/python]
                           [--kashif target/release/kashif] [--no-build] [--jobs N]

Without --kashif, it builds the release binary first (`cargo build --release
--bin kashif`, honouring CARGO_TARGET_DIR). Exit status 2 when a tagger fails
or writes a different number of lines than it read.
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

TOKENS = 250_070
REPO = Path(__file__).resolve().parent.parent


def find_shared() -> Path:
    # The repository sits next to `shared/` (or one more level down, in a worktree).
    for d in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (d / "peer" / "crfsuite_peer.py").exists():
            return d
    sys.exit("bench: cannot find shared/peer/crfsuite_peer.py next to the repository")


def make_input(train: Path, out: Path) -> int:
    """train.conll twice, cut after TOKENS token lines; returns the line count."""
    once = train.read_text(encoding="utf-8").splitlines()
    lines = []
    n = 0
    for line in once + once:
        if line.split():
            if n == TOKENS:
                break
            n += 1
        lines.append(line)
    if n != TOKENS:
        sys.exit(f"bench: {train} twice gives only {n} tokens, not {TOKENS}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def run(cmd, inp: Path, out: Path):
    """Wall seconds, peak RSS in KiB, stderr of one run."""
    with open(inp, "rb") as i, open(out, "wb") as o:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=i, stdout=o, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({code}): {err.decode(errors='replace')}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, err.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--kashif", help="a built kashif binary (default: build the release one)")
    ap.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    ap.add_argument("--jobs", type=int, help="pass --jobs N to kashif tag (default: all cores)")
    ap.add_argument(
        "--peer-python",
        default=os.environ.get("PEER_PYTHON", str(Path.home() / ".cache/venv-peer/bin/python")),
        help="python with python-crfsuite 0.9.12 (default: $PEER_PYTHON or ~/.cache/venv-peer/bin/python)",
    )
    args = ap.parse_args()

    shared = find_shared()
    peer = shared / "peer"
    if not Path(args.peer_python).exists():
        sys.exit(f"bench: no peer python at {args.peer_python} (see the setup in this script's help)")
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    kashif = Path(args.kashif) if args.kashif else target / "release" / "kashif"
    if not args.kashif and not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--bin", "kashif"], cwd=REPO, check=True)

    with tempfile.TemporaryDirectory(prefix="kashif-bench-") as tmp:
        tmp = Path(tmp)
        inp = tmp / "in.conll"
        nlines = make_input(shared / "data" / "anercorp" / "train.conll", inp)
        kcmd = [str(kashif), "tag", "--format", "conll", "--timings"]
        if args.jobs:
            kcmd += ["--jobs", str(args.jobs)]
        pcmd = [args.peer_python, str(peer / "crfsuite_peer.py"), "tag", str(peer / "model.crfsuite")]
        print(f"input: ANERcorp train.conll twice, first {TOKENS:,} tokens ({nlines:,} lines)")
        print(f"kashif: {' '.join(kcmd)}")
        print(f"peer:   {' '.join(pcmd)}")
        res = {"kashif": [], "peer": []}
        loads, rss = [], {"kashif": 0, "peer": 0}
        for r in range(args.rounds):
            order = ["kashif", "peer"] if r % 2 == 0 else ["peer", "kashif"]
            line = []
            for who in order:
                out = tmp / f"{who}.out"
                wall, maxrss, cpu, err = run(kcmd if who == "kashif" else pcmd, inp, out)
                got = sum(1 for _ in open(out, "rb"))
                if got != nlines:
                    sys.exit(f"bench: {who} wrote {got} lines for {nlines}")
                res[who].append(wall)
                rss[who] = max(rss[who], maxrss)
                if who == "kashif":
                    m = re.search(r"model load ([0-9.]+) ms", err)
                    if m:
                        loads.append(float(m.group(1)))
                line.append(f"{who} {wall:.3f} s (cpu {cpu:.2f} s)")
            print(f"round {r + 1}: " + ", ".join(line))
        k, p = statistics.median(res["kashif"]), statistics.median(res["peer"])
        print(f"median kashif {k:.3f} s = {TOKENS / k:,.0f} tokens/s end to end")
        print(f"median peer   {p:.3f} s = {TOKENS / p:,.0f} tokens/s end to end")
        print(f"ratio peer/kashif: {p / k:.2f} (median of rounds: "
              f"{statistics.median(b / a for a, b in zip(res['kashif'], res['peer'])):.2f})")
        if loads:
            print(f"kashif model load: median {statistics.median(loads):.1f} ms, best {min(loads):.1f} ms")
        print(f"peak RSS: kashif {rss['kashif'] / 1024:.1f} MiB, peer {rss['peer'] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
