"""Unigram log-probabilities from ``wordfreq`` (the SLOR baseline).

``log p_u(word)`` is the natural log of ``wordfreq.word_frequency(word, "en")``
(which case-folds, tokenises and combines multi-part words such as
"cease-fire" or "14-15").  Words wordfreq does not know (frequency 0:
garbled transliterations, rare names, typos) get :data:`UNKNOWN_FREQUENCY`,
about the frequency of the rarest words in its English list (1.02e-8), so
an unknown word is treated as "as rare as a word can be and still be
listed": rare-but-correct words are not rewarded, and a word the LM also
finds absurd still scores low.
"""

from __future__ import annotations

import math
from functools import lru_cache

UNKNOWN_FREQUENCY = 1e-8
UNKNOWN_LOGPROB = math.log(UNKNOWN_FREQUENCY)


@lru_cache(maxsize=500_000)
def unigram_logprob(word: str, lang: str = "en") -> float:
    """Natural-log unigram probability of ``word`` (floored for unknown words)."""
    from wordfreq import word_frequency

    f = word_frequency(word, lang)
    return math.log(f) if f > 0 else UNKNOWN_LOGPROB
