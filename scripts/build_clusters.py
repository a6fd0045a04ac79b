#!/usr/bin/env python3
"""Builds the word clusters of Kashif's tagger (assets/clusters/clusters.tsv).

Word representations from unlabelled text: a name never seen in the labelled
data still lands near the names used the same way (football clubs near
clubs, ministries near ministries), so the tagger's `clusters` feature group
can generalise from the ones it has seen.

Text (unlabelled; tags ignored):
  * ANT corpus v1.1 (../shared/data/ant-news/antcorpus-v1.1.tar.gz, Apache-2.0,
    Chouigui et al. 2017): the <TITLE> and <TEXT> of its 10,161 articles;
  * WikiFANE Gold as prepared by scripts/prepare_training_data.py
    (assets/train/wikifane.conll, CC BY-SA 3.0): its tokens;
  * ANERcorp's TRAINING part (the first 114,821 lines of train.conll, CC BY-SA
    4.0); the held-out last 10 % is never read.

Steps: tokenise (whitespace, punctuation split off), normalise as Kashif's
`arabic::normalize` does (hamza-carrying alef -> ا, ى -> ي, ة -> ه, marks,
tatweel and direction marks dropped, Arabic-Indic digits -> ASCII, Latin
lower-cased), train skip-gram word2vec (gensim, one worker, fixed seed),
then k-means (scikit-learn, fixed random_state, one thread) over the unit
vectors of every word seen at least MIN_COUNT times, at 64, 256 and 1,024
clusters. Output: `word<TAB>c64<TAB>c256<TAB>c1024`, sorted by word.

Pinned: gensim==4.3.3, scikit-learn==1.5.2, numpy==1.26.4, scipy==1.13.1
  pip install gensim==4.3.3 scikit-learn==1.5.2 numpy==1.26.4 scipy==1.13.1
Usage:
  python3 scripts/build_clusters.py            # writes assets/clusters/clusters.tsv
  python3 scripts/build_clusters.py --check    # exit 0 = the committed file is what it builds
Deterministic: one worker thread, fixed seeds and PYTHONHASHSEED=0 (set by
re-executing itself), so a rerun gives the same bytes. Takes ~5 minutes on
one core.
"""

import argparse
import io
import os
import re
import sys
import tarfile

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    os.execv(sys.executable, [sys.executable] + sys.argv)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_CANDIDATES = [
    os.path.join(REPO, "..", "shared", "data"),
    os.path.join(REPO, "..", "..", "shared", "data"),
]
ANERCORP_TRAIN_LINES = 114821
MIN_COUNT = 3
DIM = 100
WINDOW = 5
EPOCHS = 5
SEED = 7
SIZES = (64, 256, 1024)
VERSIONS = {"gensim": "4.3.3", "sklearn": "1.5.2", "numpy": "1.26.4"}

MARKS = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08ca-\u08ff]")
INVISIBLE = re.compile("[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "\u0672": "ا", "\u0673": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ة": "ه", "ک": "ك",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
})
# Punctuation split off words, as ANERcorp's tokens have it.
# Arabic comma, semicolon, question mark and percent/decimal signs are
# punctuation, not letters.
TOKEN = re.compile(r"(?:(?![\u060c\u061b\u061f\u066a-\u066d])[\w\u0600-\u06ff])+|[^\s\w]", re.UNICODE)


def normalize(tok):
    tok = INVISIBLE.sub("", MARKS.sub("", tok)).translate(FOLD)
    return "".join(c.lower() if c.isupper() and len(c.lower()) == 1 else c for c in tok)


def ant_sentences(path):
    part = re.compile(r"<(TITLE|TEXT)>(.*?)</\1>", re.S)
    with tarfile.open(path, "r:gz") as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")), key=lambda m: m.name)
        for m in members:
            raw = tar.extractfile(m).read().decode("utf-8", errors="replace")
            for _, text in part.findall(raw):
                for line in re.split(r"[\n.!?؟]+", text):
                    toks = [normalize(t) for t in TOKEN.findall(line)]
                    toks = [t for t in toks if t]
                    if len(toks) > 1:
                        yield toks


def conll_sentences(path, max_lines=None):
    cur = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if max_lines is not None and n > max_lines:
                break
            parts = line.split()
            if not parts:
                if cur:
                    yield cur
                cur = []
                continue
            t = normalize(parts[0])
            if t:
                cur.append(t)
    if cur:
        yield cur


def build(data):
    import gensim
    import numpy as np
    import sklearn
    from gensim.models import Word2Vec
    from sklearn.cluster import KMeans

    have = {"gensim": gensim.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__}
    if have != VERSIONS:
        print("warning: versions %s differ from the pinned %s; the output may differ" % (have, VERSIONS), file=sys.stderr)
    sents = list(ant_sentences(os.path.join(data, "ant-news", "antcorpus-v1.1.tar.gz")))
    sents += list(conll_sentences(os.path.join(REPO, "assets", "train", "wikifane.conll")))
    sents += list(conll_sentences(os.path.join(data, "anercorp", "train.conll"), ANERCORP_TRAIN_LINES))
    print("%d sentences, %d tokens" % (len(sents), sum(map(len, sents))), file=sys.stderr)
    model = Word2Vec(
        sentences=sents, vector_size=DIM, window=WINDOW, min_count=MIN_COUNT, sg=1, negative=5,
        sample=1e-4, workers=1, seed=SEED, epochs=EPOCHS,
    )
    words = sorted(model.wv.index_to_key)
    vecs = np.stack([model.wv[w] for w in words]).astype(np.float64)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-12
    print("%d words" % len(words), file=sys.stderr)
    ids = []
    for k in SIZES:
        km = KMeans(n_clusters=k, n_init=1, random_state=0, max_iter=100, algorithm="lloyd")
        ids.append(km.fit_predict(vecs))
        print("k=%d done" % k, file=sys.stderr)
    out = io.StringIO()
    out.write("# Kashif word clusters: word<TAB>c%d<TAB>c%d<TAB>c%d; built by scripts/build_clusters.py\n" % SIZES)
    for i, w in enumerate(words):
        if "\t" in w or not w:
            continue
        out.write("%s\t%d\t%d\t%d\n" % (w, ids[0][i], ids[1][i], ids[2][i]))
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="the shared data folder (default: ../shared/data)")
    ap.add_argument("--out", default=os.path.join(REPO, "assets", "clusters", "clusters.tsv"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    data = args.data or next((d for d in DATA_CANDIDATES if os.path.isdir(d)), None)
    if data is None:
        print("shared data folder not found; give --data", file=sys.stderr)
        return 2
    text = build(data)
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            print("out of date: %s" % args.out, file=sys.stderr)
            return 1
        return 0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
