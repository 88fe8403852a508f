"""The language model's verdict on a suspect name: its sentence re-scored with each candidate.

For a suspect span in a document and candidate spellings, the *margin* of a
candidate is ``log p(text with the candidate) − log p(text as written)`` in
nats, under the fluency model (any :class:`mtqa.fluency.engine.Engine`:
SmolLM2 by default, newslm-5m or any ``--model``).  Every variant of every
suspect in a batch of documents is scored in one batched call.  The text is
the document around the span, up to :data:`LEFT_CHARS` before it and
:data:`RIGHT_CHARS` after it, cut at spaces: another mention of the name before
it ("Sergei Furgal, … supporters of Furgala": +10.3 nats for "Furgal" with the
first sentence, −0.05 without it) or after it is what the model needs to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

LEFT_CHARS = 300
RIGHT_CHARS = 120


@dataclass(frozen=True)
class Query:
    """One suspect: ``text[start:end]`` in its sentence ``text``, and the forms to try."""

    text: str
    start: int
    end: int
    forms: tuple[str, ...]
    left: int = LEFT_CHARS  # characters of context before the span, and after it
    right: int = RIGHT_CHARS


def _window(q: Query) -> tuple[str, int, int]:
    a = max(0, q.start - q.left)
    b = min(len(q.text), q.end + q.right)
    if a > 0:  # start at a word boundary
        sp = q.text.find(" ", a)
        a = sp + 1 if 0 <= sp < q.start else a
    if b < len(q.text):
        sp = q.text.rfind(" ", q.end, b)
        b = sp if sp > q.end else b
    return q.text[a:b], q.start - a, q.end - a


#: queries scored per engine call: a long document's hundreds of suspects are scored in
#: turns, so its token ids and log-probs are held a chunk at a time (the forward is
#: batch-invariant: the margins do not depend on the chunk)
QUERY_CHUNK = 256


def margins(engine, queries: Sequence[Query]) -> list[list[float]]:
    """For each query, the margin (nats) of each of its forms over the text as written."""
    out: list[list[float]] = []
    for a in range(0, len(queries), QUERY_CHUNK):
        out += _margins(engine, queries[a:a + QUERY_CHUNK])
    return out


def _margins(engine, queries: Sequence[Query]) -> list[list[float]]:
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for q in queries:
        w, s, e = _window(q)
        texts.append(w)
        for f in q.forms:
            texts.append(w[:s] + f + w[e:])
        spans.append((len(texts) - len(q.forms) - 1, len(q.forms)))
    if not texts:
        return []
    ids, _ = engine.encode(texts)
    lps = engine.logprobs(ids)
    totals = [float(x.sum(dtype="float64")) for x in lps]
    out = []
    for base, n in spans:
        out.append([round(totals[base + 1 + j] - totals[base], 4) for j in range(n)])
    return out
