#!/usr/bin/env python3
"""Pools the exact-span scores of several `kashif train --dry-run` outputs.

The development protocol of docs/model.md trains on each file written by
scripts/dev_folds.py and scores its held-out block; this sums gold, pred and
tp per label over the runs and prints pooled P / R / F1 per label and micro.

Usage: python3 scripts/dev_pool.py RUN_OUTPUT...   (the stdout of each run)
Python 3 standard library only.
"""

import sys


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sums = {}
    for path in sys.argv[1:]:
        seen = False
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 7 and parts[0] != "label" and parts[0] != "micro":
                    try:
                        g, p, t = int(parts[4]), int(parts[5]), int(parts[6])
                    except ValueError:
                        continue
                    s = sums.setdefault(parts[0], [0, 0, 0])
                    s[0] += g
                    s[1] += p
                    s[2] += t
                    seen = True
        if not seen:
            print("%s: no score table found" % path, file=sys.stderr)
            return 1
    def row(name, g, p, t):
        pr = t / p if p else 0.0
        rc = t / g if g else 0.0
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        print("%-6s %7.4f %7.4f %7.4f %6d %6d %6d" % (name, pr, rc, f1, g, p, t))
    print("%-6s %7s %7s %7s %6s %6s %6s" % ("label", "P", "R", "F1", "gold", "pred", "tp"))
    tot = [0, 0, 0]
    for name in sorted(sums):
        row(name, *sums[name])
        tot = [a + b for a, b in zip(tot, sums[name])]
    row("micro", *tot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
