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


class CheckContext:
    def __init__(self, config: Config):
        self.config = config
        self._resources: dict[str, Any] = {}
        self.allowed = frozenset(a.casefold() for a in config.allow)

    def get(self, name: str) -> Any:
        if name not in self._resources:
            factory = RESOURCE_FACTORIES.get(name)
            if factory is None:
                raise KeyError(f"no resource named {name!r}")
            self._resources[name] = factory(self.config)
        return self._resources[name]

    def put(self, name: str, value: Any) -> None:
        self._resources[name] = value

    def is_allowed(self, text: str) -> bool:
        return text.casefold() in self.allowed
