"""Compiled field and Jacobians of two coupled neurons (imported only when a kernel runs).

No equation is written here: neuron k's rates are the single neuron's
:func:`~.model.field_terms` at the effective input :func:`~.coupled.coupled_input`, its
Jacobian rows :func:`~.model.jacobian_terms` at that input plus the chain rule through it
(``∂V_in,eff/∂V_k = −g_c``, ``∂V_in,eff/∂V_j = +g_c``, ``∂V_in,eff/∂g_c = V_j − V_k``), the
column ``∂f/∂V_in`` being column 0 of :func:`~.model.jacobian_param_terms`.  ``aux`` is the
single neuron's (``aux[0] = l√2``, then the F_ij tables).  numba caches these per source
file: after editing :mod:`.model`, :mod:`.device` or :mod:`.coupled`, clear the
``__pycache__/*.nbi`` files of this package.
"""

from __future__ import annotations

import numba

from .. import _jit
from .._odekernels import FIELD_SIG, JAC_SIG
from ._kernels import TABLE_BASE
from .coupled import coupled_input
from .device import fij_point
from .model import field_terms, jacobian_param_terms, jacobian_terms

_jit.register()

#: Parameters per neuron in the coupled vector (then g_c at index 2 × NP).
NP = 7
G_C = 2 * NP


@numba.njit(FIELD_SIG, cache=True, nogil=True)
def field(t, y, p, aux, out):  # pragma: no cover - compiled
    """dy/dt of the pair (state and parameters in the orders of :mod:`.coupled`)."""
    for k in range(2):
        o, j, q = 4 * k, 4 * (1 - k), NP * k
        v_eff = coupled_input(p[q], p[G_C], y[o + 3], y[j + 3])
        f00, f01, f11 = fij_point(aux, TABLE_BASE, p[q + 6] - aux[0] * y[o + 3], 0)
        out[o], out[o + 1], out[o + 2], out[o + 3] = field_terms(
            y[o], y[o + 1], y[o + 2], y[o + 3], v_eff, p[q + 1], p[q + 2], p[q + 3],
            p[q + 4], p[q + 5], f00, f01, f11,
        )  # fmt: skip


@numba.njit(JAC_SIG, cache=True, nogil=True)
def jac(t, y, p, aux, out):  # pragma: no cover - compiled
    """∂f/∂y (8, 8)."""
    out[:, :] = 0.0
    g_c = p[G_C]
    for k in range(2):
        o, j, q = 4 * k, 4 * (1 - k), NP * k
        v_eff = coupled_input(p[q], g_c, y[o + 3], y[j + 3])
        x_v = p[q + 6] - aux[0] * y[o + 3]
        f00, f01, f11 = fij_point(aux, TABLE_BASE, x_v, 0)
        g00, g01, g11 = fij_point(aux, TABLE_BASE, x_v, 1)
        args = (y[o], y[o + 1], y[o + 2], y[o + 3], v_eff, p[q + 1], p[q + 2], p[q + 3],
                p[q + 4], p[q + 5], aux[0], f00, f01, f11, g00, g01, g11)  # fmt: skip
        rows = jacobian_terms(*args)
        prow = jacobian_param_terms(*args)
        for i in range(4):
            r = rows[i]
            out[o + i, o], out[o + i, o + 1], out[o + i, o + 2] = r[0], r[1], r[2]
            d_in = prow[i][0]  # ∂f_i/∂V_in at the effective input
            out[o + i, o + 3] = r[3] - g_c * d_in
            out[o + i, j + 3] = g_c * d_in


@numba.njit(JAC_SIG, cache=True, nogil=True)
def jac_p(t, y, p, aux, out):  # pragma: no cover - compiled
    """∂f/∂p (8, 15)."""
    out[:, :] = 0.0
    for k in range(2):
        o, j, q = 4 * k, 4 * (1 - k), NP * k
        v_eff = coupled_input(p[q], p[G_C], y[o + 3], y[j + 3])
        x_v = p[q + 6] - aux[0] * y[o + 3]
        f00, f01, f11 = fij_point(aux, TABLE_BASE, x_v, 0)
        g00, g01, g11 = fij_point(aux, TABLE_BASE, x_v, 1)
        prow = jacobian_param_terms(
            y[o], y[o + 1], y[o + 2], y[o + 3], v_eff, p[q + 1], p[q + 2], p[q + 3],
            p[q + 4], p[q + 5], aux[0], f00, f01, f11, g00, g01, g11,
        )  # fmt: skip
        for i in range(4):
            r = prow[i]
            out[o + i, q], out[o + i, q + 1], out[o + i, q + 2] = r[0], r[1], r[2]
            out[o + i, q + 3], out[o + i, q + 4] = r[3], r[4]
            out[o + i, q + 5], out[o + i, q + 6] = r[5], r[6]
            out[o + i, G_C] = r[0] * (y[j + 3] - y[o + 3])
