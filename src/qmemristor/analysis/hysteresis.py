"""Hysteresis loops: split into drive periods, lobe-aware area, perimeter, form factor, pinch.

Conventions (docs/theory.md §M3, fixed because the value of F depends on them):

* V and I are normalised by their maximum absolute values over the whole run
  (:func:`loop_form_factors` does this; :func:`form_factor` uses the coordinates it is given);
* a loop is one drive period ``[kT, (k+1)T]`` closed by its chord (last point → first);
* ``S`` is the sum of the absolute areas of the lobes, the pieces between sign changes of V,
  each closed by its chord — the two lobes of a pinched figure-eight circulate in opposite
  directions, so a signed shoelace would cancel them;
* ``P`` is the perimeter of the closed polyline;
* ``F = 4π S / P²``, 1 for a circle, 1/2 for a figure-eight of two equal circles.

Everything here is arrays in, numbers out; no model is imported.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "form_factor",
    "is_pinched",
    "lobe_areas",
    "loop_form_factors",
    "loop_pinch_offsets",
    "perimeter",
    "period_slices",
    "pinch_offset",
    "shoelace_area",
]


def period_slices(t: ArrayLike, period: float, t0: float = 0.0) -> list[slice]:
    """Slices of ``t`` covering each complete period ``[t0 + kT, t0 + (k+1)T]``, ends included.

    A period counts only if the samples reach both of its ends (to ``1e-9·T``); periods with
    fewer than 3 samples are skipped.  Cost ``O(n + n_periods log n)``.
    """
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 3 or not period > 0:
        return []
    tol = 1e-9 * period
    k_max = int(np.floor((t[-1] - t0 + tol) / period))
    if k_max <= 0:
        return []
    lo = t0 + period * np.arange(k_max)
    hi = lo + period
    start = np.searchsorted(t, lo - tol, side="left")
    stop = np.searchsorted(t, hi + tol, side="right")
    keep = (t[0] <= lo + tol) & (stop - start >= 3)
    return [slice(int(a), int(b)) for a, b, ok in zip(start, stop, keep, strict=True) if ok]


def shoelace_area(x: ArrayLike, y: ArrayLike) -> float:
    """Signed area of the closed polygon through ``(x_i, y_i)`` (counter-clockwise > 0)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def perimeter(x: ArrayLike, y: ArrayLike, *, closed: bool = True) -> float:
    """Length of the polyline through ``(x_i, y_i)``, closed by its chord if ``closed``."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if closed:
        dx, dy = np.roll(x, -1) - x, np.roll(y, -1) - y
    else:
        dx, dy = np.diff(x), np.diff(y)
    return float(np.sum(np.hypot(dx, dy)))


def _with_axis_cuts(
    x: NDArray[np.float64], y: NDArray[np.float64], closed: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """The polyline with its crossings of ``x = 0`` inserted, and a mask of the cut points.

    Cut points are samples with ``x == 0`` and linear interpolants on segments where ``x``
    changes sign strictly.  With ``closed`` the chord from the last point to the first is a
    segment too.
    """
    x_next = np.roll(x, -1)
    y_next = np.roll(y, -1)
    cross = x * x_next < 0
    if not closed:
        cross[-1] = False
    s = np.divide(x, x - x_next, out=np.zeros_like(x), where=cross)
    counts = 1 + cross.astype(int)
    pos = np.cumsum(counts) - counts
    xs = np.empty(int(counts.sum()))
    ys = np.empty_like(xs)
    cut = np.zeros(xs.size, dtype=bool)
    xs[pos], ys[pos], cut[pos] = x, y, x == 0
    ins = pos[cross] + 1
    xs[ins], ys[ins], cut[ins] = 0.0, (y + s * (y_next - y))[cross], True
    return xs, ys, cut


def lobe_areas(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Signed areas of the lobes of the closed loop ``(x, y)``, split where ``x`` changes sign.

    Each lobe is closed by its chord; the chords lie on the axis ``x = 0`` and add nothing to
    the shoelace sum, so a lobe's area is the shoelace sum of its own edges.  A loop that never
    changes sign is one lobe.
    """
    xs, ys, cut = _with_axis_cuts(np.asarray(x, float), np.asarray(y, float), closed=True)
    terms = xs * np.roll(ys, -1) - np.roll(xs, -1) * ys
    idx = np.flatnonzero(cut)
    if idx.size == 0:
        return np.array([0.5 * terms.sum()])
    terms = np.roll(terms, -idx[0])
    return 0.5 * np.add.reduceat(terms, idx - idx[0])


def form_factor(x: ArrayLike, y: ArrayLike) -> float:
    """``F = 4π S / P²`` of the closed loop ``(x, y)`` (coordinates as given, no rescaling).

    ``S`` is the sum of absolute lobe areas (:func:`lobe_areas`), ``P`` the closed perimeter.
    Returns NaN for a loop of zero length (a single point has no shape).  F does not change
    when both coordinates are scaled by the same factor, so the loop is first scaled to
    ``max(|x|, |y|) = 1``: a tiny loop (a memristor whose coherence decayed to 1e-170) keeps
    its form factor instead of S/P² underflowing to 0/0.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    size = max(np.max(np.abs(x), initial=0.0), np.max(np.abs(y), initial=0.0))
    if not (size > 0 and np.isfinite(size)):
        return float("nan")
    x, y = x / size, y / size
    p = perimeter(x, y)
    if not p > 0:
        return float("nan")
    return float(4 * np.pi * np.abs(lobe_areas(x, y)).sum() / p**2)


def _normalised(v: ArrayLike, i: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """V and I divided by their maximum absolute values; an axis that is identically 0 stays
    0 (I ≡ 0 at γ0 = 0: the curve is a segment of the V axis, F = 0)."""
    v = np.asarray(v, dtype=float)
    i = np.asarray(i, dtype=float)
    vmax, imax = np.max(np.abs(v), initial=0.0), np.max(np.abs(i), initial=0.0)
    return (v / vmax if vmax > 0 else v.copy()), (i / imax if imax > 0 else i.copy())


def loop_form_factors(
    t: ArrayLike, v: ArrayLike, i: ArrayLike, period: float, t0: float = 0.0
) -> NDArray[np.float64]:
    """Form factor of each complete drive period of an I–V curve (docs/theory.md §M3 convention).

    V and I are first normalised by their maximum absolute values over the whole run.
    """
    vn, in_ = _normalised(v, i)
    return np.array([form_factor(vn[s], in_[s]) for s in period_slices(t, period, t0)])


def pinch_offset(v: ArrayLike, i: ArrayLike) -> float:
    """Largest ``|I|`` where the curve crosses ``V = 0``, relative to ``max|I|`` on the curve.

    Only the curve's own segments count (not the closing chord).  A memristor (I = ΓV) gives
    0 up to interpolation error ``O(Δt²)``; a loop that misses the origin gives the distance at
    which it crosses the I axis.  NaN if V never reaches 0.
    """
    v = np.asarray(v, dtype=float)
    i = np.asarray(i, dtype=float)
    imax = np.max(np.abs(i), initial=0.0)
    _, ys, cut = _with_axis_cuts(v, i, closed=False)
    if not cut.any() or not imax > 0:
        return float("nan")
    return float(np.max(np.abs(ys[cut])) / imax)


def is_pinched(v: ArrayLike, i: ArrayLike, tol: float = 0.02) -> bool:
    """Whether the curve passes through the origin: :func:`pinch_offset` ≤ ``tol``.

    The default 2 % allows the linear-interpolation error at 30 samples per period
    (``(ωΔt)²/8 ≈ 0.5 %``) with margin; a biased loop (the CRy control memristor) misses the
    origin by tens of per cent.
    """
    off = pinch_offset(v, i)
    return bool(np.isfinite(off) and off <= tol)


def loop_pinch_offsets(
    t: ArrayLike, v: ArrayLike, i: ArrayLike, period: float, t0: float = 0.0
) -> NDArray[np.float64]:
    """:func:`pinch_offset` of each complete drive period."""
    v = np.asarray(v, dtype=float)
    i = np.asarray(i, dtype=float)
    return np.array([pinch_offset(v[s], i[s]) for s in period_slices(t, period, t0)])
