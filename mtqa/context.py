"""Shared, lazily built resources for one checking run (gazetteer, LM...).

Rules ask the context for what they need; nothing heavy is built unless a
selected rule asks for it, so a rules-only run never imports torch.
"""

from __future__ import annotations

from typing import Any, Callable

from mtqa.config import Config

RESOURCE_FACTORIES: dict[str, Callable[[Config], Any]] = {}


def resource(name: str):
    """Register a factory ``f(config) -> resource`` under ``name``."""

    def deco(fn: Callable[[Config], Any]) -> Callable[[Config], Any]:
        RESOURCE_FACTORIES[name] = fn
        return fn

    return deco


# progress(stage, done, total, chars): a stage of checking a batch of ``chars`` characters
Progress = Callable[[str, int, int, int], None]


class CheckContext:
    def __init__(self, config: Config):
        self.config = config
        self._resources: dict[str, Any] = {}
        self.allowed = frozenset(a.casefold() for a in config.allow)
        self._progress: Progress | None = None

    @property
    def progress(self) -> Progress | None:
        """Where the checker reports how far a batch has got (``mtqa check``'s progress bar);
        resources with a ``progress`` attribute (the fluency scorer) report there too."""
        return self._progress

    @progress.setter
    def progress(self, callback: Progress | None) -> None:
        self._progress = callback
        for res in self._resources.values():
            if hasattr(res, "progress"):
                res.progress = callback

    def get(self, name: str) -> Any:
        if name not in self._resources:
            factory = RESOURCE_FACTORIES.get(name)
            if factory is None:
                raise KeyError(f"no resource named {name!r}")
            res = self._resources[name] = factory(self.config)
            if self._progress is not None and hasattr(res, "progress"):
                res.progress = self._progress
        return self._resources[name]

    def put(self, name: str, value: Any) -> None:
        self._resources[name] = value

    def is_allowed(self, text: str) -> bool:
        return text.casefold() in self.allowed
