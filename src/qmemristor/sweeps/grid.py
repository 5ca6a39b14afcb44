"""Sweep specifications: axes ``NAME=START:STOP:NUM``, the frozen :class:`Sweep`, its chunks.

A sweep is a grid over one or more named parameters of a model (the *axes*, each a
``numpy.linspace``, inclusive), every other parameter fixed, plus the numerical options and a
seed.  It is cut into rectangular *chunks* (the unit of work, of storage and of resumption);
the chunk shape is part of the specification, so the same specification always gives the
same chunks and therefore the same results, whatever executes them and in which order: bit
for bit on one machine and installation, to round-off on workers elsewhere (libm, CPU).

The specification has a stable fingerprint (:attr:`Sweep.fingerprint`): SHA-256 of its
canonical JSON (sorted keys, floats written by ``repr`` so they round-trip) together with the
package version.  A store written by one specification refuses to be resumed by another.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..errors import ParameterError

__all__ = ["DEFAULT_CHUNK_POINTS", "Axis", "Chunk", "Sweep", "parse_axis"]

#: Default number of points per chunk (a chunk of the neuron takes ~1 s on one core).
DEFAULT_CHUNK_POINTS = 100

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _finite(text: str, what: str, spec: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise ParameterError(f"axis {spec!r}: {what} {text!r} is not a number") from None
    if not math.isfinite(x):
        raise ParameterError(f"axis {spec!r}: {what} must be finite (got {text!r})")
    return x


@dataclass(frozen=True)
class Axis:
    """One swept parameter: ``num`` values ``numpy.linspace(start, stop, num)`` (inclusive).

    Attributes
    ----------
    name : str
        Parameter name as the model spells it (e.g. ``"gamma"``, ``"z_t"``).
    start, stop : float
        First and last value (``stop < start`` sweeps downwards).
    num : int
        Number of values, ≥ 1 (``num = 1`` gives ``[start]``).
    """

    name: str
    start: float
    stop: float
    num: int

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ParameterError(f"axis name must be an identifier (got {self.name!r})")
        for what in ("start", "stop"):
            v = getattr(self, what)
            if isinstance(v, bool) or not isinstance(v, int | float | np.floating | np.integer):
                raise ParameterError(f"axis {self.name}: {what} must be a number (got {v!r})")
            if not math.isfinite(float(v)):
                raise ParameterError(f"axis {self.name}: {what} must be finite (got {v!r})")
            object.__setattr__(self, what, float(v))
        n = self.num
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ParameterError(f"axis {self.name}: NUM must be an integer ≥ 1 (got {n!r})")
        object.__setattr__(self, "num", int(n))

    @property
    def values(self) -> NDArray[np.float64]:
        """The parameter values, ``numpy.linspace(start, stop, num)``."""
        return self._values.copy()

    @cached_property
    def _values(self) -> NDArray[np.float64]:  # computed once, read-only (chunks slice it)
        v = np.linspace(self.start, self.stop, self.num)
        v.flags.writeable = False
        return v

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "stop": self.stop, "num": self.num}

    def __str__(self) -> str:
        return f"{self.name}={self.start!r}:{self.stop!r}:{self.num}"


def parse_axis(text: str) -> Axis:
    """Parse ``NAME=START:STOP:NUM`` (e.g. ``"gamma=0.01:1:100"``) into an :class:`Axis`.

    Raises :class:`ParameterError` with the expected syntax for anything malformed.
    """
    spec = str(text).strip()
    if spec.count("=") != 1:
        raise ParameterError(f"axis {spec!r} must look like NAME=START:STOP:NUM")
    name, rng = (s.strip() for s in spec.split("="))
    parts = rng.split(":")
    if not name or len(parts) != 3:
        raise ParameterError(f"axis {spec!r} must look like NAME=START:STOP:NUM")
    start = _finite(parts[0], "START", spec)
    stop = _finite(parts[1], "STOP", spec)
    num_text = parts[2].strip()
    if not re.fullmatch(r"[+-]?\d+", num_text) or int(num_text) < 1:
        raise ParameterError(f"axis {spec!r}: NUM must be an integer ≥ 1 (got {num_text!r})")
    return Axis(name, start, stop, int(num_text))


@dataclass(frozen=True)
class Chunk:
    """A rectangular block of the grid: ``index`` in the chunk grid and the slice per axis."""

    index: tuple[int, ...]
    slices: tuple[slice, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(s.stop - s.start for s in self.slices)

    @property
    def size(self) -> int:
        return math.prod(self.shape)


def _plain(v: Any) -> Any:
    """Option values as plain JSON scalars (numpy scalars → Python)."""
    if isinstance(v, np.generic):
        return v.item()
    return v


@dataclass(frozen=True)
class Sweep:
    """A complete, validated sweep specification (build it with :func:`~.runner.make_sweep`).

    Attributes
    ----------
    model : str
        Name of a registered sweep model (:mod:`qmemristor.sweeps.models`).
    axes : tuple of Axis
        The swept parameters, in dataset dimension order.
    fixed : tuple of (str, float)
        Every other model parameter with its value, sorted by name.
    options : tuple of (str, value)
        Numerical options of the model (time span, tolerances, ...), sorted by name.
    seed : int or None
        Seed of any randomness of the model (recorded in the attributes).
    chunk : tuple of int
        Chunk shape (one entry per axis).
    """

    model: str
    axes: tuple[Axis, ...]
    fixed: tuple[tuple[str, float], ...]
    options: tuple[tuple[str, Any], ...] = ()
    seed: int | None = None
    chunk: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.axes:
            raise ParameterError("a sweep needs at least one axis")
        names = [a.name for a in self.axes]
        if len(set(names)) != len(names):
            raise ParameterError(f"the same parameter appears on two axes ({', '.join(names)})")
        clash = sorted(set(names) & {k for k, _ in self.fixed})
        if clash:
            raise ParameterError(f"{', '.join(clash)} is swept and fixed at the same time")
        if not self.chunk:
            object.__setattr__(self, "chunk", default_chunk(self.shape))
        if len(self.chunk) != len(self.axes) or any(
            isinstance(c, bool) or not isinstance(c, int | np.integer) or c < 1 for c in self.chunk
        ):
            raise ParameterError(f"chunk shape {self.chunk} must be positive integers per axis")
        clipped = tuple(min(int(c), n) for c, n in zip(self.chunk, self.shape, strict=True))
        object.__setattr__(self, "chunk", clipped)
        object.__setattr__(self, "fixed", tuple(sorted((k, float(v)) for k, v in self.fixed)))
        object.__setattr__(self, "options", tuple(sorted((k, _plain(v)) for k, v in self.options)))

    # ---- grid ----------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """Axis names (dataset dimensions)."""
        return tuple(a.name for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.num for a in self.axes)

    @property
    def n_points(self) -> int:
        return math.prod(self.shape)

    @property
    def chunk_grid(self) -> tuple[int, ...]:
        """Number of chunks along each axis."""
        return tuple(-(-n // c) for n, c in zip(self.shape, self.chunk, strict=True))

    @property
    def n_chunks(self) -> int:
        return math.prod(self.chunk_grid)

    def coords(self) -> dict[str, NDArray[np.float64]]:
        """Axis name → values."""
        return {a.name: a.values for a in self.axes}

    def chunks(self) -> Iterator[Chunk]:
        """Every chunk, in C order of the chunk grid."""
        for index in np.ndindex(*self.chunk_grid):
            slices = tuple(
                slice(i * c, min((i + 1) * c, n))
                for i, c, n in zip(index, self.chunk, self.shape, strict=True)
            )
            yield Chunk(tuple(int(i) for i in index), slices)

    def chunk_at(self, index: tuple[int, ...]) -> Chunk:
        slices = tuple(
            slice(i * c, min((i + 1) * c, n))
            for i, c, n in zip(index, self.chunk, self.shape, strict=True)
        )
        return Chunk(tuple(index), slices)

    def chunk_parameters(self, chunk: Chunk) -> dict[str, NDArray[np.float64]]:
        """Every parameter of the points of ``chunk`` as flat arrays (C order of the block)."""
        values = [a._values[s] for a, s in zip(self.axes, chunk.slices, strict=True)]
        if len(values) == 1:
            grids = [values[0].copy()]
        else:
            grids = [g.reshape(-1) for g in np.meshgrid(*values, indexing="ij")]
        out = {a.name: g for a, g in zip(self.axes, grids, strict=True)}
        for k, v in self.fixed:
            out[k] = np.full(chunk.size, v)
        return out

    def flat_indices(self, chunk: Chunk) -> NDArray[np.int64]:
        """Flat (C-order) indices in the whole grid of the points of ``chunk``."""
        idx = np.meshgrid(*[np.arange(s.start, s.stop) for s in chunk.slices], indexing="ij")
        return np.ravel_multi_index(tuple(i.reshape(-1) for i in idx), self.shape)

    # ---- identity ------------------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form (what the store records)."""
        return {
            "model": self.model,
            "axes": [a.as_dict() for a in self.axes],
            "fixed": dict(self.fixed),
            "options": dict(self.options),
            "seed": self.seed,
            "chunk": list(self.chunk),
        }

    def to_json(self) -> str:
        return self._json

    @cached_property
    def _json(self) -> str:  # computed once: executors look a sweep up by it per chunk
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON and the package version (hex)."""
        text = f"qmemristor {__version__}\n{self.to_json()}"
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def fixed_dict(self) -> dict[str, float]:
        return dict(self.fixed)

    @property
    def options_dict(self) -> dict[str, Any]:
        return dict(self.options)


def default_chunk(shape: tuple[int, ...], points: int = DEFAULT_CHUNK_POINTS) -> tuple[int, ...]:
    """Chunk shape of about ``points`` points: whole rows of the last axis where they fit.

    Only the grid shape decides (not the number of workers), so resuming with another
    executor finds the same chunks.
    """
    chunk = [1] * len(shape)
    budget = max(1, int(points))
    for i in range(len(shape) - 1, -1, -1):
        take = min(shape[i], budget)
        chunk[i] = take
        budget = max(1, budget // max(take, 1))
        if take < shape[i]:
            break
    return tuple(chunk)
