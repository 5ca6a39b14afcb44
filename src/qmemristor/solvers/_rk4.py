"""Compiled fixed-step RK4 with a piecewise-constant input, for any model's field.

The field is a typed function pointer (:data:`qmemristor._odekernels.FieldType`): compiled
once for every model, cached by numba.  Used by :func:`qmemristor.solvers.rk4_holds`.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types

from .._odekernels import A1, A2, F8, FieldType

A4 = types.float64[:, :, :, ::1]


@numba.njit(
    A4(FieldType, A2, A2, A1, A1, types.int64, types.int64, types.int64, F8),
    cache=True,
    nogil=True,
)  # fmt: skip
def run_holds(f, y0, inputs, p, aux, k_in, n_virtual, substeps, dt):  # pragma: no cover
    """States after every ``substeps`` RK4 steps of every hold, shape (n, n_virtual, nodes, d).

    ``y0`` (nodes, d); ``inputs`` (n, nodes): the value of parameter ``k_in`` during hold k at
    node i; each hold is ``n_virtual × substeps`` steps of length ``dt``.
    """
    n, nodes = inputs.shape
    d = y0.shape[1]
    out = np.empty((n, n_virtual, nodes, d))
    pp = p.copy()
    k1 = np.empty(d)
    k2 = np.empty(d)
    k3 = np.empty(d)
    k4 = np.empty(d)
    tmp = np.empty(d)
    h2 = 0.5 * dt
    h6 = dt / 6.0
    t = 0.0
    for i in range(nodes):
        y = y0[i].copy()
        for k in range(n):
            pp[k_in] = inputs[k, i]
            for j in range(n_virtual):
                for _ in range(substeps):
                    f(t, y, pp, aux, k1)
                    for c in range(d):
                        tmp[c] = y[c] + h2 * k1[c]
                    f(t, tmp, pp, aux, k2)
                    for c in range(d):
                        tmp[c] = y[c] + h2 * k2[c]
                    f(t, tmp, pp, aux, k3)
                    for c in range(d):
                        tmp[c] = y[c] + dt * k3[c]
                    f(t, tmp, pp, aux, k4)
                    for c in range(d):
                        y[c] += h6 * (k1[c] + 2.0 * k2[c] + 2.0 * k3[c] + k4[c])
                for c in range(d):
                    out[k, j, i, c] = y[c]
    return out
