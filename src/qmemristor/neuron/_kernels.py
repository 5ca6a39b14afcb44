"""numba-compiled vector field of §N2 for one state (imported only when numba is installed).

:func:`rhs_kernel` computes exactly the formulas of :func:`qmemristor.neuron.model.rhs` with
the compiled F_ij kernel (:func:`qmemristor.neuron.device.fij_point`).  Why: an ODE solver calls
the vector field ~10⁵ times per trajectory; the plain-Python :func:`~.model.rhs` costs ≈21 µs
a call, this one ≈4 µs including numba's dispatch: ×1.5 for ``solve_ivp`` (whose own step
overhead dominates), ×4 for ``odeint`` (``benchmarks/neuron_simulate.py``).  Compiled once
per machine (``cache=True``), ≈3 s.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .device import fij_point

_fij = numba.njit(cache=True)(fij_point)


@numba.njit(cache=True)
def rhs_kernel(y, pvec, l, breaks, coefs, x_tail, tail_a, tail_b, tail_c):  # pragma: no cover
    """dy/dt for ``y = (X, Y, Z, V)``, ``pvec`` in the order of ``PARAM_NAMES``."""
    F = np.empty(3)
    bx, by, bz, v = y[0], y[1], y[2], y[3]
    _fij(breaks, coefs, x_tail, tail_a, tail_b, tail_c, pvec[6] - l * math.sqrt(2.0) * v, 0, F)
    g = 0.5 * ((1.0 + bz) * F[0] + 2.0 * bx * F[1] + (1.0 - bz) * F[2])
    dv = pvec[0] - (1.0 + pvec[1] * g) * v
    out = np.empty(4)
    out[0] = pvec[5] * by + 2.0 * dv * bz - pvec[2] * bx
    out[1] = -pvec[5] * bx - pvec[2] * by
    out[2] = -2.0 * dv * bx - pvec[3] * pvec[2] * (bz - pvec[4])
    out[3] = dv
    return out
