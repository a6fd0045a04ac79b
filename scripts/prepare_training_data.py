#!/usr/bin/env python3
"""Brings WikiFANE Gold and the Wojood sample to ANERcorp's conventions, as
extra training data for Kashif's tagger (`kashif train --extra FILE`).

ANERcorp writes one token per whitespace word with its clitics attached
(`وأذربيجان B-LOC`) and tags whole tokens with PERS / LOC / ORG / MISC in
IOB2. The two corpora differ:

WikiFANE Gold (../shared/data/wikifane, CC BY-SA 3.0, Alotaibi and Lee 2014):
  * UTF-8 BOM, CRLF line ends, a lone TAB line between sentences, U+200E
    (LEFT-TO-RIGHT MARK) before most tokens: all removed;
  * proclitics (و ف ب ل ك, and the article ال where the tokeniser cut it)
    and enclitic pronouns (ه ها هم هما هن كم كما نا ي) are tokens of their
    own: they are re-attached, a proclitic to the next token (ل + الـ
    becomes لل, as written), an enclitic to the previous Arabic word (ة
    becomes ت before it, as written). `هم`, `هما`, `هن`, `كم`, `كما` are
    also free words (pronouns, kilometres): they are attached only to a word
    without the article, which cannot take a possessive. The joined token
    takes the tag of its content word;
  * hamza on alef is normalised away (no أ إ آ): left so, since Kashif's
    features see normalised forms (`arabic::normalize` drops the hamza too);
  * 50 fine-grained classes, mapped by CLASS_MAP below (reasons there).

Wojood sample (../shared/data/wojood-sample, MIT, Jarrar et al. 2022):
  * `token TAG [TAG ...]`, one IOB2 tag per nesting level, outermost first:
    a token takes the outermost tag whose class maps to a kept class (a
    person inside an occupation phrase is a person); `$#$` lines (segment
    breaks) are dropped;
  * 21 classes, mapped by WOJOOD_MAP.

After mapping, IOB2 is repaired (an I- after O or after another class
becomes B-). Output: `token TAG` lines, a blank line after each sentence,
the ANERcorp layout (`kashif train` reads it).

Usage:
  python3 scripts/prepare_training_data.py            # writes assets/train/*.conll
  python3 scripts/prepare_training_data.py --check    # exit 0 = files up to date
  python3 scripts/prepare_training_data.py --variant fac=O --out /tmp/x
      (--variant CLASSGROUP=LABEL changes a doubtful mapping, for experiments:
       groups: group, fac, product, gpe-cluster, vehicle-weapon, norp, fac-wojood)
Python 3 standard library only; deterministic (same input, same bytes).
"""

import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_CANDIDATES = [
    os.path.join(REPO, "..", "shared", "data"),
    os.path.join(REPO, "..", "..", "shared", "data"),
]

PER_CLASSES = [
    "Politician", "Artist", "Scientist", "Athlete", "Businessperson", "Engineer",
    "Lawyer", "Police", "Religious_PER", "Other_PER",
]
ORG_CLASSES = [
    "Government", "Non-Governmental", "Commercial", "Educational", "Media", "Sports",
    "Religious_ORG", "Medical-Science", "Entertainment",
]
# Geo-political entities and natural locations: ANERcorp tags countries,
# cities, regions, seas and continents LOC.
LOC_CLASSES = [
    "Nation", "Population-Center", "State-or-Province", "County-or-District",
    "Continent", "Water-Body", "Celestial", "Land-Region-Natural",
]
# The doubtful groups, with the default chosen on the development parts
# (docs/model.md, fifth round) and the alternatives measured there.
DOUBTFUL = {
    # ACE PER.Group: peoples and groups named by nationality or creed
    # (الجزائريون، المسيحيين، the army); ANERcorp leaves nationality words O.
    "group": (["Group"], "O"),
    # Buildings, streets, airports, plants: ANERcorp has few; airports and
    # squares read as places.
    "fac": (["Building-Grounds", "Subarea-Facility", "Path", "Airport", "Plant"], "LOC"),
    # Books, films, songs, software, hardware, food, drugs: ANERcorp's MISC
    # holds such names (and currencies, religions, events, awards).
    "product": (["Book", "Movie", "Sound", "Hardware", "Software", "Food", "Drug"], "MISC"),
    # Groupings of countries (الدول العربية، الاتحاد السوفيتي-like); places
    # in ANERcorp when they name a region.
    "gpe-cluster": (["GPE-Cluster"], "LOC"),
    # Vehicles and weapons (aircraft types, missiles): named products.
    "vehicle-weapon": (
        ["Land", "Air", "Water", "Blunt", "Exploding", "Sharp", "Chemical", "Shooting",
         "Projectile", "Nuclear"],
        "MISC",
    ),
}

WOJOOD_FIXED = {
    "PERS": "PERS", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC",
    "EVENT": "MISC", "PRODUCT": "MISC", "CURR": "MISC",
    "DATE": "O", "OCC": "O", "ORDINAL": "O", "CARDINAL": "O", "WEBSITE": "O",
    "LAW": "O", "TIME": "O", "MONEY": "O", "LANGUAGE": "O", "UNIT": "O",
    "PERCENT": "O", "QUANTITY": "O",
}
# Wojood's doubtful classes: NORP (nationalities, groups: O in ANERcorp),
# FAC (facilities: as WikiFANE's).
WOJOOD_DOUBTFUL = {"norp": ("NORP", "O"), "fac-wojood": ("FAC", "LOC")}

PROCLITICS = {"و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "بال", "فال", "كال", "س"}
ENCLITICS_ALWAYS = {"ه", "ها", "نا", "ي", "ني"}
ENCLITICS_IF_NO_ARTICLE = {"هم", "هما", "هن", "كم", "كما"}
INVISIBLE = "\ufeff\u200e\u200f\r"


def is_arabic_word(tok):
    return bool(tok) and all("\u0621" <= c <= "\u064a" or "\u064b" <= c <= "\u0652" for c in tok)


def repair_iob(tags):
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def attach_clitics(tokens, tags):
    """Re-attaches split clitics (see the module docstring); returns new lists."""
    words, wtags = [], []
    pending, pending_tag = "", None
    for tok, tag in zip(tokens, tags):
        if tok in PROCLITICS:
            if not pending:
                pending_tag = tag
            pending += tok
            continue
        if pending:
            if pending.endswith("ل") and tok.startswith("ال") and not pending.endswith("ال"):
                tok = pending + tok[1:]
            else:
                tok = pending + tok
            # The joined token takes its content word's tag; a proclitic
            # that began a name keeps the name's beginning.
            if pending_tag and pending_tag.startswith("B-") and tag != "O":
                tag = "B-" + tag[2:]
            pending, pending_tag = "", None
            words.append(tok)
            wtags.append(tag)
            continue
        enclitic = tok in ENCLITICS_ALWAYS or (
            tok in ENCLITICS_IF_NO_ARTICLE and words and not words[-1].startswith("ال")
        )
        if enclitic and words and is_arabic_word(words[-1]) and len(words[-1]) >= 2:
            prev = words[-1]
            if prev.endswith("ة"):
                prev = prev[:-1] + "ت"
            words[-1] = prev + tok
            continue
        words.append(tok)
        wtags.append(tag)
    if pending:  # a clitic at the sentence end stays a token
        words.append(pending)
        wtags.append(pending_tag or "O")
    return words, wtags


def wikifane_map(variant):
    m = {}
    for c in PER_CLASSES:
        m[c] = "PERS"
    for c in ORG_CLASSES:
        m[c] = "ORG"
    for c in LOC_CLASSES:
        m[c] = "LOC"
    for group, (classes, label) in DOUBTFUL.items():
        for c in classes:
            m[c] = variant.get(group, label)
    return m


def map_tag(tag, cmap, source):
    if tag == "O":
        return "O"
    bio, _, cls = tag.partition("-")
    if bio not in ("B", "I") or cls not in cmap:
        raise ValueError("%s: unknown tag %r" % (source, tag))
    label = cmap[cls]
    return "O" if label == "O" else bio + "-" + label


def read_wikifane(path, cmap):
    sents, toks, tags = [], [], []
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f, 1):
            for ch in INVISIBLE:
                line = line.replace(ch, "")
            line = line.rstrip("\n")
            if not line.strip():
                if toks:
                    sents.append((toks, tags))
                    toks, tags = [], []
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].strip():
                raise ValueError("%s:%d: expected token<TAB>tag, got %r" % (path, n, line))
            toks.append(parts[0].strip())
            tags.append(map_tag(parts[1].strip(), cmap, "%s:%d" % (path, n)))
    if toks:
        sents.append((toks, tags))
    out = []
    for toks, tags in sents:
        w, t = attach_clitics(toks, tags)
        out.append((w, repair_iob(t)))
    return out


def read_wojood(path, cmap):
    sents, toks, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                if toks:
                    sents.append((toks, repair_iob(tags)))
                    toks, tags = [], []
                continue
            if parts[0] == "$#$":
                continue
            chosen = "O"
            for t in parts[1:]:
                m = map_tag(t, cmap, "%s:%d" % (path, n))
                if m != "O":
                    chosen = m
                    break
            toks.append(parts[0])
            tags.append(chosen)
    if toks:
        sents.append((toks, repair_iob(tags)))
    return sents


def render(sents):
    lines = []
    for toks, tags in sents:
        for w, t in zip(toks, tags):
            lines.append("%s %s\n" % (w, t))
        lines.append("\n")
    return "".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="the shared data folder (default: ../shared/data)")
    ap.add_argument("--out", default=os.path.join(REPO, "assets", "train"))
    ap.add_argument("--check", action="store_true", help="compare with the files in --out")
    ap.add_argument("--variant", action="append", default=[], help="GROUP=LABEL")
    args = ap.parse_args()
    data = args.data or next((d for d in DATA_CANDIDATES if os.path.isdir(d)), None)
    if data is None:
        print("shared data folder not found; give --data", file=sys.stderr)
        return 2
    variant = {}
    for v in args.variant:
        k, _, label = v.partition("=")
        if (k not in DOUBTFUL and k not in WOJOOD_DOUBTFUL) or label not in ("PERS", "LOC", "ORG", "MISC", "O"):
            print("bad --variant %r" % v, file=sys.stderr)
            return 2
        variant[k] = label
    wmap = dict(WOJOOD_FIXED)
    for group, (cls, label) in WOJOOD_DOUBTFUL.items():
        wmap[cls] = variant.get(group, label)
    outputs = {
        "wikifane.conll": render(
            read_wikifane(os.path.join(data, "wikifane", "WikiFANE_Gold_2014_500K.txt"), wikifane_map(variant))
        ),
        "wojood.conll": render(
            sum(
                (read_wojood(os.path.join(data, "wojood-sample", p), wmap) for p in ("train.txt", "val.txt", "test.txt")),
                [],
            )
        ),
    }
    stale = []
    for name, text in outputs.items():
        path = os.path.join(args.out, name)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        else:
            os.makedirs(args.out, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
