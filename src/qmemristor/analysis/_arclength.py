"""Generic pseudo-arclength continuation of a curve ``R(y) = 0``, ``R: R^d -> R^(d-1)``.

Keller's method as in Kuznetsov (*Elements*, ch. 10) and MatCont: from a point ``y`` with unit
tangent ``t`` (the null vector of ``DR(y)``),

* predictor ``ŷ = y + h t``;
* corrector: Newton on ``R(z) = 0, ⟨t, z − ŷ⟩ = 0`` (the hyperplane through ``ŷ`` normal to
  ``t``), Jacobian ``[DR(z); tᵀ]``;
* new tangent: the solution of ``[DR(z); tᵀ] τ = (0, …, 0, 1)``, normalised; ``⟨τ, t⟩ > 0``
  keeps the orientation, so a sign change of a tangent component is a turning point;
* step control: ``h`` grows by ``grow`` after a corrector needing ≤ 3 iterations, is halved on
  failure, on a tangent turning by more than ``max_turn`` or on a jump longer than ``2h``; the
  curve ends when ``h < step_min``.

A point leaving a box ``bounds`` is replaced by the solution on the boundary (Newton on
``R(z) = 0, z_i = bound``), and the curve ends there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from numpy.typing import NDArray
from scipy.optimize import brentq

from ..errors import ParameterError, check_positive
from ._numerics import NUMERICAL_ERRORS, append_row, factorize, newton

Residual = Callable[[NDArray], NDArray]
Jacobian = Callable[[NDArray], NDArray]
#: Builds ``(R, DR)`` valid for the step that leaves the accepted point ``y`` (lets augmented
#: systems refresh reference vectors as the curve moves).
SystemFactory = Callable[[NDArray], tuple[Residual, Jacobian]]
Stop = Callable[[NDArray, NDArray], str | None]


@dataclass(frozen=True)
class ContinuationOptions:
    """Step control and tolerances of pseudo-arclength continuation.

    Attributes
    ----------
    step, step_min, step_max : float
        Initial, smallest and largest arclength step (Euclidean norm over all unknowns).
    max_steps : int
        Maximal number of accepted steps per direction.
    tol : float
        Corrector converged when its last update is below ``tol (1 + ‖y‖∞)``...
    ftol : float
        ...and the residual ``‖R‖∞`` below ``ftol``.
    max_iter : int
        Corrector iterations before the step is halved.
    grow : float
        Step growth factor after an easy corrector (≤ 3 iterations).
    max_turn : float
        Largest angle (rad) between consecutive tangents.
    max_norm : float
        The curve ends when ``‖x‖∞`` exceeds this (runaway branch).
    """

    step: float = 0.02
    step_min: float = 1e-8
    step_max: float = 0.1
    max_steps: int = 2000
    tol: float = 1e-10
    ftol: float = 1e-8
    max_iter: int = 8
    grow: float = 1.5
    max_turn: float = 0.3
    max_norm: float = 1e8

    def __post_init__(self) -> None:
        for name in ("step", "step_min", "step_max", "tol", "ftol", "max_turn", "max_norm"):
            check_positive(name, getattr(self, name))
        if not self.step_min <= self.step <= self.step_max:
            raise ParameterError(
                f"need step_min ≤ step ≤ step_max (got {self.step_min:g}, {self.step:g}, "
                f"{self.step_max:g})"
            )
        check_positive("max_steps", self.max_steps)
        check_positive("max_iter", self.max_iter)
        check_positive("grow", self.grow)


@dataclass(frozen=True)
class Trace:
    """Points and unit tangents of a traced curve, and why it ended."""

    points: NDArray
    tangents: NDArray
    end: str


def initial_tangent(jac: NDArray, orient: int, sign: float) -> NDArray:
    """Unit null vector of ``jac`` (shape (d−1, d)) with ``sign·t[orient] ≥ 0``."""
    _, _, vh = sla.svd(jac)
    t = vh[-1]
    if abs(t[orient]) < 1e-12:
        orient = int(np.argmax(np.abs(t)))
    return t if sign * t[orient] >= 0 else -t


def tangent(jac: NDArray, t_prev: NDArray) -> NDArray:
    """Unit null vector of ``jac`` continuing ``t_prev`` (bordered solve; ``⟨τ, t_prev⟩ > 0``).

    ``jac`` is a dense (d−1, d) array or a structured Jacobian (:mod:`._numerics`)."""
    rhs = np.zeros(t_prev.size)
    rhs[-1] = 1.0
    if isinstance(jac, np.ndarray):
        tau = sla.solve(np.vstack([jac, t_prev]), rhs)
    else:  # a structured Jacobian (see _numerics): its own bordered solve
        solve = factorize(append_row(jac, t_prev))
        assert solve is not None
        tau = solve(rhs)
    return tau / np.linalg.norm(tau)


def trace(
    system: SystemFactory,
    y0: NDArray,
    t0: NDArray,
    options: ContinuationOptions,
    *,
    bounds: Mapping[int, tuple[float, float]],
    norm_slice: slice,
    stop: Stop | None = None,
) -> Trace:
    """Follow ``R(y) = 0`` from ``y0`` along ``t0`` (see the module docstring).

    ``bounds`` maps a component index of ``y`` to its ``(lo, hi)``; ``norm_slice`` selects the
    state components checked against ``options.max_norm``; ``stop(y_prev, y_new)`` may end the
    curve after a point is accepted by returning a reason.
    """
    y, t, h = np.asarray(y0, dtype=float), np.asarray(t0, dtype=float), options.step
    pts, tans = [y], [t]
    for _ in range(options.max_steps):
        res, jac = system(y)
        step = None
        while step is None:
            step = _step(res, jac, y, t, h, options)
            if step is None:
                h /= 2
                if h < options.step_min:
                    return Trace(np.array(pts), np.array(tans), "step_too_small")
        y_new, t_new, iters = step
        out = _outside(y_new, bounds)
        if out is not None:
            clipped = _clip(res, jac, y, y_new, t, out, bounds[out], options)
            if clipped is not None:
                pts.append(clipped[0])
                tans.append(clipped[1])
            return Trace(np.array(pts), np.array(tans), "bound")
        pts.append(y_new)
        tans.append(t_new)
        if np.max(np.abs(y_new[norm_slice])) > options.max_norm:
            return Trace(np.array(pts), np.array(tans), "unbounded")
        reason = stop(y, y_new) if stop is not None else None
        if reason:
            return Trace(np.array(pts), np.array(tans), reason)
        y, t = y_new, t_new
        if iters <= 3:
            h = min(h * options.grow, options.step_max)
    return Trace(np.array(pts), np.array(tans), "max_steps")


def _step(res: Residual, jac: Jacobian, y: NDArray, t: NDArray, h: float, opt):
    """One predictor–corrector step; ``(y_new, t_new, iterations)`` or None if rejected."""
    y_pred = y + h * t

    def fun(z: NDArray) -> NDArray:
        return np.append(res(z), t @ (z - y_pred))

    def dfun(z: NDArray) -> NDArray:
        return append_row(jac(z), t)

    sol = newton(fun, y_pred, dfun, tol=opt.tol, ftol=opt.ftol, max_iter=opt.max_iter, reuse=True)
    if not sol.converged or np.linalg.norm(sol.y - y) > 2 * h:
        return None
    try:
        t_new = tangent(jac(sol.y), t)
    except NUMERICAL_ERRORS:
        return None
    if t_new @ t < np.cos(opt.max_turn):
        return None
    return sol.y, t_new, sol.iterations


def _outside(y: NDArray, bounds: Mapping[int, tuple[float, float]]) -> int | None:
    for i, (lo, hi) in bounds.items():
        if not lo <= y[i] <= hi:
            return i
    return None


def _clip(res, jac, y, y_new, t, i, bound, opt) -> tuple[NDArray, NDArray] | None:
    """Point of the curve on the face ``y_i = bound`` between ``y`` and ``y_new``, with tangent."""
    b = bound[0] if y_new[i] < bound[0] else bound[1]
    frac = (b - y[i]) / (y_new[i] - y[i])
    guess = y + frac * (y_new - y)

    def fun(z: NDArray) -> NDArray:
        return np.append(res(z), z[i] - b)

    def dfun(z: NDArray) -> NDArray:
        e = np.zeros(z.size)
        e[i] = 1.0
        return append_row(jac(z), e)

    sol = newton(fun, guess, dfun, tol=opt.tol, ftol=opt.ftol, max_iter=2 * opt.max_iter)
    if not sol.converged:
        return None
    try:
        return sol.y, tangent(jac(sol.y), t)
    except NUMERICAL_ERRORS:
        return None


def locate_on_segment(
    res: Residual,
    jac: Jacobian,
    y: NDArray,
    t: NDArray,
    y_next: NDArray,
    phi: Callable[[NDArray], float],
    options: ContinuationOptions,
) -> NDArray | None:
    """Zero of a test function ``phi`` on the curve between ``y`` and ``y_next`` (Brent).

    The curve is parametrised by ``s = ⟨t, z − y⟩`` (``z`` corrected onto ``R = 0`` within the
    hyperplane ``⟨t, z − y⟩ = s``); ``phi`` must change sign between the two ends.  Returns the
    point, or None if a correction or the root bracketing failed.
    """
    s1 = float(t @ (y_next - y))

    def point(s: float) -> NDArray:
        if s == 0.0:
            return y
        if s == s1:
            return y_next

        def fun(z: NDArray) -> NDArray:
            return np.append(res(z), t @ (z - y) - s)

        def dfun(z: NDArray) -> NDArray:
            return append_row(jac(z), t)

        sol = newton(
            fun, y + (s / s1) * (y_next - y), dfun, tol=options.tol, ftol=options.ftol, reuse=True
        )
        if not sol.converged:
            raise ArithmeticError(sol.reason)
        return sol.y

    try:
        s = brentq(lambda s: phi(point(s)), 0.0, s1, xtol=1e-14 * max(1.0, abs(s1)), rtol=1e-14)
        return point(s)
    except (*NUMERICAL_ERRORS, RuntimeError):
        return None
