"""Lazy re-exports for package ``__init__`` modules (PEP 562).

A subpackage lists ``name -> submodule`` once; the submodule is imported the first time the
name is used.  ``import qmemristor.analysis`` then costs nothing, while
``from qmemristor.analysis import span`` works as with eager imports.  Measured reason: eager
re-exports made every ``qmemristor`` CLI call import ``scipy.signal`` (≈1.2 s) and the
continuation code although most commands never use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` re-exporting ``name`` from ``.submodule``."""

    def __getattr__(name: str) -> Any:
        try:
            sub = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{sub}"), name)
        globals_ = importlib.import_module(package).__dict__
        globals_[name] = value  # cache: later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(exports) | set(importlib.import_module(package).__dict__))

    return __getattr__, __dir__
