"""News language model (newslm): corpus preparation, tokenizer, training, export.

Entry points (import them from their modules; the submodule names double as
``python -m`` commands, so they are deliberately not re-exported here, which would be
shadowed by the submodules once imported):

- ``from mtqa.lm.prepare import prepare``  ``prepare(config_path, compare_vocab=None, force=False)``
- ``from mtqa.lm.train import train``      ``train(config_path, resume=True, max_minutes=None)``
- ``from mtqa.lm.export import export``    ``export(config_path, out_dir=None, checkpoint=None)``
- ``from mtqa.lm.scoring import NewsLM``   reference sentence scorer (surprisal in bits)
- ``normalize_text(s)`` / ``split_sentences(par)``: the normalisation and sentence splitter
  used for training data; apply ``normalize_text`` before scoring.

Command line: ``python -m mtqa.lm.prepare CONFIG``, ``python -m mtqa.lm.train CONFIG``,
``python -m mtqa.lm.export CONFIG``, ``python -m mtqa.lm.measure``.
"""
from .normalize import normalize_text, split_sentences

__all__ = ["normalize_text", "split_sentences"]
