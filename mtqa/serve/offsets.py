"""Offsets in code points (what mtqa reports) and in UTF-16 code units (what
JavaScript, Java and LanguageTool count): a character outside the Basic
Multilingual Plane (most emoji, 😀) is one code point but two UTF-16 units."""

from __future__ import annotations

from bisect import bisect_left


class Utf16Offsets:
    """Convert offsets into ``text`` between code points and UTF-16 code units."""

    def __init__(self, text: str):
        # code point indices of the astral characters: a text without any converts for free
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        # their positions in UTF-16 units, for the reverse direction
        self._astral16 = [i + k for k, i in enumerate(self._astral)]

    def utf16(self, cp: int) -> int:
        """The UTF-16 offset of code point offset ``cp``."""
        return cp + bisect_left(self._astral, cp) if self._astral else cp

    def code_point(self, u16: int) -> int:
        """The code point offset of UTF-16 offset ``u16`` (one inside a surrogate pair maps to its character)."""
        if not self._astral:
            return u16
        k = bisect_left(self._astral16, u16)  # astral characters that start before u16
        if k and self._astral16[k - 1] == u16 - 1:  # u16 is the second unit of a surrogate pair
            return self._astral[k - 1]
        return u16 - k
