#!/usr/bin/env python3
"""Silver training data for the fast tagger: ANT news labelled by two fine-tuned encoders.

Why (issues 11 and 12, point 5): the fast tagger learns from 111k gold
tokens; the accurate tier can label the unlabelled ANT news corpus
(`../shared/data/ant-news`, Apache-2.0). This script cuts ANT articles into
ANERcorp-style tokens (whitespace words, punctuation split off, clitics left
attached) and sentences (at . ! ? ؟ and line breaks, at most 60 tokens, more
than 2), and has `kashif tag --tagger accurate` label them with the encoder
in `--encoder` and, with `--agree-with DIR`, again with a second encoder.

The shipped `assets/train/silver_ant.conll` (docs/model.md, "Silver data
for the fast tier") is built by:

  # the two fine-tunes that labelled it, from this repository's history:
  # da26ef9 (ANERcorp only) and 77c2c41 (WikiFANE, then ANERcorp; the
  # accurate tier until the encoder was pre-trained on this very file)
  for c in da26ef9 77c2c41; do mkdir -p /tmp/enc-$c
      for f in config.json model.safetensors tokenizer.json; do
          git show $c:assets/encoder/$f > /tmp/enc-$c/$f; done; done
  python3 scripts/encoder/silver_ant.py --out assets/train/silver_ant.conll \\
      --tokens 0 --encoder /tmp/enc-da26ef9 --agree-with /tmp/enc-77c2c41 \\
      --entities-only --every 2

that is: all of ANT (1,340,276 tokens, about 17 minutes per encoder on 2
cores), the sentences both encoders label alike, of those the ones holding
an entity, every second one (9,789 sentences, 255,745 tokens).

Selection rules (`--agree-with`, `--entities-only`, `--every K`) apply in
that order, to sentences in archive order. `--labelled A.conll [B.conll]`
skips the labelling and selects from files this script labelled before
(`--keep-labelled` writes them): the check that a shipped file is what the
rules give.

The output is CoNLL (`word TAG`, blank line between sentences; persons
written `PERS`, ANERcorp's tag) for `kashif train --extra FILE`.
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


def blocks_of(path):
    """The sentences of a CoNLL file, each as its lines joined, PER written PERS."""
    with open(path, encoding="utf-8") as f:
        blocks = [b.strip("\n") for b in f.read().split("\n\n") if b.strip()]
    return ["\n".join(re.sub(r"-PER$", "-PERS", l) for l in b.split("\n")) for b in blocks]


def label(kashif, encoder, text_path, out_path):
    env = dict(os.environ)
    if encoder:
        env["KASHIF_ENCODER"] = encoder
    with open(text_path, "rb") as i, open(out_path, "wb") as o:
        r = subprocess.run([kashif, "tag", "--tagger", "accurate", "--timings"], stdin=i, stdout=o,
                           stderr=subprocess.PIPE, env=env)
    sys.stderr.write(r.stderr.decode(errors="replace"))
    if r.returncode != 0:
        sys.exit(r.returncode)


def select(first, second, entities_only, every):
    if second is not None and len(second) != len(first):
        sys.exit(f"the two labellings have {len(first)} and {len(second)} sentences")
    kept = first if second is None else [a for a, b in zip(first, second) if a == b]
    if entities_only:
        kept = [b for b in kept if re.search(r" [BI]-", b)]
    return kept[::max(every, 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tokens", type=int, default=300_000,
                    help="label the first N tokens of ANT (0 = all of it)")
    ap.add_argument("--encoder", help="folder of the labelling encoder (default: the kashif default)")
    ap.add_argument("--agree-with", help="folder of a second encoder; keep the sentences both label alike")
    ap.add_argument("--entities-only", action="store_true", help="keep only sentences holding an entity")
    ap.add_argument("--every", type=int, default=1, help="keep every K-th sentence (the first, the K+1-th, ...)")
    ap.add_argument("--labelled", nargs="+", metavar="CONLL",
                    help="select from these labellings (first encoder, second encoder) instead of labelling")
    ap.add_argument("--keep-labelled", metavar="PREFIX",
                    help="also write the whole labellings as PREFIX.1.conll (and PREFIX.2.conll)")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--kashif", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "kashif"))
    args = ap.parse_args()
    if args.labelled:
        first = blocks_of(args.labelled[0])
        second = blocks_of(args.labelled[1]) if len(args.labelled) > 1 else None
    else:
        n = 0
        with tempfile.TemporaryDirectory() as tmp:
            text = os.path.join(tmp, "ant.conll")
            with open(text, "w", encoding="utf-8") as f:
                for s in sentences(os.path.join(args.data, "ant-news", "antcorpus-v1.1.tar.gz")):
                    f.write("\n".join(s) + "\n\n")
                    n += len(s)
                    if args.tokens and n >= args.tokens:
                        break
            label(args.kashif, args.encoder, text, os.path.join(tmp, "1.conll"))
            first = blocks_of(os.path.join(tmp, "1.conll"))
            second = None
            if args.agree_with:
                label(args.kashif, args.agree_with, text, os.path.join(tmp, "2.conll"))
                second = blocks_of(os.path.join(tmp, "2.conll"))
            if args.keep_labelled:
                for i, b in enumerate([first] + ([second] if second else []), 1):
                    with open(f"{args.keep_labelled}.{i}.conll", "w", encoding="utf-8") as f:
                        f.write("".join(x + "\n\n" for x in b))
    kept = select(first, second, args.entities_only, args.every)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("".join(b + "\n\n" for b in kept))
    tokens = sum(b.count("\n") + 1 for b in kept)
    print(f"wrote {args.out}: {len(kept)} of {len(first)} sentences, {tokens} tokens")


if __name__ == "__main__":
    main()
