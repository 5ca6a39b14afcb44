"""Periodic orbits at given parameter values: a walk along a grid line, time averages, distances.

Model-independent (NumPy/SciPy only), for maps of cycle properties over a parameter grid: the
family is followed *at the grid's own values* of one parameter ``p[k]`` rather than at the
arclength steps of :func:`~qmemristor.analysis.orbits.continue_orbits`, so every grid point
gets the exact collocation solution there (no interpolation along the family).

* :func:`walk_orbits` — natural-parameter continuation: from a converged orbit, Newton's method
  at fixed parameters at each next value, started from the secant extrapolation of the last two
  orbits (the last one alone at the first step); a step whose Newton fails is split in two (at
  most ``max_halvings`` times) before the walk stops.  The mesh is adapted to the solution
  every ``collocation.adapt`` values.  Natural-parameter steps cannot pass a fold of cycles
  (LPC): the walk stops there, which is what a map of the cycle born at one Hopf point needs
  (beyond the fold that cycle no longer exists).
* :func:`orbit_mean` — the exact time average of each component over the orbit (Gauss–Legendre
  on each mesh interval, exact for the piecewise polynomial).
* :func:`distance_to_orbit` — distance of states to the orbit's curve (dense samples).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from ._collocation import Discretisation, adapted_mesh, interpolate
from ._numerics import NUMERICAL_ERRORS, newton
from .bifurcation import with_params
from .orbits import CollocationOptions, PeriodicOrbit, _index, _setup, _System
from .vectorfield import Field, VectorField

__all__ = ["WalkResult", "distance_to_orbit", "orbit_mean", "walk_orbits"]


@dataclass(frozen=True)
class WalkResult:
    """Orbits at the requested values of ``p[k]``.

    Attributes
    ----------
    values : ndarray, shape (M,)
        The requested values, in the order walked.
    orbits : tuple of (PeriodicOrbit or None)
        The orbit at each value; ``None`` from the first value the walk could not reach on.
    end : str
        ``"done"``, ``"newton"`` (Newton failed even after halving the step: a fold of cycles,
        the end of the family or a too large step) or ``"hopf"`` (the amplitude dropped below
        ``collocation.min_amplitude``: the family ended at a Hopf point).
    """

    values: NDArray
    orbits: tuple[PeriodicOrbit | None, ...]
    end: str

    @property
    def reached(self) -> int:
        """Number of values with an orbit."""
        return sum(o is not None for o in self.orbits)


def walk_orbits(
    field: VectorField | Field,
    start: PeriodicOrbit,
    k: int,
    values: ArrayLike,
    *,
    collocation: CollocationOptions | None = None,
    vectorized: bool = False,
    tol: float = 1e-10,
    max_iter: int = 12,
    max_halvings: int = 3,
) -> WalkResult:
    """The orbits at ``p[k] = values[0], values[1], …`` continued from ``start``.

    Parameters
    ----------
    field : VectorField or callable ``f(x, p)``
    start : PeriodicOrbit
        A converged orbit (its ``p`` gives every other parameter), near ``values[0]``.
    k : int
        Index of the parameter walked.
    values : array_like, shape (M,)
        Strictly monotone values of ``p[k]``, walked in this order.
    collocation : CollocationOptions, optional
        ``adapt`` (re-mesh every so many values) and ``min_amplitude`` are used; the mesh size
        is the start orbit's.
    vectorized : bool
        The field's callables accept batches (:mod:`qmemristor.analysis.orbits`).
    tol, max_iter : float, int
        Newton's step tolerance and iteration limit at each value.
    max_halvings : int
        How often a failed step is split in two before the walk stops.

    Returns
    -------
    WalkResult
    """
    _, bf, copt = _setup(field, vectorized, collocation)
    v = np.asarray(values, dtype=float).ravel()
    p0 = np.asarray(start.p, dtype=float)
    k = _index(k, p0)
    if v.size and not np.all(np.isfinite(v)):
        raise ParameterError("values must be finite")
    if v.size > 1 and not (np.all(np.diff(v) > 0) or np.all(np.diff(v) < 0)):
        raise ParameterError("values must be strictly monotone")
    n = start.nodes.shape[1]
    d = Discretisation(start.mesh, start.degree)
    U, T, mu = np.array(start.nodes), float(start.period), float(p0[k])
    prev: tuple[NDArray, float, float] | None = None  # the orbit before (U, T, μ), same mesh
    out: list[PeriodicOrbit | None] = []
    end = "done"
    for i, target in enumerate(v):
        sol = _step(bf, d, n, p0, k, (U, T, mu), prev, float(target), tol, max_iter, max_halvings)
        if sol is None:
            end = "newton"
            break
        sys_, y = sol
        U_new, T_new, _ = sys_.split(y)
        dev = U_new - U_new.mean(axis=0)
        if float(np.sqrt(np.mean(np.sum(dev**2, axis=1)))) < copt.min_amplitude:
            end = "hopf"
            break
        out.append(sys_.orbit(y))
        prev, (U, T, mu) = (U, T, mu), (U_new, T_new, float(target))
        if copt.adapt and (i + 1) % copt.adapt == 0:
            d_new = adapted_mesh(d, U)
            U, prev = interpolate(d, U, d_new), (interpolate(d, prev[0], d_new), *prev[1:])
            d = d_new
    out.extend([None] * (v.size - len(out)))
    return WalkResult(v, tuple(out), end)


def _solve_at(
    bf, d: Discretisation, n: int, p: NDArray, U: NDArray, T: float, ref: NDArray, tol, max_iter
) -> tuple[_System, NDArray] | None:
    sys_ = _System(bf, d, n, p, None)
    y0 = sys_.pack(U, T)
    res, jac = sys_.factory(sys_.pack(ref, T))
    sol = newton(res, y0, jac, tol=tol, ftol=1e-9, max_iter=max_iter, reuse=True)
    if not sol.converged or not 0 < sol.y[-1] < np.inf:
        return None
    return sys_, sol.y


def _step(bf, d, n, p0, k, cur, prev, target, tol, max_iter, max_halvings):
    """Newton at ``p[k] = target`` from the secant predictor; split the step on failure."""
    U, T, mu = cur
    for _ in range(max_halvings + 1):
        if prev is not None and prev[2] != mu:
            w = (target - mu) / (mu - prev[2])
            Ug, Tg = U + w * (U - prev[0]), T + w * (T - prev[1])
        else:
            Ug, Tg = U, T
        p = with_params(p0, (k,), [target])
        try:
            sol = _solve_at(bf, d, n, p, Ug, Tg, U, tol, max_iter)
        except NUMERICAL_ERRORS:
            sol = None
        if sol is not None:
            return sol
        # split: reach the midpoint first, then try the target from there
        mid = 0.5 * (mu + target)
        half = (
            _step(bf, d, n, p0, k, cur, prev, mid, tol, max_iter, max_halvings - 1)
            if (max_halvings > 0)
            else None
        )
        if half is None:
            return None
        sys_, y = half
        Um, Tm, _ = sys_.split(y)
        prev, (U, T, mu) = (U, T, mu), (Um, Tm, mid)
        max_halvings -= 1
    return None


def orbit_mean(orbit: PeriodicOrbit) -> NDArray:
    """Time average ``(1/T) ∫_0^T x(t) dt`` of each component, shape (n,).

    Gauss–Legendre with ``degree`` points on each mesh interval integrates the degree-``m``
    piecewise polynomial exactly.
    """
    m = orbit.degree
    z, w = np.polynomial.legendre.leggauss(m)
    z, w = 0.5 * (z + 1.0), 0.5 * w
    h = np.diff(orbit.mesh)
    tau = (orbit.mesh[:-1, None] + h[:, None] * z[None, :]).ravel()
    weights = (h[:, None] * w[None, :]).ravel()
    x = orbit(tau * orbit.period)
    return weights @ x


def distance_to_orbit(orbit: PeriodicOrbit, states: ArrayLike, samples: int = 2000) -> NDArray:
    """Euclidean distance of each state (K, n) to the orbit's curve, shape (K,).

    The curve is sampled at ``samples`` equal time steps and refined linearly between the two
    nearest samples (error ≲ (|x'| T / samples)² / 8 times the curvature).
    """
    x = np.atleast_2d(np.asarray(states, dtype=float))
    c = orbit(np.linspace(0.0, orbit.period, samples, endpoint=False))
    nxt = np.roll(c, -1, axis=0)
    seg = nxt - c
    out = np.empty(x.shape[0])
    for i, s in enumerate(x):
        t = np.clip(np.einsum("ij,ij->i", s - c, seg) / np.maximum(
            np.einsum("ij,ij->i", seg, seg), 1e-300), 0.0, 1.0)  # fmt: skip
        out[i] = float(np.min(np.linalg.norm(c + t[:, None] * seg - s, axis=1)))
    return out
