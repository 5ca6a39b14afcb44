"""Exceptions that mean "the input is wrong", as opposed to a bug.

The CLI turns these into one line on stderr and exit code 2.  Everything below the CLI raises
them (never prints), so the Python API gets ordinary exceptions it can catch.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "DataFileError",
    "NumericalError",
    "ParameterError",
    "ResourceLimitError",
    "check_finite",
    "check_nonnegative",
    "check_positive",
    "check_range",
    "check_time_grid",
]


class ParameterError(ValueError):
    """An unphysical, out-of-range or malformed parameter."""


class DataFileError(ValueError):
    """A data file that is missing, corrupt, or not one this project wrote."""


class NumericalError(ValueError):
    """A computation that could not reach the accuracy asked for (a solver gave up, a result
    left the representable range).  Reported like bad input: the remedy is another input
    (tolerances, step limits, parameters), not a bug fix."""


class ResourceLimitError(ParameterError):
    """A run whose estimated memory or work is beyond the budget (:mod:`qmemristor.limits`).

    Raised before anything is allocated or integrated; the message names the estimate, the
    budget and the remedy.
    """


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


def check_time_grid(
    t: object,
    *,
    name: str = "t",
    min_size: int = 1,
    start_at_zero: bool = False,
    uniform: bool = False,
    rtol: float = 1e-9,
    uniform_hint: str = "",
) -> NDArray[np.float64]:
    """``t`` as a 1-D float array: finite, strictly increasing, at least ``min_size`` long.

    One check for every module that integrates, propagates or differentiates on a time grid;
    ``name`` is how the grid is called in the messages (``"t"``, ``"the time grid"``).

    Parameters
    ----------
    start_at_zero : bool
        ``t[0]`` must be exactly 0 (protocols whose step ``i`` starts at ``t_i``).
    uniform : bool
        Every step must equal the mean step ``(t[-1] − t[0])/(n − 1)`` within
        ``max(rtol·mean, 8 ε max|t|)``.  The floor is the round-off of a grid built as
        ``arange(n)·Δt``: each time is rounded to the nearest double, so its steps scatter by
        about ``ulp(t[-1]) ≈ ε·t[-1]``, beyond ``1e-9·Δt`` once the grid has ~1e6 points.
    uniform_hint : str
        Appended to the message of a non-uniform grid (why it must be uniform, what to do).
    """
    import numpy as np

    try:
        arr = np.asarray(t, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a 1-D array of times") from None
    if arr.ndim != 1 or arr.size < min_size:
        what = "a non-empty 1-D grid of" if min_size <= 1 else f"a 1-D grid of at least {min_size}"
        raise ParameterError(f"{name} must be {what} times (got shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must hold finite times")
    if start_at_zero and arr[0] != 0.0:
        raise ParameterError(f"{name} must start at t = 0 (got t[0] = {arr[0]:g})")
    steps = np.diff(arr)
    if np.any(steps <= 0):
        raise ParameterError(f"{name} must be strictly increasing")
    if uniform and steps.size:
        mean = float(arr[-1] - arr[0]) / steps.size
        dev = float(np.max(np.abs(steps - mean)))
        floor = 8 * float(np.finfo(float).eps) * float(max(abs(arr[0]), abs(arr[-1])))
        if dev > max(rtol * mean, floor):
            hint = f" ({uniform_hint})" if uniform_hint else ""
            raise ParameterError(
                f"{name} must be uniform: its steps vary by {dev / mean:.2g} relative to the "
                f"mean step{hint}"
            )
    return arr
