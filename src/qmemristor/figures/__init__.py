"""Paper figures: one module per figure, each registering ``make(config) -> (Figure, Dataset)``.

A figure module calls :func:`register` at import; :func:`available` imports every module of
this package and returns the registry, so a new figure is one new file and nothing else.
Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot, no global state).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["FigureConfig", "FigureSpec", "available", "get", "register"]


@dataclass(frozen=True)
class FigureConfig:
    """How to draw a figure.

    Attributes
    ----------
    quick : bool
        Reduced resolution that still runs every code path (for CI); the default is the full
        figure.
    seed : int
        Seed of every random draw (shot noise); the same seed gives bit-identical data on
        the same machine and installation.
    """

    quick: bool = False
    seed: int = 20220824


MakeFn = Callable[[FigureConfig], "tuple[Figure, xr.Dataset]"]


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its name, the paper figure it reproduces, and how to make it."""

    name: str
    paper: str
    summary: str
    make: MakeFn


_REGISTRY: dict[str, FigureSpec] = {}


def register(name: str, *, paper: str, summary: str) -> Callable[[MakeFn], MakeFn]:
    """Decorator: register ``make`` under ``name`` (e.g. ``"memristor-fig1"``)."""

    def deco(make: MakeFn) -> MakeFn:
        if name in _REGISTRY and _REGISTRY[name].make is not make:
            raise RuntimeError(f"figure {name!r} registered twice")
        _REGISTRY[name] = FigureSpec(name, paper, summary, make)
        return make

    return deco


def _natural_key(name: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def available() -> dict[str, FigureSpec]:
    """Import every figure module and return the registry in natural order (fig2 < fig10)."""
    for mod in pkgutil.iter_modules(__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")
    return {k: _REGISTRY[k] for k in sorted(_REGISTRY, key=_natural_key)}


def get(name: str) -> FigureSpec:
    """The figure registered as ``name``, or a :class:`ParameterError` listing the valid names."""
    figs = available()
    if name not in figs:
        raise ParameterError(f"unknown figure {name!r}; choose one of: {', '.join(figs)} or all")
    return figs[name]
