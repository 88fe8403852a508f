"""Corpus preparation for newslm.

Steps (all outputs go to ``<workdir>/data``, never into the repo):
1. read the xz training file(s): one paragraph per line, blank line between articles;
2. split ARTICLES (never sentences) into train / val / test with a seeded hash;
3. normalise each paragraph (:func:`mtqa.lm.normalize.normalize_text`) and
   deduplicate paragraphs globally -- test and val keep theirs, train drops any
   paragraph already seen (in test/val or earlier in train);
4. sentence-split; write ``{split}.txt`` (one sentence per line, blank line between
   articles);
5. train the byte-level BPE tokenizer on a sample of train (optionally compare several
   vocab sizes on val tokens/word);
6. encode every split as ``<|endoftext|> sent1 <|endoftext|> sent2 ...`` and cache it
   as a numpy uint16 array ``{split}.npy`` (so every sentence start follows BOS).

Run: ``python -m mtqa.lm.prepare CONFIG [--compare-vocab 8192,16384]``
"""
from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import random
import sys
import time
from pathlib import Path

import numpy as np

from .config import load_config, resolve, workdir
from .normalize import normalize_text, split_sentences
from .tokenizer import EOT, train_bpe

SPLITS = ("train", "val", "test")


def _log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def read_articles(path: Path):
    opener = lzma.open if str(path).endswith(".xz") else open
    art = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if art:
                    yield art
                    art = []
            else:
                art.append(line)
    if art:
        yield art


def split_of(key: str, seed: int, val_frac: float, test_frac: float) -> str:
    h = int(hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()[:12], 16) / float(1 << 48)
    if h < test_frac:
        return "test"
    if h < test_frac + val_frac:
        return "val"
    return "train"


def prepare_text(cfg) -> dict:
    d = cfg["data"]
    root = resolve(d["root"])
    out = workdir(cfg) / "data"
    out.mkdir(parents=True, exist_ok=True)
    arts = {s: [] for s in SPLITS}
    n_in = 0
    for rel in d["train_files"]:
        p = Path(rel) if Path(rel).is_absolute() else root / rel
        _log("reading", p)
        for i, art in enumerate(read_articles(p)):
            s = split_of(f"{p.name}:{i}", d["split_seed"], d["val_frac"], d["test_frac"])
            arts[s].append(art)
            n_in += 1
    stats = {"articles_in": n_in}
    seen: set = set()
    for s in ("test", "val", "train"):
        n_par = n_dup = n_sent = n_words = n_art = 0
        with open(out / f"{s}.txt", "w", encoding="utf-8") as f:
            for art in arts[s]:
                sents = []
                for par in art:
                    par = normalize_text(par)
                    if not par:
                        continue
                    key = hashlib.md5(par.encode()).digest()
                    if key in seen:
                        n_dup += 1
                        continue
                    seen.add(key)
                    n_par += 1
                    for sent in split_sentences(par):
                        if d["min_sentence_chars"] <= len(sent) <= d["max_sentence_chars"]:
                            sents.append(sent)
                if sents:
                    n_art += 1
                    n_sent += len(sents)
                    n_words += sum(len(x.split()) for x in sents)
                    f.write("\n".join(sents) + "\n\n")
        stats[s] = {"articles": n_art, "paragraphs": n_par, "dup_paragraphs_dropped": n_dup,
                    "sentences": n_sent, "words": n_words}
        _log(s, stats[s])
        arts[s] = None
    (out / "prep_stats.json").write_text(json.dumps(stats, indent=1))
    return stats


def iter_sentences(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                yield line


def sample_sentences(path: Path, max_mb: float, seed: int = 0):
    """Every k-th article so the sample spans the whole corpus."""
    total = path.stat().st_size
    k = max(1, int(total / (max_mb * 1e6)))
    rng = random.Random(seed)
    off = rng.randrange(k)
    i = 0
    cur = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if i % k == off:
                    yield from cur
                cur = []
                i += 1
            else:
                cur.append(line)


def tokens_per_word(tok, sentences) -> float:
    n_tok = n_w = 0
    B = 2000
    for i in range(0, len(sentences), B):
        chunk = sentences[i:i + B]
        for e in tok.encode_batch(chunk):
            n_tok += len(e.ids)
        n_w += sum(len(s.split()) for s in chunk)
    return n_tok / max(1, n_w)


def build_tokenizer(cfg, compare=None) -> dict:
    out = workdir(cfg) / "data"
    tc = cfg["tokenizer"]
    sample = list(sample_sentences(out / "train.txt", tc["train_sample_mb"]))
    val = list(iter_sentences(out / "val.txt"))
    _log(f"tokenizer sample: {len(sample)} sentences")
    res = {}
    for vs in sorted(set((compare or []) + [tc["vocab_size"]])):
        t0 = time.time()
        tok = train_bpe(sample, vs, tc.get("min_frequency", 2))
        tpw = tokens_per_word(tok, val)
        res[vs] = {"tokens_per_word_val": round(tpw, 4), "train_s": round(time.time() - t0, 1)}
        _log(f"vocab {vs}: {res[vs]}")
        tok.save(str(out / f"tokenizer_{vs}.json"))
    best = out / f"tokenizer_{tc['vocab_size']}.json"
    (out / "tokenizer.json").write_bytes(best.read_bytes())
    (out / "tokenizer_compare.json").write_text(json.dumps(res, indent=1))
    return res


def encode_split(tok, path: Path, npy: Path) -> int:
    eot = tok.token_to_id(EOT)
    parts = []
    buf = []
    B = 20000

    def flush():
        ids = []
        for e in tok.encode_batch(buf):
            ids.append(eot)
            ids.extend(e.ids)
        parts.append(np.asarray(ids, dtype=np.uint16))
        buf.clear()

    for s in iter_sentences(path):
        buf.append(s)
        if len(buf) >= B:
            flush()
    if buf:
        flush()
    parts.append(np.asarray([eot], dtype=np.uint16))
    arr = np.concatenate(parts)
    np.save(npy, arr)
    return int(arr.size)


def encode_all(cfg) -> dict:
    from tokenizers import Tokenizer
    out = workdir(cfg) / "data"
    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    assert tok.get_vocab_size() <= 65535
    res = {}
    for s in SPLITS:
        t0 = time.time()
        n = encode_split(tok, out / f"{s}.txt", out / f"{s}.npy")
        res[s] = n
        _log(f"encoded {s}: {n} tokens in {time.time() - t0:.0f}s")
    (out / "token_counts.json").write_text(json.dumps(res, indent=1))
    return res


def prepare(config_path, compare_vocab=None, force=False) -> dict:
    cfg = load_config(config_path)
    out = workdir(cfg) / "data"
    stats = {}
    if force or not (out / "prep_stats.json").exists():
        stats["text"] = prepare_text(cfg)
    if force or not (out / "tokenizer.json").exists():
        stats["tokenizer"] = build_tokenizer(cfg, compare_vocab)
    if force or not (out / "token_counts.json").exists():
        stats["tokens"] = encode_all(cfg)
    return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--compare-vocab", default="", help="e.g. 8192,16384")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args(argv)
    cv = [int(x) for x in a.compare_vocab.split(",") if x.strip()]
    print(json.dumps(prepare(a.config, cv, a.force), indent=1))


if __name__ == "__main__":
    main()
