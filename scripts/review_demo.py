#!/usr/bin/env python3
"""Builds a demo annotation folder with two annotators on the seeds, for
looking at review and adjudication modes (scripts/screenshot.sh).

    scripts/review_demo.py KASHIF_BIN OUT_DIR

`amina` gets the entities of tests/fixtures/seed_annotations.ron; `badr` the
same with deterministic disagreements (one in five dropped, one in seven
relabelled, one in six shortened by a char, one extra entity per document).
Both are written as doccano JSONL and imported with `kashif import`, so the
files are real store files.
"""
import json
import pathlib
import re
import subprocess
import sys

bin_, out = sys.argv[1], pathlib.Path(sys.argv[2])
root = pathlib.Path(__file__).resolve().parent.parent
fixture = (root / "tests/fixtures/seed_annotations.ron").read_text(encoding="utf-8")
docs = {}
for block in re.split(r'\n  "', fixture)[1:]:
    doc_id = block.split('"', 1)[0]
    ents = re.findall(r'\(start: (\d+), end: (\d+), label: "(\w+)"', block.split("proposals:")[0])
    docs[doc_id] = [(int(s), int(e), l) for s, e, l in ents]

other = {"LOC": "ORG", "ORG": "LOC", "PER": "ORG", "MISC": "ORG", "DATE": "MISC"}
rows = {"amina": [], "badr": []}
for doc_id, ents in sorted(docs.items()):
    text = (root / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
    rows["amina"].append({"id": doc_id, "text": text, "label": [list(e) for e in ents]})
    b = []
    for i, (s, e, l) in enumerate(ents):
        if i % 5 == 4:
            continue
        if i % 7 == 3:
            l = other[l]
        if i % 6 == 2 and e - s > 2:
            s += 1
        b.append([s, e, l])
    # one extra entity: the first word of the text not inside an entity
    for m in re.finditer(r"\w{4,}", text):
        if not any(s < m.end() and m.start() < e for s, e, _ in ents):
            b.append([m.start(), m.end(), "MISC"])
            break
    rows["badr"].append({"id": doc_id, "text": text, "label": b})

out.mkdir(parents=True, exist_ok=True)
for name, r in rows.items():
    src = out / f"{name}.jsonl"
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in r), encoding="utf-8")
    subprocess.run(
        [bin_, "import", "--format", "doccano", "--annotator", name,
         "--corpus", str(root / "seeds"), "--annotations", str(out), str(src)],
        check=True,
    )
    src.unlink()
