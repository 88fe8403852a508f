"""The transformer fluency scorer with the shipped model (models/newslm-*), CPU, no mocks.

Batched == unbatched (padding never leaks into scores), long sentences in
windows, offsets on multi-byte text, normalisation identical to training,
determinism, the CPU path with CUDA hidden, the per-segment JSONL contract,
streaming, the calibrated thresholds, and no torch import without fluency.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys

import pytest

from mtqa import Checker, Config, Document
from mtqa.fluency import default_model_path
from mtqa.fluency.text import normalize_with_map, word_units
from mtqa.lm.normalize import normalize_text

from conftest import ROOT, SEED, required, run_mtqa

MODEL = default_model_path()
needs_model = required(MODEL is None or not (MODEL / "model.safetensors").is_file(),
                       "no shipped model: models/newslm-*/model.safetensors is missing "
                                        "(train/export it: see models/README-training.md)")

TEXTS = [
    "The president said on Tuesday that the new trade agreement would create thousands of jobs.",
    "Lawmakers in both parties have called for an investigation.",
    "Putin will meet with Kerry “deep in the second half of the day on Thursday",
    "Erdoğan met Zelensky in Kyiv — «ой», said the café owner… 😀",
    "Ok.",
    "Set the fairly predictable — and Syria, and Ukraine, and issues of bilateral relations, Peskov said.",
]
# long enough to need several windows of the 128-token model
LONG = " ".join(["The committee, which met in Brussels on Monday, said that the proposal would be discussed again "
                 "by ministers from all member states before the end of the year"] * 12) + "."


@pytest.fixture(scope="module")
def engine():
    if MODEL is None:
        pytest.fail("no shipped model: models/newslm-*/model.safetensors is missing")
    from mtqa.fluency.engine import get_engine

    return get_engine(str(MODEL), "cpu")


@pytest.fixture(scope="module")
def engine32():
    if MODEL is None:
        pytest.fail("no shipped model: models/newslm-*/model.safetensors is missing")
    from mtqa.fluency.engine import get_engine

    return get_engine(str(MODEL), "cpu", precision="fp32")


@pytest.fixture(scope="module")
def scorer(engine):
    from mtqa.fluency.calibration import load_for_engine
    from mtqa.fluency.scorer import FluencyScorer

    cal, problem = load_for_engine(engine)
    return FluencyScorer(engine, cal, problem)


# -- pure-Python parts (no model) ---------------------------------------------------

def test_normalisation_is_the_training_normalisation():
    rng = random.Random(7)
    pool = list("abcXYZ .,;-–—'\"“”‘’«»…\u00a0\u2009\u200b\u00ad\t\n\r") + ["e\u0301", "ğ", "й", "😀", "  "]
    cases = ["", " ", "\u200b", "“Deep” … it’s\u00a0 here ", "e\u0301te\u0301", "a\u200b \u200bb"]
    cases += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(500)]
    for t in cases:
        m = normalize_with_map(t)
        assert m.text == normalize_text(t), repr(t)
        assert len(m.starts) == len(m.ends) == len(m.text)
        for i, ch in enumerate(m.text):
            a, b = m.starts[i], m.ends[i]
            assert 0 <= a < b <= len(t)
            if ch != " ":
                assert normalize_text(t[a:b]) and ch in normalize_text(t[a:b]), (t, i)


def test_word_units_own_every_character():
    for t in ["reports .", "“Deep in the day", "(Syrian branch) of al-Qaeda, the U.S. said.", "— —", "x"]:
        norm = normalize_text(t)
        units, owner = word_units(norm)
        if not units:
            assert all(o == -1 for o in owner)
            continue
        assert len(owner) == len(norm) and all(0 <= o < len(units) for o in owner)
        assert owner == sorted(owner)  # units own contiguous stretches, in order


def test_no_torch_without_fluency():
    code = ("import sys\nfrom mtqa import Checker, Config\n"
            "Checker(Config(fluency=False)).check_text('The the minister said .')\n"
            "Checker(Config(select=['CAS'])).check_text('us Secretary of state')\n"
            "sys.argv = ['mtqa', 'check', sys.argv[1], '--no-fluency', '-q']\n"
            "from mtqa.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('TORCH', 'torch' in sys.modules, 'transformers' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert "TORCH False False" in r.stdout, r.stdout + r.stderr


# -- the engine ------------------------------------------------------------------------

@needs_model
def test_batched_equals_unbatched(engine):
    ids, _ = engine.encode(TEXTS + [LONG])
    assert len(ids[-1]) > 2 * engine.window  # the long one really is windowed
    batched = engine.logprobs(ids)
    single = engine.logprobs(ids, batched=False)
    tiny = engine.logprobs(ids, token_budget=engine.window)  # other batch shapes
    for a, b, c, seq in zip(batched, single, tiny, ids):
        assert len(a) == len(seq)
        assert all(math.isfinite(x) and x <= 0 for x in a.tolist())
        assert max(abs(x - y) for x, y in zip(a.tolist(), b.tolist())) < 1e-4
        assert max(abs(x - y) for x, y in zip(a.tolist(), c.tolist())) < 1e-4


@needs_model
def test_padding_never_leaks(engine):
    short, long_ = engine.encode(["The talks were useful.", LONG[:400]])[0]
    alone = engine.logprobs([short])[0]
    padded = engine.logprobs([long_, short, short[:2]])[1]  # padded to the long row, same batch
    assert max(abs(x - y) for x, y in zip(alone.tolist(), padded.tolist())) < 1e-4


@needs_model
def test_first_window_equals_prefix(engine):
    seq = engine.encode([LONG])[0][0]
    full = engine.logprobs([seq])[0]
    n = engine.window - 1
    prefix = engine.logprobs([seq[:n]])[0]
    assert max(abs(x - y) for x, y in zip(full[:n].tolist(), prefix.tolist())) < 1e-4


@needs_model
def test_bos_convention(engine32):
    """The first token is scored given BOS: its log-prob is the model's p(t0 | <|endoftext|>)."""
    import torch

    engine = engine32
    seq = engine.encode(["The"])[0][0]
    ours = float(engine.logprobs([seq])[0][0])
    with torch.inference_mode():
        x = torch.tensor([[engine.bos_id]])
        logits = engine.model(input_ids=x, attention_mask=torch.ones_like(x)).logits[0, -1].float()
    ref = float(torch.log_softmax(logits, -1)[seq[0]])
    assert engine.bos_id == engine.tokenizer.bos_token_id
    assert abs(ours - ref) < 1e-4


def _model_logprobs(engine, seq):
    """log p of every token of one sequence from the HF model's own forward (fp32)."""
    import torch

    row = [engine.bos_id, *seq]
    with torch.inference_mode():
        x = torch.tensor([row])
        lg = engine.model(input_ids=x, attention_mask=torch.ones_like(x)).logits[0, :-1].float()
        return torch.log_softmax(lg, -1).gather(1, x[0, 1:].unsqueeze(1)).squeeze(1).numpy()


@needs_model
def test_packed_fp32_forward_is_the_model_forward(engine32):
    """The packed CPU forward (no padding, attention per length group) gives the model's
    own log-probs: fp32 to 1e-4, on every token of sentences of many lengths."""
    assert engine32.packed is not None and str(engine32.dtype) == "torch.float32"
    ids, _ = engine32.encode(TEXTS)
    for seq, ours in zip(ids, engine32.logprobs(ids)):
        ref = _model_logprobs(engine32, seq)
        assert len(ours) == len(ref) == len(seq)
        assert max(abs(x - y) for x, y in zip(ours.tolist(), ref.tolist())) < 1e-4


@needs_model
def test_bf16_is_batch_invariant_and_close_to_fp32(engine32):
    """bf16 matrix products (the CPU default where bf16 is native): a sentence's scores do
    not depend on its batch-mates (the contract: 1e-4), and stay close to fp32."""
    from mtqa.fluency.engine import get_engine

    bf = get_engine(str(MODEL), "cpu", precision="bf16")
    assert str(bf.dtype) == "torch.bfloat16" and bf.packed is not None
    ids, _ = bf.encode(TEXTS + [LONG])
    batched = bf.logprobs(ids)
    single = bf.logprobs(ids, batched=False)
    tiny = bf.logprobs(ids, token_budget=bf.window)
    exact = engine32.logprobs(ids)
    deltas = []
    for a, b, c, e in zip(batched, single, tiny, exact):
        assert max(abs(x - y) for x, y in zip(a.tolist(), b.tolist())) < 1e-4
        assert max(abs(x - y) for x, y in zip(a.tolist(), c.tolist())) < 1e-4
        deltas += [abs(x - y) for x, y in zip(a.tolist(), e.tolist())]
    assert sum(deltas) / len(deltas) < 0.02 and max(deltas) < 0.2
    # ... but it is really bf16 (not fp32 under another name)
    assert max(deltas) > 1e-5


def test_unknown_precision_is_a_usage_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("The minister said on Tuesday that talks would resume.\n", encoding="utf-8")
    r = run_mtqa("check", str(f), "--precision", "fp8")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "precision" in r.stderr and "fp8" in r.stderr


# -- scores and offsets -----------------------------------------------------------------

@needs_model
def test_scores_batched_equal_unbatched_and_deterministic(scorer):
    a = scorer.score_texts(TEXTS + [LONG])
    b = scorer.score_texts(TEXTS + [LONG], batched=False)
    c = scorer.score_texts(TEXTS + [LONG])
    for x, y, z in zip(a, b, c):
        assert abs(x.slor - y.slor) < 1e-4 and abs(x.logprob - y.logprob) < 1e-4
        assert x.lm == z.lm and x.words == z.words  # bit-identical run to run


@needs_model
def test_scores_do_not_depend_on_the_scoring_window(scorer, monkeypatch):
    """A long document is scored SCORE_WINDOW sentences at a time (memory bounded by the window):
    every value is bit-identical to scoring all the sentences at once."""
    from mtqa.fluency import scorer as scorer_mod

    texts = (TEXTS + [LONG]) * 3
    offsets = list(range(0, 100 * len(texts), 100))
    whole = scorer.score_texts(texts, offsets)
    monkeypatch.setattr(scorer_mod, "SCORE_WINDOW", 4)
    windowed = scorer.score_texts(texts, offsets)
    assert len(whole) == len(windowed) == len(texts)
    for x, y in zip(whole, windowed):
        if x is None:
            assert y is None
            continue
        assert (x.start, x.end, list(x.words), list(x.lm), list(x.uni), list(x.ntok), list(x.texts)) == \
            (y.start, y.end, list(y.words), list(y.lm), list(y.uni), list(y.ntok), list(y.texts))
        assert x.det == y.det and list(x.scores) == list(y.scores)
        if scorer.calibration is not None:
            assert list(x.tails(scorer.calibration)) == list(y.tails(scorer.calibration))


def test_compact_word_sequences_read_as_lists():
    from array import array

    from mtqa.fluency.scorer import WordSpans, WordTexts

    spans = WordSpans(array("q", [0, 3, 4, 9, 10, 12]))
    assert len(spans) == 3 and list(spans) == [(0, 3), (4, 9), (10, 12)]
    assert spans[0] == (0, 3) and spans[-1] == (10, 12) and spans[1:] == [(4, 9), (10, 12)]
    assert spans == [(0, 3), (4, 9), (10, 12)] and [(0, 3), (4, 9), (10, 12)] == spans
    with pytest.raises(IndexError):
        spans[3]
    words = WordTexts("The minister said", array("q", [0, 3, 4, 12, 13, 17]))
    assert list(words) == ["The", "minister", "said"] and words[-1] == "said" and words == ["The", "minister", "said"]


@needs_model
def test_offsets_map_to_words_on_multibyte_text(scorer):
    text = "  Erdoğan met Zelensky in Kyiv — «ой», said the café owner… 😀 and the e\u0301te\u0301 ended. "
    doc = Document("x", text)
    from mtqa.segment import segment

    segment(doc)
    sents = scorer.score_documents([doc])[0]
    words = [text[a:b] for s in sents for a, b in s.words]
    assert words == ["Erdoğan", "met", "Zelensky", "in", "Kyiv", "ой", "said", "the", "café", "owner", "and",
                     "the", "e\u0301te\u0301", "ended"]
    for s in sents:
        assert sum(s.ntok) == s.tokens and all(n >= 1 for n in s.ntok)


@needs_model
def test_shuffled_text_scores_lower(scorer):
    good, bad = scorer.score_texts([
        "The city council voted to approve the budget after a long debate.",
        "debate. budget the a long council to after voted city approve The",
    ])
    assert good.slor > bad.slor + 1.0 and good.logprob > bad.logprob


# -- calibration, rules ---------------------------------------------------------------------

@needs_model
def test_calibrated_thresholds_loaded(scorer):
    cal = scorer.calibration
    assert cal is not None, scorer.calibration_problem
    assert scorer.calibration_problem is None  # computed for exactly these weights
    assert cal.data["model"]["sha256"] == scorer.engine.sha256
    assert cal.data["data"]["words"] >= 100_000
    for n in (5, 12, 25, 60):
        assert cal.sentence_value(n, 1.0) < cal.sentence_value(n, 50.0)
    assert cal.window_value(0.1) < cal.window_value(50.0) <= 0
    assert cal.cutoff("FLU001") == 1.0 and cal.cutoff("FLU002") == 0.1
    assert cal.has_stretch  # FLU001's tables: least fluent stretch, lower of the two ranks
    assert cal.stretch_value(1.0) < cal.stretch_value(50.0) <= 0
    # the lower of two percentile ranks: at percentile 1 of clean sentences it is below 1
    assert 0 < cal.min_rank_value(1.0) < 1.0 < cal.min_rank_value(50.0) <= 50.0


def test_least_fluent_stretch():
    from mtqa.fluency.scorer import least_fluent_stretch

    v, a, b = least_fluent_stretch([0.0, -1.0, -2.0, -3.0, -2.0, 0.0, 0.0], 3)
    assert math.isclose(v, -7 / 3) and (a, b) == (2, 4)
    assert least_fluent_stretch([-1.0, -3.0, 0.0, -3.0, -1.0], 2) == (-2.0, 0, 1)  # a tie: the earliest run
    assert least_fluent_stretch([-1.0, -2.0], 5) == (-1.5, 0, 1)  # fewer words than the width: all of them
    v, a, b = least_fluent_stretch([], 5)
    assert math.isnan(v) and (a, b) == (0, -1)
    rng = random.Random(7)
    for _ in range(200):  # against the brute force
        t = [rng.uniform(-3, 0) for _ in range(rng.randint(5, 30))]
        w = rng.randint(1, 5)
        means = [sum(t[k:k + w]) / w for k in range(len(t) - w + 1)]
        v, a, b = least_fluent_stretch(t, w)
        assert math.isclose(v, min(means), abs_tol=1e-9) and b - a == w - 1 and math.isclose(means[a], v, abs_tol=1e-9)


GARBLED_CLAUSE = ("Officials said on Monday that the delegation from the European Union would arrive in Geneva "
                  "late on Wednesday by for talks the of with the Iranian side.")


@needs_model
def test_flu001_catches_a_garbled_clause_the_sentence_mean_averages_away():
    checker = Checker(Config(select=["FLU001"], model=str(MODEL), device="cpu"))
    (f,) = checker.check_text(GARBLED_CLAUSE).findings
    d = f.data
    assert d["measure"] == "lower_rank" and d["score"] == min(d["stretch_rank"], d["fluency_rank"]) < d["threshold"]
    # decided by the stretch: the sentence mean alone ranks above the cut-off
    assert d["stretch_rank"] < d["threshold"] < d["fluency_rank"]
    quoted = GARBLED_CLAUSE[d["stretch"]["start"]:d["stretch"]["end"]]
    assert f'"{quoted}"' in f.message and "by for talks the of" in GARBLED_CLAUSE[d["stretch"]["start"] - 12:d["stretch"]["end"] + 12]
    assert len(quoted.split()) == 5
    # the same sentence, fluent
    fixed = GARBLED_CLAUSE.replace("by for talks the of with", "for talks with")
    assert not checker.check_text(fixed).findings


@needs_model
def test_flu001_stretch_never_bridges_explained_words():
    """Re-judged without a garbled name, the stretch FLU001 quotes lies in one unbroken run of
    the remaining words (as FLU002's runs do)."""
    text = ("Officials said on Monday that the delegation of dzhebhat an-Nusra would arrive in Geneva late on "
            "Wednesday by for talks the of with the Iranian side.")
    full = Checker(Config(model=str(MODEL), device="cpu")).check_text(text).findings
    (name,) = [f for f in full if f.code == "NAM001"]
    (sent,) = [f for f in full if f.code == "FLU001"]
    st = sent.data["stretch"]
    assert not (st["start"] < name.end and name.start < st["end"])
    assert len(text[st["start"]:st["end"]].split()) == 5


def test_flu001_stretch_of_short_runs_is_their_mean_not_a_bridging_window():
    """When the words left out split a sentence into runs all shorter than a stretch, the
    stretch is the mean of all kept words (as for a short sentence), never a 5-word window
    across a left-out word, and it says how many words it covers."""
    from mtqa.rules.fluency import _kept_runs, _stretch_of_runs

    tails = [-0.2, -0.2, -3.0, -3.0, -9.0, -3.0, -3.0, -0.2, -0.2]  # word 4 is explained (left out)
    keep = [True] * 9
    keep[4] = False
    runs = _kept_runs(9, keep)
    assert runs == [[0, 1, 2, 3], [5, 6, 7, 8]]
    score, first, last, width = _stretch_of_runs(tails, runs)
    kept = [t for i, t in enumerate(tails) if keep[i]]
    assert (first, last, width) == (0, 8, 8) and score == pytest.approx(sum(kept) / 8)
    # a window over words 2..6 (skipping 4) would have scored -3.0: lower, but it bridges the gap
    assert score > -3.0
    # once a run is long enough for a whole stretch, only such runs count (another word left out)
    tails2 = tails + [-0.1, -1.0, -1.0, -1.0, -1.0, -1.0]
    keep2 = keep + [False] + [True] * 5
    score2, first2, last2, width2 = _stretch_of_runs(tails2, _kept_runs(len(tails2), keep2))
    assert width2 == 5 and (first2, last2) == (10, 14) and score2 == pytest.approx(-1.0)


@needs_model
def test_flu001_message_when_explained_words_leave_no_whole_stretch():
    """Scores made up (no LM run), the shipped calibration: a garbled 9-word sentence whose
    middle word is explained elsewhere leaves two 4-word runs; FLU001 judges the kept words
    together and says so, without quoting a "stretch" that runs over the explained word."""
    from mtqa.fluency.calibration import load
    from mtqa.fluency.scorer import SentenceScore
    from mtqa.rules.fluency import DisfluentSentence

    text = "Jobs the of by Dzhebhat for to and create."
    words, pos = [], 0
    for w in text.split():
        words.append((pos, pos + len(w)))
        pos += len(w) + 1
    n = len(words)
    s = SentenceScore(0, len(text), words, lm=[-25.0] * n, uni=[-6.0] * n, ntok=[1] * n, texts=text.split())
    cal = load(MODEL / "calibration.json")
    keep = [i != 4 for i in range(n)]
    (f,) = DisfluentSentence().judge(Document("t", text), s, cal, keep)
    assert f.data["words"] == 8 and f.data["stretch_rank"] <= f.data["fluency_rank"]
    assert f.message.startswith("this sentence reads as garbled: check its word order") and "Dzhebhat" not in f.message
    assert "(1 word explained by other findings left out)" in f.message
    (whole,) = DisfluentSentence().judge(Document("t", text), s, cal, None)  # nothing left out: a quote
    assert 'this sentence reads as garbled: check the words "' in whole.message


def _model_with_calibration(tmp_path, edit):
    """The shipped model's files linked into ``tmp_path/model`` with a copy of its
    calibration.json changed by ``edit(dict)``."""
    model = tmp_path / "model"
    model.mkdir()
    for p in MODEL.iterdir():
        if p.name != "calibration.json":
            (model / p.name).symlink_to(p)
    cal = json.loads((MODEL / "calibration.json").read_text())
    edit(cal)
    (model / "calibration.json").write_text(json.dumps(cal))
    return model


@needs_model
def test_flu002_runs_have_the_width_of_the_calibration_table(tmp_path):
    """FLU002 compares runs of the width its calibration table was computed for: a different
    ``width`` in the cut-offs cannot make it compare 5-word runs with the 3-word table."""
    def wider_runs(cal):
        cal.setdefault("cutoffs", {}).setdefault("FLU002", {})["width"] = 6

    model = _model_with_calibration(tmp_path, wider_runs)
    text = "The talks in Moscow were useful, of the by for to and, the minister said."
    ours = Checker(Config(select=["FLU002"], model=str(model), device="cpu")).check_text(text).findings
    shipped = Checker(Config(select=["FLU002"], model=str(MODEL), device="cpu")).check_text(text).findings
    assert shipped and [(f.start, f.end, f.data["score"]) for f in ours] == \
        [(f.start, f.end, f.data["score"]) for f in shipped]
    assert ours[0].message == shipped[0].message


@needs_model
def test_flu001_with_a_calibration_that_predates_the_stretch_measure(tmp_path, capsys):
    """A calibration.json without the stretch tables (written by an older mtqa) still works:
    FLU001 judges the sentence mean against per-length cut-offs and says to recalibrate."""
    def without_stretch_tables(cal):
        for k in ("sentence_stretch", "sentence_min_rank"):
            cal.pop(k)

    model = _model_with_calibration(tmp_path, without_stretch_tables)
    checker = Checker(Config(select=["FLU001"], model=str(model), device="cpu"))
    salad = "Jobs agreement the that thousands said trade Tuesday of on would create new president the."
    (f,) = checker.check_text(salad).findings
    assert f.data["measure"] == "mean_tail" and "stretch_rank" not in f.data
    assert f.data["score"] < f.data["threshold"] and "reads unlike English throughout" in f.message
    assert not checker.check_text(GARBLED_CLAUSE.replace("by for talks the of with", "for talks with")).findings
    assert "no tables for FLU001's least fluent stretch" in capsys.readouterr().err


@needs_model
def test_rule_examples_and_messages():
    from mtqa.rules.fluency import DisfluentSentence, DisfluentSpan

    checker = Checker(Config(select=["FLU"], model=str(MODEL), device="cpu"))
    for rule in (DisfluentSentence, DisfluentSpan):
        for ex in rule.flag_examples:
            found = [f for f in checker.check_text(ex).findings if f.code == rule.code]
            assert found, (rule.code, ex)
            f = found[0]
            assert "threshold" in f.data and f.message.startswith(("this sentence reads", "these words read"))
            assert not any(w in f.message for w in ("SLOR", "tail", "percentile", "cut-off", "log-prob", "%"))
            assert f.text == f.text.strip() and 0.5 <= f.confidence <= 1.0
        for ex in rule.pass_examples:
            assert not [f for f in checker.check_text(ex).findings if f.code == rule.code], (rule.code, ex)


@needs_model
def test_explained_words_are_left_out():
    """A FLU finding that partly overlaps a superseding finding is re-judged without those words."""
    checker = Checker(Config(select=["FLU"], model=str(MODEL), device="cpu"))
    text = "Jobs agreement the that thousands said trade Tuesday of on would create new president the."
    f = next(f for f in checker.check_text(text).findings if f.code == "FLU001")
    assert f.without([]) == [f]
    assert f.without([(0, len(text))]) == []  # everything explained: nothing left to judge
    kept = f.without([(0, 4)])  # one word explained: the rest is still garbled
    assert len(kept) == 1 and kept[0].data["words"] == f.data["words"] - 1


@needs_model
def test_checker_rejudges_fluency_findings_that_straddle_a_name():
    """A FLU finding that overlaps a garbled name (explained by NAM001) is re-judged by the
    checker without the name's words: the sentence finding stays (the rest is still word
    salad) over fewer words; the 3-word run that ran into the name goes."""
    text = ("Jobs agreement the that thousands said the of dzhebhat an-Nusra trade Tuesday of on would create new "
            "president the.")
    flu_only = Checker(Config(select=["FLU"], model=str(MODEL), device="cpu")).check_text(text).findings
    full = Checker(Config(model=str(MODEL), device="cpu")).check_text(text).findings
    (name,) = [f for f in full if f.code == "NAM001"]
    assert name.suggestion == "Jabhat al-Nusra"

    def overlaps(f):
        return f.start < name.end and name.start < f.end

    before = {f.code: f for f in flu_only if f.code == "FLU001"}
    assert overlaps(before["FLU001"]) and any(f.code == "FLU002" and overlaps(f) for f in flu_only)
    after = [f for f in full if f.code.startswith("FLU")]
    (sent,) = [f for f in after if f.code == "FLU001"]
    assert sent.data["words"] < before["FLU001"].data["words"] and "explained by other findings left out" in sent.message
    assert not [f for f in after if f.code == "FLU002" and overlaps(f)]


@needs_model
def test_report_extra_fluency():
    checker = Checker(Config(select=["FLU"], model=str(MODEL), device="cpu"))
    rep = checker.check_text("The talks ended. The minister said they were useful.\n\nNo comment.")
    flu = rep.extra["fluency"]
    assert set(flu) >= {"slor", "logprob", "tokens", "words", "sentences"}
    assert flu["words"] == 11 and len(flu["sentences"]) == 3
    assert all(isinstance(s["slor"], float) for s in flu["sentences"])


@needs_model
def test_checker_frees_the_documents_scores_after_the_last_fluency_rule():
    # a long document's per-word scores are its largest holding: once FLU001-FLU00x have
    # read them, the rules after (LNG, NAM, QUO...) run without them (and the name hits
    # the NAM rules share go after NAM004)
    text = SEED.read_text(encoding="utf-8")
    checker = Checker(Config(model=str(MODEL), device="cpu"))
    doc = Document("seed", text)
    rep = checker.check_document(doc)
    first = [(f.code, f.start, f.end, f.message) for f in rep.findings]
    assert "_fluency" not in doc.__dict__ and "_mtqa_cache" not in doc.__dict__  # nor the name rules' hits
    assert rep.extra["fluency"]["words"] > 400 and any(c.startswith("NAM") for c, *_ in first)
    # the same document checked again is scored again: the same findings
    assert [(f.code, f.start, f.end, f.message) for f in checker.check_document(doc).findings] == first


@needs_model
def test_checker_streams_in_batches():
    consumed = []

    def docs():
        for i in range(300):
            consumed.append(i)
            yield Document(f"d{i}", f"Line number {i} of the wire.")

    checker = Checker(Config(select=["FLU"], model=str(MODEL), device="cpu"))
    it = checker.check_documents(docs())
    first = next(it)
    assert first.document.source == "d0" and len(consumed) <= checker.batch_size + 1
    assert sum(1 for _ in it) == 299


# -- the CLI: per-segment JSONL, CUDA hidden, determinism -------------------------------------

@needs_model
def test_lines_jsonl_contract_cpu_without_cuda_and_deterministic(tmp_path):
    lines = ["The minister said the talks were useful.", "", "Erdoğan met Zelensky — «ой» 😀 in Kyiv.",
             "debate. budget the a long council to after voted city approve The", "   ", "Ok"]
    f = tmp_path / "segments.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hidden = {"CUDA_VISIBLE_DEVICES": ""}
    a = run_mtqa("check", "--input-format", "lines", f, "--format", "jsonl", "--exit-zero", "--device", "auto",
                 "--model", MODEL, env=hidden)
    assert a.returncode == 0, a.stderr
    b = run_mtqa("check", "--input-format", "lines", f, "--format", "jsonl", "--exit-zero", "--device", "cpu",
                 "--model", MODEL, env=hidden)
    assert a.stdout == b.stdout  # deterministic across runs
    recs = [json.loads(x) for x in a.stdout.splitlines()]
    assert [r["segment"] for r in recs] == list(range(len(lines)))
    for r, line in zip(recs, lines):
        assert r["text"] == line
        if line.strip() and any(c.isalnum() for c in line):
            flu = r["fluency"]
            assert isinstance(flu["slor"], float) and isinstance(flu["logprob"], float)
            assert isinstance(flu["tokens"], int) and flu["tokens"] > 0
        else:
            assert r["fluency"] is None
        for fd in r["findings"]:
            assert line[fd["start"]:fd["end"]] == fd["text"] and fd["line"] == r["segment"] + 1
    assert recs[3]["fluency"]["slor"] < recs[0]["fluency"]["slor"]
    assert any(fd["code"] == "FLU001" for fd in recs[3]["findings"])


@pytest.mark.parametrize("args, says", [
    (["--model", "/nonexistent/model-folder"], "no model folder '/nonexistent/model-folder'"),
    (["--device", "cuda"], "--device cuda: no CUDA device"),
])
def test_check_without_a_usable_model_exits_2_with_one_line(tmp_path, args, says):
    """A missing model or an absent CUDA device is a usage error: one line on stderr,
    exit 2, no traceback, and no report file left behind."""
    out = tmp_path / "report.json"
    r = run_mtqa("check", SEED, "--format", "json", "-o", out, *args, env={"CUDA_VISIBLE_DEVICES": ""})
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtqa: error: ") and says in lines[0], r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_device_cuda_without_cuda_is_a_clear_error():
    code = ("from mtqa.fluency import FluencyError\nfrom mtqa.fluency.engine import pick_device\n"
            "assert pick_device('auto') == 'cpu' and pick_device('cpu') == 'cpu'\n"
            "try:\n    pick_device('cuda')\nexcept FluencyError as e:\n    print('ERR', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert r.returncode == 0 and "ERR --device cuda: no CUDA device" in r.stdout, r.stdout + r.stderr


@needs_model
def test_model_calibrate_command(tmp_path):
    src = tmp_path / "clean.txt"
    src.write_text("The city council voted to approve the budget after a long debate.\n\n"
                   "The minister said the talks in Moscow were useful and would continue next week.\n",
                   encoding="utf-8")
    out = tmp_path / "cal.json"
    r = run_mtqa("model", "calibrate", "--model", MODEL, "--texts", src, "-o", out, "--device", "cpu", "-q")
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["schema"] == "mtqa-fluency-calibration/1" and data["data"]["words"] == 26
    assert data["model"]["sha256"] and set(data["cutoffs"]) == {"FLU001", "FLU002"}
    assert data["sentence_stretch"]["n"] == data["sentence_min_rank"]["n"] == 2
    assert data["sentence_stretch"]["width"] == 5 and data["sentence_stretch"]["percentiles"]
