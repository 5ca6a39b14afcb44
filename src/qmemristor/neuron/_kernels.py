"""The neuron's compiled functions (imported only when a kernel runs; imports numba).

Nothing of Paper N's equations is written here: the vector field, its Jacobians and the F_ij
evaluator are the plain-Python single definitions of :mod:`.model` (:func:`~.model.
field_terms`, :func:`~.model.jacobian_terms`, :func:`~.model.jacobian_param_terms`) and
:mod:`.device` (:func:`~.device.fij_point`), compiled into the model's calling convention
(:mod:`qmemristor.models`: ``field(t, y, p, aux, out)`` with ``aux = (l√2, F_ij tables)``).
Compiled once per machine (``cache=True``).  numba keys a cached function on its own source
file only: after editing :mod:`.model` or :mod:`.device`, clear the ``__pycache__/*.nbi``
files of this package (an installed package gets new file times on every install, so users
are not affected).
"""

from __future__ import annotations

import numba
from numba import types

from .. import _jit
from .._odekernels import FIELD_SIG, JAC_SIG
from .device import fij_point
from .model import field_terms, jacobian_param_terms, jacobian_terms

_jit.register()

#: Where the F_ij tables start in the neuron's ``aux`` (``aux[0]`` = c = l√2).
TABLE_BASE = 1


@numba.njit(types.void(types.float64[::1], types.float64[::1], types.int64[::1],
                       types.float64[:, :, ::1]), cache=True, nogil=True)  # fmt: skip
def fij_many(tab, xs, orders, out):  # pragma: no cover - compiled
    """``out[i, k, :] = fij_point(tab, 0, xs[k], orders[i])``."""
    for i in range(orders.shape[0]):
        m = orders[i]
        for k in range(xs.shape[0]):
            out[i, k, 0], out[i, k, 1], out[i, k, 2] = fij_point(tab, 0, xs[k], m)


@numba.njit(FIELD_SIG, cache=True, nogil=True)
def field(t, y, p, aux, out):  # pragma: no cover - compiled
    """dy/dt of the neuron: ``p`` in the order of PARAM_NAMES, ``aux = (l√2, tables)``."""
    f00, f01, f11 = fij_point(aux, TABLE_BASE, p[6] - aux[0] * y[3], 0)
    out[0], out[1], out[2], out[3] = field_terms(
        y[0], y[1], y[2], y[3], p[0], p[1], p[2], p[3], p[4], p[5], f00, f01, f11
    )


@numba.njit(JAC_SIG, cache=True, nogil=True)
def jac(t, y, p, aux, out):  # pragma: no cover - compiled
    """∂f/∂y (4, 4)."""
    x_v = p[6] - aux[0] * y[3]
    f00, f01, f11 = fij_point(aux, TABLE_BASE, x_v, 0)
    g00, g01, g11 = fij_point(aux, TABLE_BASE, x_v, 1)
    rows = jacobian_terms(
        y[0], y[1], y[2], y[3], p[0], p[1], p[2], p[3], p[4], p[5], aux[0],
        f00, f01, f11, g00, g01, g11,
    )  # fmt: skip
    for i in range(4):
        out[i, 0], out[i, 1], out[i, 2], out[i, 3] = rows[i]


@numba.njit(JAC_SIG, cache=True, nogil=True)
def jac_p(t, y, p, aux, out):  # pragma: no cover - compiled
    """∂f/∂p (4, 7)."""
    x_v = p[6] - aux[0] * y[3]
    f00, f01, f11 = fij_point(aux, TABLE_BASE, x_v, 0)
    g00, g01, g11 = fij_point(aux, TABLE_BASE, x_v, 1)
    rows = jacobian_param_terms(
        y[0], y[1], y[2], y[3], p[0], p[1], p[2], p[3], p[4], p[5], aux[0],
        f00, f01, f11, g00, g01, g11,
    )  # fmt: skip
    for i in range(4):
        r = rows[i]
        out[i, 0], out[i, 1], out[i, 2], out[i, 3] = r[0], r[1], r[2], r[3]
        out[i, 4], out[i, 5], out[i, 6] = r[4], r[5], r[6]
