"""numba-compiled vector field of §N2 (imported only when numba is installed).

One compiled field serves every integrator: :func:`field` (one point, scalars in and out,
F_ij table kernel :func:`fij0` inlined) is what the batched sweep integrator
(:mod:`qmemristor.sweeps._kernel`) inlines into its Dormand–Prince stages, and
:func:`rhs_kernel` wraps it as ``f(y) -> array`` for SciPy's solvers
(:mod:`qmemristor.neuron.dynamics`).  Both compute exactly the formulas of
:func:`qmemristor.neuron.model.rhs` (tested against it).  Why compiled: an ODE solver calls the
vector field ~10⁵ times per trajectory; the plain-Python :func:`~.model.rhs` costs ≈21 µs a
call, :func:`rhs_kernel` a few µs including numba's dispatch (``benchmarks/neuron_simulate.py``).
Compiled once per machine (``cache=True``).

numba's cache keys a function on its own source file only: after editing this module, clear
the ``__pycache__/*.nbi`` files of :mod:`qmemristor.sweeps` too (an installed package gets new
file times on every install, so users are not affected).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .device import FijTables


def panel_major(coefs: np.ndarray) -> np.ndarray:
    """The order-0 Chebyshev coefficients re-laid as ``cf[panel, function, k]`` (contiguous)."""
    return np.ascontiguousarray(np.transpose(coefs[0], (1, 2, 0)))


def panel_lookup(breaks: np.ndarray, n_buckets: int = 1024) -> tuple[np.ndarray, float]:
    """Bucket table for the panel search: ``lut[b]`` = panel of ``b·w``, w = x_tail/n_buckets.

    Returns ``(lut, 1/w)``.  :func:`fij0` corrects the guess by walking to the right panel, so
    the result does not depend on the bucket count (only the speed does).
    """
    width = (breaks[-1] - breaks[0]) / n_buckets
    edges = breaks[0] + width * np.arange(n_buckets + 1)
    lut = np.searchsorted(breaks, edges, side="right") - 1
    return np.clip(lut, 0, breaks.size - 2).astype(np.int64), 1.0 / width


@numba.njit(cache=True, nogil=True, inline="always")
def fij0(breaks, lut, inv_w, cf, x_tail, ta, tb, tc, x):
    """(F00, F01, F11)(x): :func:`qmemristor.neuron.device.fij_point` at order 0, rewritten.

    Same arithmetic in the same order (results within 4 ulps of :func:`~.device.evaluate`,
    tested: this ``exp`` is the C library's, NumPy's its own), but the coefficients
    are read from the panel-major copy ``cf`` (:func:`panel_major`) and the three Clenshaw
    recurrences are interleaved.  Measured reason: 77 ns per call instead of 220 ns for
    ``numba.njit(fij_point)`` (the kernel's hot spot: 6 calls per Runge–Kutta step).  The
    panel is found from the bucket table ``lut`` (:func:`panel_lookup`) instead of a binary
    search: 77 ns instead of 160 ns per call when x jumps around.  It is the panel
    ``searchsorted(breaks, |x|, "right") − 1`` clipped to the valid range, as in fij_point.
    """
    ax = abs(x)
    if ax <= x_tail:
        last = breaks.shape[0] - 2
        b = min(int(ax * inv_w), lut.shape[0] - 1)
        j = lut[b]
        while j < last and breaks[j + 1] <= ax:
            j += 1
        while j > 0 and breaks[j] > ax:
            j -= 1
        left = breaks[j]
        right = breaks[j + 1]
        t = (2.0 * ax - left - right) / (right - left)
        t2 = 2.0 * t
        a1 = a2 = b1 = b2 = c1 = c2 = 0.0
        for k in range(cf.shape[2] - 1, 0, -1):
            a1, a2 = cf[j, 0, k] + t2 * a1 - a2, a1
            b1, b2 = cf[j, 1, k] + t2 * b1 - b2, b1
            c1, c2 = cf[j, 2, k] + t2 * c1 - c2, c1
        r0 = cf[j, 0, 0] + t * a1 - a2
        r1 = cf[j, 1, 0] + t * b1 - b2
        r2 = cf[j, 2, 0] + t * c1 - c2
    else:
        r0 = r1 = r2 = 0.0
        for k in range(ta.shape[0]):
            e = math.exp(tb[k] - ta[k] * ax)
            r0 += tc[0, k] * 1.0 * e
            r1 += tc[1, k] * 1.0 * e
            r2 += tc[2, k] * 1.0 * e
    if x < 0:
        r1 = -r1  # F01 is odd, F00 and F11 even
    return r0, r1, r2


@numba.njit(cache=True, nogil=True, inline="always")
def field(bx, by, bz, v, v_in, r_m, gamma, ag, z_t, omega, x0, c, tab):
    """dy/dt of docs/theory.md §N2 for one point (ag = αΓ, c = l√2), as a tuple (dX, dY, dZ, dV).

    ``tab`` = (breaks, lut, inv_w, cf, x_tail, tail_a, tail_b, tail_c) for :func:`fij0`.
    """
    breaks, lut, inv_w, cf, x_tail, ta, tb, tc = tab
    f00, f01, f11 = fij0(breaks, lut, inv_w, cf, x_tail, ta, tb, tc, x0 - c * v)
    g = 0.5 * ((1.0 + bz) * f00 + 2.0 * bx * f01 + (1.0 - bz) * f11)
    dv = v_in - (1.0 + r_m * g) * v
    return (
        omega * by + 2.0 * dv * bz - gamma * bx,
        -omega * bx - gamma * by,
        -2.0 * dv * bx - ag * (bz - z_t),
        dv,
    )


def field_tables(tables: FijTables) -> tuple:
    """``tab`` for :func:`field` from the device tables (fresh C-contiguous arrays)."""
    breaks = np.array(tables.breaks, dtype=float, order="C")
    lut, inv_w = panel_lookup(breaks)
    return (
        breaks,
        lut,
        inv_w,
        panel_major(tables.coefs),
        float(tables.x_tail),
        np.array(tables.tail_a, dtype=float, order="C"),
        np.array(tables.tail_b, dtype=float, order="C"),
        np.array(tables.tail_c, dtype=float, order="C"),
    )


@numba.njit(cache=True, nogil=True)
def rhs_kernel(y, pvec, c, tab):  # pragma: no cover - compiled
    """dy/dt for ``y = (X, Y, Z, V)``; ``pvec`` in the order of ``PARAM_NAMES``, c = l√2."""
    out = np.empty(4)
    out[0], out[1], out[2], out[3] = field(
        y[0], y[1], y[2], y[3], pvec[0], pvec[1], pvec[2], pvec[3] * pvec[2], pvec[4], pvec[5],
        pvec[6], c, tab,
    )  # fmt: skip
    return out
