"""Rules: one module per family, each rule registered with a stable code.

=======  ===========  ==========================================
prefix   family       module
=======  ===========  ==========================================
CAS      casing       ``mtqa/rules/casing.py``
QUO      quote        ``mtqa/rules/quotes.py``
ATT      attribution  ``mtqa/rules/attribution.py``
TYP      typography   ``mtqa/rules/typography.py``
LNG      language     ``mtqa/rules/language.py``
REP      repetition   ``mtqa/rules/repetition.py``
NAM      name         ``mtqa/rules/names.py``, ``mtqa/rules/names_context.py``
PHR      phrase       ``mtqa/rules/phrases.py``
FLU      fluency      ``mtqa/rules/fluency.py``
SRC      source       ``mtqa/rules/source.py`` (with the original: ``--source``)
=======  ===========  ==========================================
"""

from __future__ import annotations

from mtqa.importing import import_listed
from mtqa.rules.base import REGISTRY, Rule, matches_code, register

FAMILY_MODULES = ("casing", "casing_names", "quotes", "attribution", "typography", "language", "repetition", "names", "names_context", "phrases", "fluency", "source")

__all__ = ["REGISTRY", "Rule", "all_rules", "get_rule", "matches_code", "register", "unknown_selector"]

_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    import_listed("mtqa.rules", FAMILY_MODULES)
    _loaded = True


def all_rules() -> list[type[Rule]]:
    _load()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def get_rule(code: str) -> type[Rule] | None:
    _load()
    code = code.upper()
    if code in REGISTRY:
        return REGISTRY[code]
    for cls in REGISTRY.values():
        if cls.name == code.lower():
            return cls
    return None


def unknown_selector(where: str, selectors) -> "str | None":
    """The message for the first rule code or prefix that selects no rule (a typo: a gate
    that silently checks nothing would pass everything), or None when all select some."""
    codes = [r.code for r in all_rules()]
    for sel in selectors:
        key = str(sel).strip().upper()
        if key and key != "ALL" and not any(c.startswith(key) for c in codes):
            prefixes = sorted({c[:3] for c in codes})
            return (f"{where}: unknown rule code or prefix {sel!r} (valid: ALL, {', '.join(prefixes)}, "
                    "or a full code such as CAS001; `mtqa rules` lists them)")
    return None
