"""Byte-level BPE tokenizer (``tokenizers`` library) for newslm.

Byte-level: every input byte maps to a base symbol, so no input is ever unknown.
No prefix space is added: a sentence scored after the BOS token starts with its first
word without a leading space ("The", not " The"), exactly as in training where every
sentence follows ``<|endoftext|>``.
"""
from __future__ import annotations

from pathlib import Path

EOT = "<|endoftext|>"


def train_bpe(texts, vocab_size: int, min_frequency: int = 2):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers, processors

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=[EOT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    assert tok.token_to_id(EOT) == 0
    return tok


def to_hf(tok_or_path, model_max_length: int = 128):
    """Wrap a tokenizers.Tokenizer (or tokenizer.json path) as a PreTrainedTokenizerFast
    with bos/eos/pad/unk all set to <|endoftext|> (GPT-2 convention)."""
    from transformers import PreTrainedTokenizerFast
    from tokenizers import Tokenizer
    if isinstance(tok_or_path, (str, Path)):
        tok_or_path = Tokenizer.from_file(str(tok_or_path))
    return PreTrainedTokenizerFast(
        tokenizer_object=tok_or_path, bos_token=EOT, eos_token=EOT, pad_token=EOT,
        unk_token=EOT, model_max_length=model_max_length, padding_side="right",
        add_prefix_space=False, clean_up_tokenization_spaces=False)
