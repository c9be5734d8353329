"""Node kinds of the scenario tree, one module each; the registry maps a kind name to its class.

A module adds a kind by decorating its class with ``@register``; nothing in the compiler
names a kind, so a new kind is a new module in this package and nothing else.
"""
from __future__ import annotations

import importlib
import pkgutil

_REGISTRY: dict = {}
_loaded = False


def register(cls):
    _REGISTRY[cls.kind] = cls()
    return cls


def registry() -> dict:
    """Kind name → kind object; loads the kind modules on first use (they import the compiler's IR)."""
    global _loaded
    if not _loaded:
        _loaded = True
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
            if info.name != "base":
                importlib.import_module(f"{__name__}.{info.name}")
    return _REGISTRY


def kind_of(name: str):
    return registry().get(name)
