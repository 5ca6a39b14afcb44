"""Compiled pieces shared by every :class:`~qmemristor.models.ODEModel` (imports numba).

The calling convention of a model's compiled functions is fixed, so that each integrator
and helper here is compiled **once** for all models and cached by numba (``cache=True``):
a model's ``field`` is passed as a first-class function of type :data:`FieldType` (a pointer
to its compiled code), not as a numba dispatcher — a dispatcher argument makes numba
specialise the caller per function, and those specialisations are never found in the cache
(measured with numba 0.68: every process recompiles, ~1 s for a small loop; with the typed
function pointer the second process loads everything from the cache in ~10 ms).  The price
is an indirect call per evaluation (≈5 ns; the neuron's field costs ≈150 ns).
"""

from __future__ import annotations

from typing import Any

import numba
from numba import types

from . import _jit

_jit.register()

F8 = types.float64
A1 = types.float64[::1]
A2 = types.float64[:, ::1]
A3 = types.float64[:, :, ::1]
#: ``field(t, y, p, aux, out) -> None``: ``out[:] = dy/dt`` at time t, state y, parameters p.
FIELD_SIG = types.void(F8, A1, A1, A1, A1)
#: ``jac(t, y, p, aux, out) -> None``: ``out[:, :] = ∂f/∂y`` (n, n) or ``∂f/∂p`` (n, m).
JAC_SIG = types.void(F8, A1, A1, A1, A2)
FieldType = types.FunctionType(FIELD_SIG)
JacType = types.FunctionType(JAC_SIG)


def compile_field(fn: Any) -> Any:
    """``fn`` compiled with the field signature (a plain function, or a numba dispatcher)."""
    py = getattr(fn, "py_func", fn)
    return numba.njit(FIELD_SIG, cache=True, nogil=True)(py)


def compile_jac(fn: Any) -> Any:
    """``fn`` compiled with the Jacobian signature."""
    py = getattr(fn, "py_func", fn)
    return numba.njit(JAC_SIG, cache=True, nogil=True)(py)


@numba.njit(types.void(FieldType, F8, A2, A2, A1, A2), cache=True, nogil=True)
def field_rows(f, t, ys, ps, aux, out):  # pragma: no cover - compiled
    """``out[i] = f(t, ys[i], ps[i])`` for every row."""
    for i in range(ys.shape[0]):
        f(t, ys[i], ps[i], aux, out[i])


@numba.njit(types.void(JacType, F8, A2, A2, A1, A3), cache=True, nogil=True)
def jac_rows(j, t, ys, ps, aux, out):  # pragma: no cover - compiled
    """``out[i] = j(t, ys[i], ps[i])`` for every row."""
    for i in range(ys.shape[0]):
        j(t, ys[i], ps[i], aux, out[i])
