#!/usr/bin/env python3
"""Silver training data for the fast tagger: ANT news labelled by the accurate tier.

Why (issue 12, point 5): the fast tagger learns from 111k gold tokens; the
accurate tier can label the 2.3 million unlabelled tokens of the ANT news
corpus. This script cuts ANT articles (`../shared/data/ant-news`, Apache-2.0)
into ANERcorp-style tokens (whitespace words, punctuation split off, clitics
left attached) and sentences (at . ! ? ؟ and line breaks, at most 60 tokens),
takes the first --tokens tokens in archive order, and has
`kashif tag --tagger accurate` label them. The output is CoNLL (`word TAG`,
blank line between sentences; persons written `PERS`, ANERcorp's tag) for
`kashif train --extra FILE`. Measured (docs/model.md, "Silver data for the
fast tier"): the default 300,000 tokens raise the fast tagger's held-out F1
from 0.7125 to 0.7527; the first 150,000 only to 0.7211, with ORG lower.

Usage:
  python3 scripts/encoder/silver_ant.py --out assets/train/silver_ant.conll \
      [--tokens 300000] [--kashif PATH]
"""
import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile

PUNCT = ".,،؛;:!?؟\"'()[]{}«»<>/\\|*+=~^%$#@&_…–—-"
TOKEN = re.compile(r"[^\s" + re.escape(PUNCT) + r"]+|[" + re.escape(PUNCT) + r"]")


def sentences(path):
    part = re.compile(r"<(TITLE|TEXT)>(.*?)</\1>", re.S)
    with tarfile.open(path, "r:gz") as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")),
                         key=lambda m: m.offset)
        for m in members:
            raw = tar.extractfile(m).read().decode("utf-8", errors="replace")
            for _, text in part.findall(raw):
                for line in text.split("\n"):
                    cur = []
                    for tok in TOKEN.findall(line):
                        cur.append(tok)
                        if tok in ".!?؟" or len(cur) >= 60:
                            if len(cur) > 2:
                                yield cur
                            cur = []
                    if len(cur) > 2:
                        yield cur


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tokens", type=int, default=300_000)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--kashif", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "kashif"))
    args = ap.parse_args()
    n = 0
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".conll", delete=False) as f:
        for s in sentences(os.path.join(args.data, "ant-news", "antcorpus-v1.1.tar.gz")):
            f.write("\n".join(s) + "\n\n")
            n += len(s)
            if n >= args.tokens:
                break
        tmp = f.name
    with open(tmp, "rb") as i, open(args.out, "wb") as o:
        r = subprocess.run([args.kashif, "tag", "--tagger", "accurate", "--timings"], stdin=i, stdout=o,
                           stderr=subprocess.PIPE)
    os.unlink(tmp)
    sys.stderr.write(r.stderr.decode(errors="replace"))
    if r.returncode != 0:
        sys.exit(r.returncode)
    # ANERcorp's tag for persons, as in the base data.
    with open(args.out, encoding="utf-8") as f:
        lines = [re.sub(r"-PER$", "-PERS", l.rstrip("\n")) for l in f]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}: {n} tokens labelled by the accurate tier")


if __name__ == "__main__":
    main()
