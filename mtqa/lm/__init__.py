"""News language model (newslm): corpus preparation, tokenizer, training, export.

Public entry points (kept import-light; torch is only imported when needed):

- ``normalize_text(s)``    text normalisation applied to training data; apply the
                            same normalisation before scoring.
- ``prepare(config_path)``  corpus preparation + tokenizer + uint16 token caches.
- ``train(config_path, resume=True)``  (re)start training from the latest checkpoint.
- ``export(config_path, out_dir=None, checkpoint=None)``  checkpoint -> models/newslm-*/.
"""
from .normalize import normalize_text, split_sentences

__all__ = ["normalize_text", "split_sentences", "prepare", "train", "export"]


def prepare(config_path, **kw):
    from .prepare import prepare as _p
    return _p(config_path, **kw)


def train(config_path, resume=True, **kw):
    from .train import train as _t
    return _t(config_path, resume=resume, **kw)


def export(config_path, out_dir=None, checkpoint=None):
    from .export import export as _e
    return _e(config_path, out_dir=out_dir, checkpoint=checkpoint)
