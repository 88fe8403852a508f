"""The gazetteer normalizer: entity names garbled by machine translation →
canonical English forms.

>>> from mtqa.gazetteer import get_gazetteer
>>> gaz = get_gazetteer()
>>> [c.name for c in gaz.lookup("Dzhebhat EN-Nusra")]        # doctest: +SKIP
['Jabhat al-Nusra']

Modules:

* :mod:`~mtqa.gazetteer.model` — :class:`Entry` and :class:`Candidate`;
* :mod:`~mtqa.gazetteer.loader` — the TSV / bare-list file format, packaged files;
* :mod:`~mtqa.gazetteer.keys` — normalised form, phonetic skeleton, consonant key;
* :mod:`~mtqa.gazetteer.translit` — romanization schemes (iuliia, cyrtranslit, KMU 2010);
* :mod:`~mtqa.gazetteer.learned` — learned English → Russian transliteration for
  entries without a Cyrillic form;
* :mod:`~mtqa.gazetteer.index` — exact keys and the blocked fuzzy index;
* :mod:`~mtqa.gazetteer.matcher` — candidate spans in a document and the
  policy that turns matches into findings;
* :mod:`~mtqa.gazetteer.resource` — the ``gazetteer`` resource rules get
  from ``ctx.get("gazetteer")``, built once per process and cached on disk.
"""

from __future__ import annotations

from mtqa.gazetteer.loader import GazetteerError, parse_text, read_file
from mtqa.gazetteer.model import Candidate, Entry
from mtqa.gazetteer.resource import Gazetteer, get_gazetteer

__all__ = ["Candidate", "Entry", "Gazetteer", "GazetteerError", "get_gazetteer", "parse_text", "read_file"]
