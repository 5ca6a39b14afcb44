"""Exceptions that mean "the input is wrong", as opposed to a bug.

The CLI turns these into one line on stderr and exit code 2.  Everything below the CLI raises
them (never prints), so the Python API gets ordinary exceptions it can catch.
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = [
    "DataFileError",
    "ParameterError",
    "check_finite",
    "check_nonnegative",
    "check_positive",
    "check_range",
]


class ParameterError(ValueError):
    """An unphysical, out-of-range or malformed parameter."""


class DataFileError(ValueError):
    """A data file that is missing, corrupt, or not one this project wrote."""


def check_finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise :class:`ParameterError` if it is not a finite real."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(f"{name} must be a real number (got {value!r})")
    x = float(value)
    if not math.isfinite(x):
        raise ParameterError(f"{name} must be finite (got {x})")
    return x


def check_positive(name: str, value: object) -> float:
    """Finite and strictly positive."""
    x = check_finite(name, value)
    if x <= 0:
        raise ParameterError(f"{name} must be > 0 (got {x:g})")
    return x


def check_nonnegative(name: str, value: object) -> float:
    """Finite and ≥ 0."""
    x = check_finite(name, value)
    if x < 0:
        raise ParameterError(f"{name} must be ≥ 0 (got {x:g})")
    return x


def check_range(
    name: str, value: object, lo: float, hi: float, *, hi_open: bool = False, span: str = ""
) -> float:
    """Finite and in ``[lo, hi]`` (or ``[lo, hi)`` with ``hi_open``).

    ``span`` is how the interval is written in the message (e.g. ``"[0, π/2]"``); by default it
    is built from ``lo`` and ``hi``.
    """
    x = check_finite(name, value)
    bad = x < lo or (x >= hi if hi_open else x > hi)
    if bad:
        span = span or f"[{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise ParameterError(f"{name} must be in {span} (got {x:g})")
    return x
