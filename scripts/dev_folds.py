#!/usr/bin/env python3
"""Writes development folds of ANERcorp's training part for steadier tuning.

The first 90% of train.conll (3,694 sentences, `head -n 114821`) is cut into
nine blocks; for blocks 0, 2, 4, 6 a file is written with that block of 410
sentences moved to the end, so `kashif train --holdout-fraction 0.1111`
holds it out. Together with the development part itself (block 8, the file
`head -n 114821 train.conll` as it is) that gives five scored parts, ~4,800
entities instead of ~950: one part moves by about one point of F1 with the
shuffle seed alone. The held-out last 10% is never read.

Usage: python3 scripts/dev_folds.py TRAIN_CONLL OUT_DIR
Writes OUT_DIR/dev8.conll (the development part) and OUT_DIR/dev{0,2,4,6}.conll.
"""

import os
import sys

TRAIN_LINES = 114821
HELD = 410


def sentences(lines):
    out, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = [next(f) for _ in range(TRAIN_LINES)]
    sents = sentences(lines)
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "dev8.conll"), "w", encoding="utf-8") as f:
        f.writelines(lines)
    n = len(sents)
    for k in (0, 2, 4, 6):
        a = k * n // 9
        order = sents[:a] + sents[a + HELD:] + sents[a:a + HELD]
        with open(os.path.join(sys.argv[2], "dev%d.conll" % k), "w", encoding="utf-8") as f:
            for s in order:
                f.write("".join(s) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
