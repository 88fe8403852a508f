"""Step 4: one learned decision over the evidence vector.

A logistic model (:data:`FILE`, JSON: feature names, two weight vectors and their
thresholds) trained by :mod:`mtqa.names.train` on synthetic garbles of real names in
held-out clean news.  ``full`` uses every feature, the language model's margin
included; ``rules`` (the check without a model, ``--no-fluency``) leaves the margin out;
``source`` judges a mention linked to a name of its original (``--source``), trained on
real MT of the WMT21 ru-en development documents (:mod:`mtqa.names.train_source`).
The probability is calibrated (the training script prints a reliability table on
held-out sentences); a candidate is reported when it reaches its vector's threshold,
chosen so clean news stays within the false-alarm budget.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

from mtqa.names.evidence import FEATURES

FILE = "names_decision.json"


class Decision:
    def __init__(self, spec: dict):
        if tuple(spec["features"]) != FEATURES:
            raise ValueError("names decision: the weights were trained on other features; retrain with "
                             "python -m mtqa.names.train")
        self.spec = spec
        self.weights = {k: [float(x) for x in v["weights"]] for k, v in spec["models"].items()}
        self.thresholds = {k: float(v["threshold"]) for k, v in spec["models"].items()}

    def probability(self, vec, with_lm: bool = False, model: "str | None" = None) -> float:
        w = self.weights[model or ("full" if with_lm else "rules")]
        z = sum(a * b for a, b in zip(w, vec))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def threshold(self, with_lm: bool = False, model: "str | None" = None) -> float:
        return self.thresholds[model or ("full" if with_lm else "rules")]

    @property
    def has_source(self) -> bool:
        """Whether a vector for mentions linked to the original was trained (``source``)."""
        return "source" in self.weights


@lru_cache(maxsize=1)
def default_decision() -> Decision:
    text = resources.files("mtqa.data.entities").joinpath(FILE).read_text(encoding="utf-8")
    return Decision(json.loads(text))
