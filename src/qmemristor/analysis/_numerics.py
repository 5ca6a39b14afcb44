"""Finite-difference stencils, finite-difference Jacobians and a guarded Newton solver.

Shared by the continuation modules (:mod:`.vectorfield`, :mod:`.bifurcation`,
:mod:`.continuation`, :mod:`.lyapunov`, :mod:`.orbits`).  Linear algebra is SciPy's
(``scipy.linalg``).

Jacobians are dense arrays, or *structured* objects that know how to solve with themselves (the
collocation Jacobian of periodic orbits, :class:`._collocation.CollocationJacobian`): such an
object has ``shape``, ``append_row(row)`` (the matrix bordered by one dense row) and
``factorize()`` (a ``solve(b)`` callable; raises ``LinAlgError`` when singular).
:func:`append_row` and :func:`factorize` dispatch between the two, so Newton's method and the
pseudo-arclength driver (:mod:`._arclength`) serve both.

Step sizes.  A central stencil of accuracy order ``q`` for the ``k``-th derivative has
truncation error ``O(h^q)`` and rounding error ``O(ε/h^k)``; the two balance at
``h ≈ ε^{1/(q+k)}`` times the length over which the function changes, leaving a relative
error ``≈ ε^{q/(q+k)}``.  With the fourth-order stencils below (``q = 4``):

==========  ============  ==================
derivative  step ``h``    expected rel. error
==========  ============  ==================
first       ε^{1/5} ≈ 7e-4   ε^{4/5} ≈ 3e-13
second      ε^{1/6} ≈ 2e-3   ε^{2/3} ≈ 4e-11
third       ε^{1/7} ≈ 6e-3   ε^{4/7} ≈ 1e-9
==========  ============  ==================

The Jacobians of augmented systems use the second-order central difference
(``h = ε^{1/3}``, error ``≈ ε^{2/3} ≈ 4e-11``): they only steer Newton's method, whose
converged point is set by the residual, not by the Jacobian.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import NDArray

EPS = float(np.finfo(float).eps)

#: Fourth-order central stencils: derivative order -> (offsets in units of h, weights).
_STENCILS: dict[int, tuple[tuple[float, ...], tuple[float, ...]]] = {
    1: ((-2, -1, 1, 2), (1 / 12, -8 / 12, 8 / 12, -1 / 12)),
    2: ((-2, -1, 0, 1, 2), (-1 / 12, 16 / 12, -30 / 12, 16 / 12, -1 / 12)),
    3: ((-3, -2, -1, 1, 2, 3), (1 / 8, -1, 13 / 8, -13 / 8, 1, -1 / 8)),
}

#: Optimal base step per derivative order for the fourth-order stencils (see module doc).
BASE_STEP = {k: EPS ** (1 / (4 + k)) for k in _STENCILS}

#: Errors that mean "this evaluation or solve failed", turned into a failure flag.
NUMERICAL_ERRORS = (ArithmeticError, ValueError, np.linalg.LinAlgError, sla.LinAlgError)


def stencil_derivative(g: Callable[[float], NDArray], order: int, h: float) -> NDArray:
    """``d^order/ds^order g(s)`` at ``s = 0`` by the fourth-order central stencil of step ``h``.

    ``g`` returns an array (vector or matrix); the result has the same shape.
    """
    offsets, weights = _STENCILS[order]
    acc = sum(w * np.asarray(g(o * h), dtype=float) for o, w in zip(offsets, weights, strict=True))
    return np.asarray(acc) / h**order


def fd_jacobian(
    fun: Callable[[NDArray], NDArray], y: NDArray, columns: range | None = None
) -> NDArray:
    """Jacobian of ``fun`` at ``y`` by second-order central differences, shape (m, len(y)).

    Step ``h_j = ε^{1/3} max(1, |y_j|)`` per column; only ``columns`` (default all) are
    computed, and the result then has one column per entry of ``columns``.
    """
    y = np.asarray(y, dtype=float)
    cols = []
    for j in range(y.size) if columns is None else columns:
        h = EPS ** (1 / 3) * max(1.0, abs(y[j]))
        yp, ym = y.copy(), y.copy()
        yp[j] += h
        ym[j] -= h
        cols.append((np.asarray(fun(yp), dtype=float) - np.asarray(fun(ym), dtype=float)) / (2 * h))
    return np.column_stack(cols)


def append_row(a: Any, row: NDArray) -> Any:
    """``a`` bordered by one more (dense) row: ``np.vstack`` for arrays, ``a.append_row(row)``
    for structured Jacobians."""
    if isinstance(a, np.ndarray):
        return np.vstack([a, row])
    return a.append_row(np.asarray(row, dtype=float))


def factorize(a: Any) -> Callable[[NDArray], NDArray] | None:
    """A ``solve(b)`` callable for the square matrix ``a`` (LU), or None if ``a`` is a dense
    non-square array.  A singular dense ``a`` warns (``LinAlgWarning``), as ``lu_factor`` does."""
    if not isinstance(a, np.ndarray):
        return a.factorize()
    if a.shape[0] != a.shape[1]:
        return None
    lu = sla.lu_factor(a)
    return lambda b: sla.lu_solve(lu, b)


@dataclass(frozen=True)
class NewtonResult:
    """Outcome of :func:`newton`: the last iterate and whether it converged (never raises)."""

    y: NDArray
    converged: bool
    iterations: int
    residual_norm: float
    reason: str


def newton(
    fun: Callable[[NDArray], NDArray],
    y0: NDArray,
    jac: Callable[[NDArray], Any] | None = None,
    *,
    tol: float = 1e-10,
    ftol: float = 1e-8,
    max_iter: int = 12,
    reuse: bool = False,
) -> NewtonResult:
    """Solve ``fun(y) = 0`` (square, or underdetermined: minimum-norm steps) by Newton's method.

    Converged when the last update satisfies ``‖Δy‖∞ ≤ tol (1 + ‖y‖∞)`` and the residual
    ``‖fun(y)‖∞ ≤ ftol``.  Non-finite values, singular Jacobians, a residual growing by 1e6, and
    ``ArithmeticError`` / ``ValueError`` raised by ``fun`` end the iteration with
    ``converged=False`` and a ``reason`` (for sweeps: a flag, not a crash).

    With ``reuse`` (the chord method) the Jacobian is kept while the residual still drops by a
    factor 4 per iteration and recomputed otherwise: for correctors started close to the curve
    this halves the number of (finite-difference) Jacobians.
    """
    jac = jac if jac is not None else (lambda z: fd_jacobian(fun, z))
    y = np.array(y0, dtype=float)
    try:
        with warnings.catch_warnings():
            # An (almost) singular matrix is a failure of this solve, not a warning to the user.
            warnings.simplefilter("error", sla.LinAlgWarning)
            return _newton_loop(fun, jac, y, tol, ftol, max_iter, reuse)
    except (*NUMERICAL_ERRORS, sla.LinAlgWarning) as exc:
        return NewtonResult(y, False, 0, np.inf, f"{type(exc).__name__}: {exc}")


def _newton_loop(fun, jac, y, tol, ftol, max_iter, reuse) -> NewtonResult:
    r = np.asarray(fun(y), dtype=float)
    r0 = max(float(np.max(np.abs(r))), ftol)
    rn_old, rn, solve = np.inf, np.inf, None
    for it in range(1, max_iter + 1):
        if not np.all(np.isfinite(r)):
            return NewtonResult(y, False, it - 1, np.inf, "non-finite residual")
        a = None
        if solve is None or not reuse or rn > rn_old / 4:
            a = jac(y)
            solve = factorize(a)
        dy = solve(-r) if solve is not None else sla.lstsq(a, -r)[0]
        y = y + dy
        r = np.asarray(fun(y), dtype=float)
        rn_old, rn = rn, float(np.max(np.abs(r))) if np.all(np.isfinite(r)) else np.inf
        small = float(np.max(np.abs(dy))) <= tol * (1 + float(np.max(np.abs(y))))
        if small and rn <= ftol:
            return NewtonResult(y, True, it, rn, "converged")
        if rn > 1e6 * r0:
            return NewtonResult(y, False, it, rn, "diverged")
    return NewtonResult(y, False, max_iter, rn, "max_iter")
