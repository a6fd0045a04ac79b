#!/bin/sh
# Rebuilds assets/train/anercorp_train90.conll: the first 90 % of ANERcorp's
# training part (lines 1-114,821 of the CAMeL Lab release's train.conll,
# 3,694 sentences), the data the shipped model (assets/model/ner.model) was
# trained on and that the workbench retrains on with the annotator's gold.
# The rest (tail -n +114822) stays held out for the scores in docs/model.md.
#
#   sh scripts/base_training_data.sh [path/to/train.conll]
set -eu
src="${1:-../shared/data/anercorp/train.conll}"
out="$(dirname "$0")/../assets/train/anercorp_train90.conll"
[ -r "$src" ] || { echo "$src: not readable" >&2; exit 1; }
head -n 114821 "$src" > "$out"
lines=$(wc -l < "$out")
[ "$lines" -eq 114821 ] || { echo "$src: only $lines lines" >&2; exit 1; }
sha256sum "$out"
