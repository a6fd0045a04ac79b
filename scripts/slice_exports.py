#!/usr/bin/env python3
"""Slice exported texts at exported offsets, the way Python tools will.

Usage: slice_exports.py FORMAT PATH   (FORMAT: brat | doccano | spacy | labelstudio)

Prints one JSON list of [doc_id, label, start, end, sliced_text] to stdout,
and exits 1 if a text stored next to the offsets (brat's text column, Label
Studio's value.text) differs from the slice. Kashif's tests compare the
slices with the entities it exported; anyone can run it on their exports.
"""
import json
import os
import sys


def brat(folder):
    out, bad = [], []
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".ann"):
                continue
            ann = os.path.join(root, name)
            doc = os.path.relpath(ann, folder)[: -len(".ann")]
            with open(ann[:-4] + ".txt", encoding="utf-8", newline="") as f:
                text = f.read()
            with open(ann, encoding="utf-8", newline="") as f:
                for line in f.read().splitlines():
                    if not line.startswith("T"):
                        continue
                    _, middle, stored = line.split("\t", 2)
                    label, ranges = middle.split(" ", 1)
                    frags = [tuple(map(int, r.split())) for r in ranges.split(";")]
                    sliced = " ".join(text[a:b] for a, b in frags)
                    if sliced != stored:
                        bad.append((doc, line))
                    start, end = frags[0][0], frags[-1][1]
                    out.append([doc, label, start, end, text[start:end]])
    return out, bad


def jsonl(path, spans_of, id_of):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["text"]
            for start, end, label in spans_of(rec):
                out.append([id_of(rec), label, start, end, text[start:end]])
    return out, []


def labelstudio(path):
    out, bad = [], []
    with open(path, encoding="utf-8") as f:
        tasks = json.load(f)
    for task in tasks:
        text, doc = task["data"]["text"], task["data"].get("doc_id")
        for ann in task["annotations"][:1]:
            for r in ann["result"]:
                v = r["value"]
                sliced = text[v["start"]:v["end"]]
                if sliced != v["text"]:
                    bad.append((doc, v))
                for label in v["labels"]:
                    out.append([doc, label, v["start"], v["end"], sliced])
    return out, bad


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    if fmt == "brat":
        out, bad = brat(path)
    elif fmt == "doccano":
        out, bad = jsonl(path, lambda r: r["label"], lambda r: r.get("id"))
    elif fmt == "spacy":
        out, bad = jsonl(path, lambda r: [(s["start"], s["end"], s["label"]) for s in r["spans"]],
                         lambda r: r.get("meta", {}).get("id"))
    elif fmt == "labelstudio":
        out, bad = labelstudio(path)
    else:
        sys.exit(f"unknown format {fmt}")
    json.dump(out, sys.stdout, ensure_ascii=False)
    for b in bad:
        print(f"\nstored text differs from slice: {b}", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
