"""Compile a list of phrases into one trie-shaped regular expression.

An alternation of many literals (``a|b|c...``) makes Python's ``re`` try
every alternative at every position; the same set written as a trie
(``(?:se(?:cretary|curity)|st(?:ate|...))``) branches on one character at a
time and is many times faster.  Spaces inside phrases match runs of spaces or
tabs.
"""

from __future__ import annotations

import re
from typing import Iterable

_END = ""


def trie_pattern(phrases: Iterable[str], fold: bool = True) -> str:
    trie: dict = {}
    for p in phrases:
        words = p.split()
        if not words:
            continue
        key = " ".join(words)
        if fold:
            key = key.casefold()
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _render(trie)


def _render(node: dict) -> str:
    ends = _END in node
    branches = [(_atom(ch) + _render(child)) for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        body = "(?:" + body + ")?"
    return body


def _atom(ch: str) -> str:
    return r"[ \t]+" if ch == " " else re.escape(ch)


def compile_phrases(phrases: Iterable[str], prefix: str = "", suffix: str = "", flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(prefix + "(?:" + trie_pattern(phrases) + ")" + suffix, flags)
