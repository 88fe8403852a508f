"""The WMT21 ru-en bitext (``../shared/data/mt_bitext/wmt21_ru_en``): the one reader.

1,000 Russian source lines in 107 documents, two human references (``A``, ``B``) and ten
system outputs, line-aligned.  :func:`load` reads it; :func:`documents` builds mtqa
documents with their original attached, in one of two layouts:

* ``lines`` — one document per line, its original the source line (what the garble set's
  ``segment`` indexes);
* ``paragraphs`` — one document per news document, its lines joined by a space (both
  sides), so sentence segmentation and alignment are mtqa's own.

Document parts (``development`` / ``report``) are :func:`_parts.bitext_part`.  The sentences
are never copied into the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from _parts import bitext_part

SIDES_REF = ("A", "B")
SYSTEMS = ("AFRL", "Facebook-AI", "Manifold", "NVIDIA-NeMo", "NiuTrans", "Online-A", "Online-B", "Online-G",
           "Online-W", "Online-Y")


@dataclass
class Bitext:
    src: list[str]
    docids: list[str]
    sides: dict[str, list[str]]  # "A", "B", or a system name -> lines

    def doc_lines(self) -> dict[str, list[int]]:
        """doc id -> its line indices, in order (documents in file order)."""
        out: dict[str, list[int]] = {}
        for i, d in enumerate(self.docids):
            out.setdefault(d, []).append(i)
        return out

    def part(self, line: int) -> str:
        return bitext_part(self.docids[line])


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load(data: Path, sides=SIDES_REF + SYSTEMS) -> Bitext:
    base = data / "mt_bitext" / "wmt21_ru_en" / "newstest2021.ru-en."
    src = _lines(Path(str(base) + "src.ru"))
    docids = _lines(Path(str(base) + "docids"))
    got = {}
    for s in sides:
        name = f"ref.{s}.en" if s in SIDES_REF else f"hyp.{s}.en"
        got[s] = _lines(Path(str(base) + name))
        assert len(got[s]) == len(src), f"{name}: {len(got[s])} lines, the source {len(src)}"
    return Bitext(src, docids, got)


def documents(bt: Bitext, side: str, layout: str = "lines", part: str = "all"):
    """[(key, Document)] of one side with its original attached; ``key`` is the line index
    (lines) or (doc id, [line indices], [start offsets of each line in the text]) (paragraphs)."""
    from mtqa.document import Document
    from mtqa.source import Original

    out = []
    lines = bt.sides[side]
    if layout == "lines":
        for i, (t, s) in enumerate(zip(lines, bt.src)):
            if part != "all" and bt.part(i) != part:
                continue
            d = Document(source=f"{side}:{i}", text=t)
            d.original = Original(s, lang="ru", name=f"src:{i}")
            out.append((i, d))
        return out
    for doc, idx in bt.doc_lines().items():
        if part != "all" and bitext_part(doc) != part:
            continue
        starts, pos = [], 0
        for i in idx:
            starts.append(pos)
            pos += len(lines[i]) + 1
        text = " ".join(lines[i] for i in idx)
        d = Document(source=f"{side}:{doc}", text=text)
        d.original = Original(" ".join(bt.src[i] for i in idx), lang="ru", name=f"src:{doc}")
        out.append(((doc, idx, starts), d))
    return out
