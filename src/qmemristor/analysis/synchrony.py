"""Phase locking of two oscillating signals: event phases, phase difference, classification.

Phase definition (event phase).  The phase of a signal ``x(t)`` advances by 2π between
successive *upward crossings* of its time average over the window (crossing times by linear
interpolation between samples; at a mean crossing of a near-harmonic signal the curvature
vanishes, so the error is third order in the sample spacing) and linearly in between.
Chosen over the Hilbert phase because it needs no filtering, has no end effects and counts
cycles exactly (the frequency is ``2π (crossings − 1) / (last − first)``).

The phase difference ``Δφ = φ_2 − φ_1`` is sampled at each upward crossing of signal 2 that
lies between two crossings of signal 1: ``Δφ = −2π (t_2 − t_1,k) / (t_1,k+1 − t_1,k)``,
wrapped to (−π, π] (Δφ > 0: signal 2 leads).  Over the window: its circular mean, its
coherence ``R = |⟨e^{iΔφ}⟩|`` and its drift (the unwrapped Δφ, last minus first: +2π per
cycle that signal 2 gains).

Classification (:data:`LOCKING_STATES`): *quenched* if either span is below ``quench_span``
(oscillation death); else *unlocked* (quasi-periodic, phase slips) if the drift exceeds
``drift_tol``; else locked: *in-phase* if ``|Δφ| ≤ phase_tol``, *anti-phase* if ``|Δφ| ≥ π −
phase_tol``, *locked* at another phase otherwise.  A window with fewer than ``min_cycles``
crossings of an oscillating signal is *failed*.  A phase slip slower than the window is not
seen: the window must be long against the slip period of interest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_positive

__all__ = [
    "LOCKING_STATES",
    "LockingOptions",
    "locking_summary",
    "phase_difference",
    "upward_crossings",
]

#: Locking state codes and names.
LOCKING_STATES = {
    -1: "failed",
    0: "in-phase",
    1: "anti-phase",
    2: "locked",
    3: "unlocked",
    4: "quenched",
}


@dataclass(frozen=True)
class LockingOptions:
    """Thresholds of the classification (module docstring).

    Attributes
    ----------
    phase_tol : float
        Half-width (rad) of the in-phase and anti-phase classes, in (0, π/2).
    drift_tol : float
        Largest phase drift (rad) over the window of a locked pair.
    quench_span : float
        A signal whose span (max − min) is below this is not oscillating.
    min_cycles : int
        Fewest upward crossings per signal for a verdict.
    """

    phase_tol: float = 0.2
    drift_tol: float = 0.25
    quench_span: float = 1e-4
    min_cycles: int = 5

    def __post_init__(self) -> None:
        if not (0 < self.phase_tol < math.pi / 2):
            raise ParameterError(f"phase_tol must be in (0, π/2) (got {self.phase_tol!r})")
        check_positive("drift_tol", self.drift_tol)
        check_positive("quench_span", self.quench_span)
        if (
            isinstance(self.min_cycles, bool)
            or not isinstance(self.min_cycles, int)
            or (self.min_cycles < 3)
        ):
            raise ParameterError(f"min_cycles must be an integer ≥ 3 (got {self.min_cycles!r})")


def upward_crossings(t: ArrayLike, x: ArrayLike, level: float | None = None) -> NDArray:
    """Times where ``x`` crosses ``level`` upwards, linearly interpolated.

    Default level: the time average of ``x`` over whole cycles (between the first and last
    upward crossings of its plain mean; the plain mean of a window holding a fraction of a
    cycle is biased by O(span/(ω · window))).
    """
    t = np.asarray(t, dtype=float)
    x = np.asarray(x, dtype=float)
    if t.shape != x.shape or t.ndim != 1:
        raise ParameterError(f"t and x must be 1-D of one shape (got {t.shape}, {x.shape})")
    if level is None:  # the mean over whole cycles (first to last crossing of the mean)
        c = _crossings(t, x, float(np.mean(x)))
        inside = (t >= c[0]) & (t <= c[-1]) if c.size >= 2 else np.ones(t.size, bool)
        level = float(np.trapezoid(x[inside], t[inside]) / np.ptp(t[inside])) if (
            c.size >= 2) else float(np.mean(x))  # fmt: skip
    return _crossings(t, x, float(level))


def _crossings(t: NDArray, x: NDArray, lv: float) -> NDArray:
    i = np.flatnonzero((x[:-1] < lv) & (x[1:] >= lv))
    return t[i] + (lv - x[i]) / (x[i + 1] - x[i]) * (t[i + 1] - t[i])


def phase_difference(c1: ArrayLike, c2: ArrayLike) -> tuple[NDArray, NDArray]:
    """``(times, Δφ)``: ``φ_2 − φ_1`` in (−π, π] at the crossings ``c2`` of signal 2 that lie
    inside the crossings ``c1`` of signal 1 (module docstring)."""
    c1 = np.asarray(c1, dtype=float)
    c2 = np.asarray(c2, dtype=float)
    if c1.size < 2:
        return np.empty(0), np.empty(0)
    k = np.searchsorted(c1, c2, side="right") - 1
    ok = (k >= 0) & (k < c1.size - 1)
    k = k[ok]
    frac = (c2[ok] - c1[k]) / (c1[k + 1] - c1[k])
    return c2[ok], np.angle(np.exp(-2j * np.pi * frac))


def _frequency(c: NDArray) -> float:
    return 2 * math.pi * (c.size - 1) / (c[-1] - c[0])


def locking_summary(
    t: ArrayLike, x1: ArrayLike, x2: ArrayLike, options: LockingOptions | None = None
) -> dict[str, float]:
    """Frequencies, phase difference and locking state of two signals on one time grid.

    Returns
    -------
    dict
        ``omega_1``, ``omega_2`` (angular frequencies from the crossings), ``ratio`` =
        ω_2/ω_1, ``phase`` (circular mean of Δφ, rad), ``coherence`` R, ``drift`` (rad over
        the window), ``span_1``, ``span_2`` and ``state`` (a code of :data:`LOCKING_STATES`);
        NaN where undefined (frequencies of a quenched signal, phases of an unlocked pair
        keep their values: the mean of a drifting Δφ is still reported, with R < 1).
    """
    opt = options or LockingOptions()
    t = np.asarray(t, dtype=float)
    x1 = np.asarray(x1, dtype=float)
    x2 = np.asarray(x2, dtype=float)
    nan = math.nan
    out = {"omega_1": nan, "omega_2": nan, "ratio": nan, "phase": nan, "coherence": nan,
           "drift": nan, "span_1": nan, "span_2": nan, "state": -1.0}  # fmt: skip
    if not (np.all(np.isfinite(x1)) and np.all(np.isfinite(x2))) or t.size < 4:
        return out
    out["span_1"], out["span_2"] = float(np.ptp(x1)), float(np.ptp(x2))
    if min(out["span_1"], out["span_2"]) < opt.quench_span:
        out["state"] = 4.0
        return out
    c1, c2 = upward_crossings(t, x1), upward_crossings(t, x2)
    if min(c1.size, c2.size) < opt.min_cycles:
        return out
    out["omega_1"], out["omega_2"] = _frequency(c1), _frequency(c2)
    out["ratio"] = out["omega_2"] / out["omega_1"]
    _, dphi = phase_difference(c1, c2)
    if dphi.size < 2:
        return out
    z = np.exp(1j * dphi).mean()
    out["phase"], out["coherence"] = float(np.angle(z)), float(abs(z))
    un = np.unwrap(dphi)
    out["drift"] = float(un[-1] - un[0])
    if abs(out["drift"]) > opt.drift_tol:
        out["state"] = 3.0
    elif abs(out["phase"]) <= opt.phase_tol:
        out["state"] = 0.0
    elif abs(out["phase"]) >= math.pi - opt.phase_tol:
        out["state"] = 1.0
    else:
        out["state"] = 2.0
    return out
