"""Periodic orbits of ``dx/dt = f(x, p)``: collocation, continuation, Floquet multipliers, LPC,
PD, NS.

Model-independent (NumPy/SciPy only); the field follows the contract of
:mod:`qmemristor.analysis.vectorfield` (``f(x, p)``, optional analytic ``jac_x``, ``jac_p``;
finite differences otherwise).  With ``vectorized=True`` the callables must also accept a
batch of states ``X`` of shape (K, n) and return (K, n), (K, n, n) and (K, n, m): the whole
collocation system is then evaluated in one call (the neuron's fields do this).

Method.  Orthogonal collocation (:mod:`._collocation`: AUTO's scheme — Gauss points of
degree-``m`` piecewise polynomials on ``N`` intervals, integral phase condition, mesh adaptation
by equidistribution, condensation of parameters).  Chosen over multiple shooting because
(i) its accuracy does not depend on an inner ODE solver — the error is ``O(h^{2m})`` at the mesh
points and the linear algebra is exact for the discrete problem, so Newton converges
quadratically to 1e-12 with the analytic Jacobian; (ii) the Jacobian is assembled for all
intervals at once from one batched call of ``∂f/∂x`` (no sequential integration per Newton
step), which is what makes a family of hundreds of cycles take about a second; (iii) stiff
relaxation cycles (van der Pol) are handled by moving mesh points, not by an implicit
integrator inside shooting.  Multiple shooting would give the monodromy matrix directly; here
it comes from the same condensation (the transfer matrices of the discretised variational
equation on each interval, multiplied) at no extra cost.

* :func:`find_orbit` — Newton's method at fixed parameters from a guessed profile and period.
* :func:`hopf_orbit` — the first small cycle next to an Andronov–Hopf point (branch switching):
  ``x(t) ≈ x*(p) + 2 r Re(q e^{iωt})`` with ``r² = −Re(λ'(p_H)) Δp / Re(c1)`` (Kuznetsov's
  normal form, :mod:`.lyapunov`), corrected by Newton at fixed projection on ``q``.
* :func:`continue_orbits`, :func:`continue_from_hopf` — pseudo-arclength continuation of the
  family in one parameter (:mod:`._arclength`, step control included), remeshing every few
  steps; period, per-component minimum/maximum and Floquet multipliers at each point;
  detection by test functions and location (Brent's method along the family) of

  - **LPC** (fold of cycles): the parameter component of the tangent changes sign;
  - **BP** (branch point of cycles): ``Π(μ_i − 1)`` over the nontrivial multipliers changes
    sign without a fold;
  - **PD** (period doubling): ``Π(μ_i + 1)`` changes sign (a real multiplier crosses −1);
  - **NS** (Neimark–Sacker, torus): ``Π_{i<j}(μ_i μ_j − 1)`` changes sign with a complex pair
    crossing the unit circle (a real pair with product 1 is a neutral saddle: not reported).

Floquet multipliers.  ``M = M_{N−1} ⋯ M_0`` from the collocation blocks; the trivial multiplier
is deflated exactly: with ``v = f(x(0))/|f(x(0))|`` and an orthonormal basis ``[v, Q⊥]``,
``Q⊥ᵀ M Q⊥`` carries the ``n − 1`` nontrivial multipliers (``M v = v`` makes ``[v, Q⊥]ᵀ M [v, Q⊥]``
block triangular), and ``vᵀ M v`` is reported as the trivial one (≈ 1: a check of the
discretisation).  The product of transfer matrices loses the *relative* accuracy of
multipliers far below ``ε·max|μ|``; stability verdicts are unaffected.

Nothing raises on non-convergence: results carry ``ends`` (``"bound"``, ``"max_steps"``,
``"step_too_small"``, ``"hopf"`` — the amplitude went to zero, ``"period"`` — the period
exceeded ``max_period``, ``"start"``, ``"start_failed"``).  Bad input raises
:class:`~qmemristor.errors.ParameterError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_positive, check_time_grid
from ._arclength import ContinuationOptions, locate_on_segment, tangent, trace
from ._collocation import (
    BatchedField,
    CollocationJacobian,
    Discretisation,
    adapted_mesh,
    collocation_blocks,
    collocation_residual,
    interpolate,
    monodromy,
    phase_gradient,
    uniform,
)
from ._numerics import NUMERICAL_ERRORS, newton
from .bifurcation import SpecialPoint, with_params
from .continuation import _freeze
from .lyapunov import first_lyapunov
from .vectorfield import Field, VectorField, as_vector_field

__all__ = [
    "CollocationOptions",
    "CycleFamily",
    "PeriodicOrbit",
    "continue_from_hopf",
    "continue_orbits",
    "find_orbit",
    "floquet_multipliers",
    "hopf_orbit",
]

#: Pseudo-arclength defaults for cycles: the step is measured in the L2 norm of the profile
#: plus the period and the parameter.
DEFAULT_CONTINUATION = ContinuationOptions(step=0.01, step_min=1e-7, step_max=0.1, max_steps=500)


@dataclass(frozen=True)
class CollocationOptions:
    """Discretisation and family-level settings.

    Attributes
    ----------
    intervals : int
        Mesh intervals ``N`` (≥ 2).  AUTO's usual 20–100.
    degree : int
        Collocation degree ``m`` ∈ [2, 7] (Gauss points per interval).
    adapt : int
        Re-mesh every ``adapt`` accepted continuation steps (0: keep the mesh).
    hopf_amplitude : float
        Normal-form radius ``r`` of the first cycle next to a Hopf point (``x − x* ≈
        2 r Re(q e^{iωt})``, ``|q| = 1``).
    min_amplitude : float
        A family ends (``"hopf"``) when the RMS deviation of the profile from its mean drops
        below this, or when the profile flips sign (it went through zero amplitude).
    max_period : float
        A family ends (``"period"``) when ``T`` exceeds this (approach to a homoclinic orbit).
    """

    intervals: int = 40
    degree: int = 4
    adapt: int = 3
    hopf_amplitude: float = 1e-3
    min_amplitude: float = 1e-6
    max_period: float = 1e4

    def __post_init__(self) -> None:
        if not isinstance(self.intervals, (int, np.integer)) or self.intervals < 2:
            raise ParameterError(f"intervals must be an integer ≥ 2 (got {self.intervals!r})")
        if not isinstance(self.degree, (int, np.integer)) or not 2 <= self.degree <= 7:
            raise ParameterError(f"degree must be an integer in [2, 7] (got {self.degree!r})")
        if not isinstance(self.adapt, (int, np.integer)) or self.adapt < 0:
            raise ParameterError(f"adapt must be an integer ≥ 0 (got {self.adapt!r})")
        for name in ("hopf_amplitude", "min_amplitude", "max_period"):
            check_positive(name, getattr(self, name))


# ============================================================================ results
@dataclass(frozen=True)
class PeriodicOrbit:
    """One periodic orbit on its collocation mesh.

    Attributes
    ----------
    mesh : ndarray, shape (N+1,)
        Mesh in the rescaled time ``τ = t/T`` (``mesh[0] = 0``, ``mesh[-1] = 1``).
    degree : int
    nodes : ndarray, shape (N m, n)
        The orbit at the nodes ``mesh[j] + (l/m) h_j``, ``l < m`` (:attr:`node_times`).
    period : float
    p : ndarray, shape (m,)
        Full parameter vector.
    multipliers : ndarray, complex, shape (n,)
        Floquet multipliers: the trivial one first, then the others by decreasing modulus.
    """

    mesh: NDArray
    degree: int
    nodes: NDArray
    period: float
    p: NDArray
    multipliers: NDArray

    def __post_init__(self) -> None:
        for name in ("mesh", "nodes", "p", "multipliers"):
            a = np.array(getattr(self, name))
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    @property
    def _disc(self) -> Discretisation:
        return Discretisation(self.mesh, self.degree)

    @property
    def node_times(self) -> NDArray:
        """Rescaled times ``τ`` of the ``nodes``."""
        return self._disc.node_times

    def __call__(self, t: ArrayLike) -> NDArray:
        """The orbit at the physical times ``t`` (taken modulo the period), shape (len(t), n)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        return self._disc.evaluate(self.nodes, t / self.period)

    @property
    def minimum(self) -> NDArray:
        """Per-component minimum over the orbit, shape (n,) (extrema of the polynomials)."""
        return _extremes(self._disc, self.nodes)[0]

    @property
    def maximum(self) -> NDArray:
        """Per-component maximum over the orbit, shape (n,)."""
        return _extremes(self._disc, self.nodes)[1]

    @property
    def trivial_multiplier(self) -> complex:
        return complex(self.multipliers[0])

    @property
    def stable(self) -> bool:
        """All nontrivial multipliers inside the unit circle."""
        return bool(np.all(np.abs(self.multipliers[1:]) < 1.0))


@dataclass(frozen=True)
class CycleFamily:
    """A family of periodic orbits continued in ``p[k]``.

    Attributes
    ----------
    mu : ndarray, shape (M,)
        The continuation parameter ``p[k]`` at each point, in the order of the arclength.
    period : ndarray, shape (M,)
    minimum, maximum : ndarray, shape (M, n)
        Per-component extrema over each orbit.
    multipliers : ndarray, complex, shape (M, n)
        Floquet multipliers, the trivial one first (:class:`PeriodicOrbit`).
    stable : ndarray, bool, shape (M,)
    orbits : tuple of PeriodicOrbit
        The profiles.
    k : int
    p0 : ndarray, shape (m,)
        Parameter vector (other entries fixed).
    special_points : tuple of SpecialPoint
        ``"LPC"``, ``"BP"``, ``"PD"``, ``"NS"``; ``x`` is the orbit at ``τ = 0``; ``data`` has
        ``period``, ``multipliers``, ``orbit``, ``method``.
    ends : (str, str)
        Why the family stops at index 0 and at index −1 (module docstring).
    end_params : (float, float)
        At an end ``"hopf"``: the parameter of the Hopf point (the given one at a start,
        extrapolated from ``p − p_H ∝ amplitude²`` at an end reached); NaN otherwise.
    tests : mapping of str to ndarray
        ``"fold"`` (``dμ/ds``), ``"one"``, ``"pd"``, ``"ns"`` at each point.
    """

    mu: NDArray
    period: NDArray
    minimum: NDArray
    maximum: NDArray
    multipliers: NDArray
    stable: NDArray
    orbits: tuple[PeriodicOrbit, ...]
    k: int
    p0: NDArray
    special_points: tuple[SpecialPoint, ...]
    ends: tuple[str, str]
    end_params: tuple[float, float] = (np.nan, np.nan)
    tests: Mapping[str, NDArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _freeze(self)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return int(self.mu.size)

    @property
    def ok(self) -> bool:
        """True unless the start failed or the step size collapsed."""
        return all(e in ("bound", "max_steps", "start", "hopf", "period") for e in self.ends)

    def span(self, component: int) -> NDArray:
        """``maximum − minimum`` of one component along the family."""
        return self.maximum[:, component] - self.minimum[:, component]

    def points(self, kind: str) -> tuple[SpecialPoint, ...]:
        return tuple(sp for sp in self.special_points if sp.kind == kind)


# ============================================================================ the system
class _System:
    """The collocation system on one mesh, unknowns ``y = (s U, T[, μ])``."""

    def __init__(
        self, bf: BatchedField, d: Discretisation, n: int, p0: NDArray, k: int | None
    ) -> None:
        self.bf, self.d, self.n, self.p0, self.k = bf, d, n, p0, k
        self.s = d.scale
        self.nn = d.n_nodes * n
        self._memo: tuple[bytes, CollocationJacobian] | None = None
        self.known: dict[bytes, NDArray] = {}  # multipliers of accepted points

    def split(self, y: NDArray) -> tuple[NDArray, float, NDArray]:
        U = y[: self.nn].reshape(-1, self.n) / self.s
        p = self.p0 if self.k is None else with_params(self.p0, (self.k,), y[self.nn + 1 :])
        return U, float(y[self.nn]), p

    def pack(self, U: NDArray, T: float, mu: float | None = None) -> NDArray:
        tail = [T] if self.k is None else [T, float(mu)]  # type: ignore[arg-type]
        return np.concatenate([np.ravel(U) * self.s, tail])

    def phase_row(self, y_ref: NDArray) -> NDArray:
        g = phase_gradient(self.d, self.split(y_ref)[0]).ravel() / self.s
        return np.concatenate([g, np.zeros(1 if self.k is None else 2)])

    def residual(self, y: NDArray, row: NDArray) -> NDArray:
        U, T, p = self.split(y)
        r, _ = collocation_residual(self.d, self.bf, U, T, p)
        return np.append(r.ravel(), row @ y)

    def jacobian(self, y: NDArray, row: NDArray | None) -> CollocationJacobian:
        """The Jacobian at ``y`` with the extra ``row`` (none: only the blocks, for the
        multipliers).  The blocks of the last point are remembered: the tangent at an accepted
        point and its multipliers share one assembly and one condensation."""
        key = y.tobytes()
        if self._memo is not None and self._memo[0] == key:
            base = self._memo[1]
        else:
            U, T, p = self.split(y)
            blocks, border = collocation_blocks(self.d, self.bf, U, T, p, self.k)
            base = CollocationJacobian(blocks / self.s, border, np.zeros((0, y.size)))
            self._memo = (key, base)
        return base if row is None else base.append_row(row)

    def factory(self, y_ref: NDArray):
        row = self.phase_row(y_ref)
        return (lambda y: self.residual(y, row)), (lambda y: self.jacobian(y, row))

    def multipliers(self, y: NDArray) -> NDArray:
        key = y.tobytes()
        if key in self.known:
            return self.known[key]
        U, _, p = self.split(y)
        mono = monodromy(self.jacobian(y, None).transfer_matrices())
        return _deflated(mono, self.bf.f(U[:1], p)[0])

    def remember(self, y: NDArray) -> None:
        """Compute and keep the multipliers of an accepted point (right after its tangent)."""
        self.known[y.tobytes()] = self.multipliers(y)

    def orbit(self, y: NDArray, mult: NDArray | None = None) -> PeriodicOrbit:
        U, T, p = self.split(y)
        mult = self.multipliers(y) if mult is None else mult
        return PeriodicOrbit(self.d.tau, self.d.m, U, T, p, mult)

    def amplitude(self, y: NDArray) -> tuple[float, NDArray]:
        """RMS deviation of the node values from their mean, and the deviations."""
        U = self.split(y)[0]
        dev = U - U.mean(axis=0)
        return float(np.sqrt(np.mean(np.sum(dev**2, axis=1)))), dev

    def remeshed(self, y: NDArray, t: NDArray) -> tuple[_System, NDArray, NDArray]:
        """The system on an adapted mesh, with ``y`` and the tangent ``t`` interpolated."""
        d_new = adapted_mesh(self.d, self.split(y)[0])
        new = _System(self.bf, d_new, self.n, self.p0, self.k)
        tail = slice(self.nn, None)

        def move(v: NDArray) -> NDArray:
            Uv = v[: self.nn].reshape(-1, self.n) / self.s
            return np.concatenate([interpolate(self.d, Uv, d_new).ravel() * new.s, v[tail]])

        y_new, t_new = move(y), move(t)
        return new, y_new, t_new / np.linalg.norm(t_new)


def _deflated(mono: NDArray, f0: NDArray) -> NDArray:
    """Trivial multiplier (Rayleigh quotient on ``f(x(0))``) then the nontrivial ones, sorted by
    decreasing modulus (module docstring)."""
    n = mono.shape[0]
    nf = np.linalg.norm(f0)
    if not nf > 0:
        lam = np.linalg.eigvals(mono)
        i = int(np.argmin(np.abs(lam - 1)))
        rest = np.delete(lam, i)
        return np.concatenate([[lam[i]], rest[np.argsort(-np.abs(rest), kind="stable")]])
    q, _ = np.linalg.qr(np.column_stack([f0 / nf, np.eye(n)[:, : n - 1]]), mode="complete")
    v, qp = q[:, 0], q[:, 1:]
    rest = np.linalg.eigvals(qp.T @ mono @ qp)
    rest = rest[np.lexsort((-rest.imag, -np.abs(rest)))]
    return np.concatenate([[complex(v @ mono @ v)], rest])


def _tests(mult: NDArray) -> tuple[float, float, float]:
    """``(Π(μ−1), Π(μ+1), Π_{i<j}(μ_i μ_j − 1))`` over the nontrivial multipliers (real)."""
    mu = mult[1:]
    one = float(np.real(np.prod(mu - 1)))
    pd = float(np.real(np.prod(mu + 1)))
    i, j = np.triu_indices(mu.size, k=1)
    ns = float(np.real(np.prod(mu[i] * mu[j] - 1))) if mu.size > 1 else 1.0
    return one, pd, ns


def _extremes(d: Discretisation, U: NDArray) -> tuple[NDArray, NDArray]:
    """Per-component (min, max) of the piecewise polynomial.

    The best of 9 samples per interval picks an interval; in it and its two neighbours (the
    extremum may sit just across a mesh point) Newton's method on the local polynomial's
    derivative, started at the best sample of that interval and kept in ``[0, 1]``, polishes
    the extremum; the best polished value (never worse than the sample) is returned.
    """
    a = d.local_coefficients(U)  # (N, m+1, n)
    N, m, n = d.N, d.m, U.shape[1]
    zs = np.linspace(0.0, 1.0, 9)
    powers = np.arange(m + 1)
    vals = np.einsum("zi,jin->jzn", zs[:, None] ** powers, a)  # (N, 9, n)
    cols = np.arange(n)
    out = []
    for sign in (-1.0, 1.0):
        sv = sign * vals
        best = np.argmax(sv.reshape(-1, n), axis=0) // zs.size  # interval per component
        cand = (best[None, :] + np.array([-1, 0, 1])[:, None]) % N  # (3, n)
        z = zs[np.argmax(sv[cand, :, cols[None, :]], axis=-1)]  # (3, n) best sample in each
        c = a[cand, :, cols[None, :]]  # (3, n, m+1)
        d1 = c[..., 1:] * powers[1:]
        d2 = d1[..., 1:] * powers[1:-1]
        for _ in range(6):
            g1 = np.sum(d1 * z[..., None] ** powers[:-1], axis=-1)
            g2 = np.sum(d2 * z[..., None] ** powers[:-2], axis=-1)
            ok = sign * g2 < 0  # concave towards the extremum sought: a Newton step is safe
            z = np.clip(np.where(ok, z - g1 / np.where(ok, g2, 1.0), z), 0.0, 1.0)
        polished = sign * np.sum(c * z[..., None] ** powers, axis=-1)  # (3, n)
        sampled = np.max(sv.reshape(-1, n), axis=0)
        out.append(sign * np.maximum(np.max(polished, axis=0), sampled))
    return out[0], out[1]


# ============================================================================ one orbit
def _setup(field, vectorized, collocation):
    vf = as_vector_field(field)
    opt = collocation or CollocationOptions()
    return vf, BatchedField(vf, bool(vectorized)), opt


def find_orbit(
    field: VectorField | Field,
    times: ArrayLike,
    states: ArrayLike,
    p: ArrayLike,
    *,
    period: float | None = None,
    collocation: CollocationOptions | None = None,
    vectorized: bool = False,
    tol: float = 1e-10,
    max_iter: int = 20,
) -> PeriodicOrbit:
    """The periodic orbit at fixed parameters ``p`` near a guessed one (Newton's method).

    Parameters
    ----------
    field : VectorField or callable ``f(x, p)``
    times : array_like, shape (K,)
        Increasing sample times covering one period: ``times[0]`` is the start and the period
        is ``times[-1] − times[0]`` unless ``period`` is given.
    states : array_like, shape (K, n)
        The guess at those times (e.g. from an integration past the transient).
    p : array_like, shape (m,)
    collocation : CollocationOptions, optional
        The mesh is adapted to the guess once, then to the converged orbit and solved again.
    vectorized : bool
        The field's callables accept batches (module docstring).

    Returns
    -------
    PeriodicOrbit

    Raises
    ------
    ArithmeticError
        If Newton's method does not converge.
    """
    _, bf, opt = _setup(field, vectorized, collocation)
    t = check_time_grid(times, name="times", min_size=4)
    x = np.asarray(states, dtype=float)
    p = np.asarray(p, dtype=float)
    if x.ndim != 2 or x.shape[0] != t.size:
        raise ParameterError(f"need times (K,) and states (K, n), K ≥ 4 (got {t.shape}, {x.shape})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(p))):
        raise ParameterError("states and p must be finite")
    T = float(t[-1] - t[0]) if period is None else check_positive("period", period)
    tau = (t - t[0]) / T
    d = uniform(opt.intervals, opt.degree)
    n = x.shape[1]

    def sample(disc: Discretisation) -> NDArray:
        tn = disc.node_times
        return np.column_stack([np.interp(tn, tau, x[:, c], period=1.0) for c in range(n)])

    U = sample(d)
    d = adapted_mesh(d, U)
    U = sample(d)
    for _ in range(2):  # solve, adapt the mesh to the solution, solve again
        sys_ = _System(bf, d, n, p, None)
        res, jac = sys_.factory(sys_.pack(U, T))
        sol = newton(res, sys_.pack(U, T), jac, tol=tol, ftol=1e-9, max_iter=max_iter)
        if not sol.converged:
            raise ArithmeticError(f"collocation Newton did not converge: {sol.reason}")
        U, T, _ = sys_.split(sol.y)
        d_new = adapted_mesh(d, U)
        U, d = interpolate(d, U, d_new), d_new
    sys_ = _System(bf, d, n, p, None)
    res, jac = sys_.factory(sys_.pack(U, T))
    sol = newton(res, sys_.pack(U, T), jac, tol=tol, ftol=1e-9, max_iter=max_iter)
    if not sol.converged:
        raise ArithmeticError(f"collocation Newton did not converge: {sol.reason}")
    return sys_.orbit(sol.y)


def floquet_multipliers(
    field: VectorField | Field, orbit: PeriodicOrbit, *, vectorized: bool = False
) -> NDArray:
    """Floquet multipliers of ``orbit`` (trivial first) recomputed on its mesh for ``field``."""
    vf = as_vector_field(field)
    sys_ = _System(
        BatchedField(vf, vectorized),
        Discretisation(orbit.mesh, orbit.degree),
        orbit.nodes.shape[1],
        orbit.p,
        None,
    )
    return sys_.multipliers(sys_.pack(orbit.nodes, orbit.period))


@dataclass(frozen=True)
class _HopfStart:
    system: _System
    y: NDArray
    direction: NDArray  # unit y-space direction of the eigen-oscillation
    p_hopf: float
    data: Mapping[str, Any]


def _hopf_start(vf, bf, x, p, k, opt: CollocationOptions, tol: float) -> _HopfStart:
    x, p = np.asarray(x, dtype=float), np.asarray(p, dtype=float)
    hc = first_lyapunov(vf, x, p)
    a = vf.jacobian(x, p)
    dxdmu = -np.linalg.solve(a, vf.jacobian_p(x, p, k))
    h = 1e-5 * max(1.0, abs(float(p[k])))

    def jac_at(s: float) -> NDArray:
        return vf.jacobian(x + s * dxdmu, with_params(p, (k,), [p[k] + s]))

    dlam = complex(np.vdot(hc.p, ((jac_at(h) - jac_at(-h)) / (2 * h)) @ hc.q))
    r = opt.hopf_amplitude
    dmu = -hc.c1.real * r**2 / dlam.real if dlam.real != 0 else 0.0
    dmu = float(np.clip(dmu, -0.1 * (1 + abs(p[k])), 0.1 * (1 + abs(p[k]))))
    omega = hc.omega + dlam.imag * dmu + hc.c1.imag * r**2
    T = 2 * np.pi / omega
    d = uniform(opt.intervals, opt.degree)
    sys_ = _System(bf, d, x.size, p, k)
    wave = 2 * np.real(np.outer(np.exp(2j * np.pi * d.node_times), hc.q))
    U0 = x + dxdmu * dmu + r * wave
    y_guess = sys_.pack(U0, T, p[k] + dmu)
    direction = np.concatenate([wave.ravel() * sys_.s, [0.0, 0.0]])
    direction /= np.linalg.norm(direction)
    row = sys_.phase_row(y_guess)

    def fun(y: NDArray) -> NDArray:
        return np.append(sys_.residual(y, row), direction @ (y - y_guess))

    def jac(y: NDArray) -> CollocationJacobian:
        return sys_.jacobian(y, row).append_row(direction)

    sol = newton(fun, y_guess, jac, tol=tol, ftol=1e-9, max_iter=20)
    if not sol.converged:
        raise ArithmeticError(f"the first cycle at the Hopf point did not converge: {sol.reason}")
    data = {"l1": hc.l1, "c1": hc.c1, "omega": hc.omega, "dlambda": dlam, "dmu_predicted": dmu}
    return _HopfStart(sys_, sol.y, direction, float(p[k]), data)


def hopf_orbit(
    field: VectorField | Field,
    x: ArrayLike,
    p: ArrayLike,
    k: int,
    *,
    collocation: CollocationOptions | None = None,
    vectorized: bool = False,
) -> PeriodicOrbit:
    """The small cycle of normal-form radius ``collocation.hopf_amplitude`` born at the Hopf
    point ``(x, p)`` (branch switching; module docstring), with free ``p[k]``.

    ``x`` must be an accurate Hopf point (e.g. from
    :func:`~qmemristor.analysis.locate_hopf`).  Raises ArithmeticError if Newton fails.
    """
    vf, bf, opt = _setup(field, vectorized, collocation)
    st = _hopf_start(vf, bf, x, p, _index(k, np.asarray(p)), opt, 1e-10)
    return st.system.orbit(st.y)


# ============================================================================ continuation
@dataclass
class _Segment:
    system: _System
    points: NDArray
    tangents: NDArray


def _trace(
    system: _System,
    y0: NDArray,
    t0: NDArray,
    opt: ContinuationOptions,
    copt: CollocationOptions,
    bounds: tuple[float, float],
) -> tuple[list[_Segment], str]:
    """One-sided continuation in segments of ``copt.adapt`` steps with remeshing between."""
    idx = system.nn + 1
    segments: list[_Segment] = []
    steps_left, h = opt.max_steps, opt.step
    y, t = y0, t0
    while True:
        stop = _Stop(system, copt, steps_left)
        o = replace(opt, step=float(np.clip(h, opt.step_min, opt.step_max)))
        tr = trace(
            system.factory,
            y,
            t,
            o,
            bounds={idx: bounds},
            norm_slice=slice(0, system.nn),
            stop=stop,
        )
        segments.append(_Segment(system, tr.points, tr.tangents))
        steps_left -= len(tr.points) - 1
        if tr.end != "remesh" or steps_left <= 0:
            return segments, ("max_steps" if tr.end == "remesh" else tr.end)
        if len(tr.points) >= 2:
            h = float(np.linalg.norm(tr.points[-1] - tr.points[-2]))
        # The interpolated point is off the new discrete family by the discretisation error
        # only; the next corrector starts from the predictor anyway, so it is not re-solved.
        system, y, t = system.remeshed(tr.points[-1], tr.tangents[-1])


class _Stop:
    """The ``stop`` rule of one traced segment: remembers each accepted point's multipliers and
    ends the segment at a Hopf point, a too long period, the step budget or a remesh."""

    def __init__(self, system: _System, copt: CollocationOptions, steps_left: int) -> None:
        self.system, self.copt, self.steps_left, self.count = system, copt, steps_left, 0

    def __call__(self, y_prev: NDArray, y_new: NDArray) -> str | None:
        self.count += 1
        sys_, copt = self.system, self.copt
        sys_.remember(y_new)
        if sys_.amplitude(y_new)[0] < copt.min_amplitude or _flipped(sys_, y_prev, y_new):
            return "hopf"
        if not 0 < y_new[sys_.nn] < copt.max_period:
            return "period"
        if self.count >= self.steps_left:
            return "max_steps"
        if copt.adapt and self.count % copt.adapt == 0:
            return "remesh"
        return None


def _index(k: int, p: NDArray) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < p.size:
        raise ParameterError(f"parameter index must be an integer in [0, {p.size - 1}] (got {k!r})")
    return int(k)


def _check_bounds(bounds, value: float) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"bounds must be a pair (lo, hi) (got {bounds!r})") from exc
    if not lo < hi:
        raise ParameterError(f"bounds must satisfy lo < hi (got {lo:g}, {hi:g})")
    if not lo <= value <= hi:
        raise ParameterError(f"the start value {value:g} must lie in bounds [{lo:g}, {hi:g}]")
    return lo, hi


def continue_from_hopf(
    field: VectorField | Field,
    x: ArrayLike,
    p: ArrayLike,
    k: int,
    *,
    bounds: tuple[float, float],
    options: ContinuationOptions | None = None,
    collocation: CollocationOptions | None = None,
    vectorized: bool = False,
    locate: bool = True,
) -> CycleFamily:
    """Continue the family of cycles born at the Hopf point ``(x, p)`` in ``p[k]``.

    Parameters
    ----------
    field : VectorField or callable ``f(x, p)``
    x, p : array_like
        An accurate Hopf point (equilibrium with a simple pair ``±iω``) and its parameters.
    k : int
        Index of the continuation parameter; ``bounds = (lo, hi)`` must contain ``p[k]``.
    options : ContinuationOptions, optional
        Step control (default :data:`DEFAULT_CONTINUATION`).
    collocation : CollocationOptions, optional
    vectorized : bool
        The field's callables accept batches (module docstring).
    locate : bool
        Locate special points accurately (otherwise only the test functions are returned).

    Returns
    -------
    CycleFamily
        ``ends[0] == "hopf"`` and ``end_params[0] = p[k]``; empty with
        ``ends == ("start_failed", "start_failed")`` if the first cycle did not converge.
    """
    vf, bf, copt = _setup(field, vectorized, collocation)
    p = np.asarray(p, dtype=float)
    k = _index(k, p)
    lo, hi = _check_bounds(bounds, float(p[k]))
    opt = options or DEFAULT_CONTINUATION
    try:
        st = _hopf_start(vf, bf, x, p, k, copt, opt.tol)
    except (*NUMERICAL_ERRORS, ParameterError):
        return _empty(np.size(x), p, k)
    jac = st.system.factory(st.y)[1]
    t0 = tangent(jac(st.y), st.direction)
    segments, end = _trace(st.system, st.y, t0, opt, copt, (lo, hi))
    return _assemble(segments, ("hopf", end), (st.p_hopf, np.nan), k, opt, locate)


def continue_orbits(
    field: VectorField | Field,
    orbit: PeriodicOrbit,
    k: int,
    *,
    bounds: tuple[float, float],
    direction: str = "both",
    options: ContinuationOptions | None = None,
    collocation: CollocationOptions | None = None,
    vectorized: bool = False,
    locate: bool = True,
) -> CycleFamily:
    """Continue the family through ``orbit`` (e.g. from :func:`find_orbit`) in ``p[k]``.

    ``direction``: ``"forward"`` (increasing ``p[k]``), ``"backward"`` or ``"both"`` (joined
    into one family ordered by arclength).  The orbit's own mesh is kept (``collocation``
    gives the remeshing and ending rules).  Other arguments as :func:`continue_from_hopf`.
    """
    _, bf, copt = _setup(field, vectorized, collocation)
    if direction not in ("both", "forward", "backward"):
        raise ParameterError(
            f"direction must be 'both', 'forward' or 'backward' (got {direction!r})"
        )
    p = np.asarray(orbit.p, dtype=float)
    k = _index(k, p)
    lo, hi = _check_bounds(bounds, float(p[k]))
    opt = options or DEFAULT_CONTINUATION
    d = Discretisation(orbit.mesh, orbit.degree)
    sys_ = _System(bf, d, orbit.nodes.shape[1], p, k)
    y0 = sys_.pack(orbit.nodes, orbit.period, p[k])
    jac = sys_.factory(y0)[1]
    e = np.zeros(y0.size)
    e[-1] = 1.0
    try:
        t0 = tangent(jac(y0), e)
    except NUMERICAL_ERRORS:
        return _empty(orbit.nodes.shape[1], p, k)
    parts: list[tuple[list[_Segment], str]] = []
    if direction != "backward":
        parts.append(_trace(sys_, y0, t0, opt, copt, (lo, hi)))
    if direction != "forward":
        bwd, end = _trace(sys_, y0, -t0, opt, copt, (lo, hi))
        rev = [_Segment(s.system, s.points[::-1], -s.tangents[::-1]) for s in bwd[::-1]]
        parts.insert(0, (rev, end))
    if len(parts) == 2:
        segments = parts[0][0] + parts[1][0]
        ends = (parts[0][1], parts[1][1])
    elif direction == "forward":
        segments, ends = parts[0][0], ("start", parts[0][1])
    else:
        segments, ends = parts[0][0], (parts[0][1], "start")
    return _assemble(segments, ends, (np.nan, np.nan), k, opt, locate)


# ============================================================================ analysis of a family
def _assemble(
    segments: list[_Segment],
    ends: tuple[str, str],
    end_params: tuple[float, float],
    k: int,
    opt: ContinuationOptions,
    locate: bool,
) -> CycleFamily:
    """Drop a point past a Hopf end, compute per-point data, find and locate special points."""
    ends_l, end_p = list(ends), list(end_params)
    reached = [ends_l[side] == "hopf" and end_p[side] != end_p[side] for side in (0, 1)]
    for side in (0, 1):  # drop a point past a Hopf end reached (the profile flipped sign)
        seg = segments[-1] if side == 1 else segments[0]
        if reached[side] and len(seg.points) >= 2:
            a, b = (-2, -1) if side == 1 else (1, 0)
            if _flipped(seg.system, seg.points[a], seg.points[b]):
                keep = slice(None, -1) if side == 1 else slice(1, None)
                seg.points, seg.tangents = seg.points[keep], seg.tangents[keep]
    orbits: list[PeriodicOrbit] = []
    fold, tests = [], []
    special: list[SpecialPoint] = []
    for si, seg in enumerate(segments):
        start = 0 if si == 0 else 1
        offset = len(orbits) - start
        mults = [seg.system.multipliers(y) for y in seg.points]
        for i in range(start, len(seg.points)):
            orbits.append(seg.system.orbit(seg.points[i], mults[i]))
            fold.append(seg.tangents[i][-1])
            tests.append(_tests(mults[i]))
        if locate:
            special.extend(_special_on_segment(seg, mults, offset, opt))
    tests_a = np.array(tests).reshape(-1, 3)
    fold_a = np.array(fold)
    if reached[0] and len(orbits) >= 2:
        end_p[0] = _hopf_end(orbits[1], orbits[0], k)
    if reached[1] and len(orbits) >= 2:
        end_p[1] = _hopf_end(orbits[-2], orbits[-1], k)
    special.sort(key=lambda sp: sp.index)
    ext = [_extremes(o._disc, o.nodes) for o in orbits]
    n = orbits[0].nodes.shape[1] if orbits else 0
    mins = np.array([e[0] for e in ext]).reshape(-1, n)
    maxs = np.array([e[1] for e in ext]).reshape(-1, n)
    p0 = orbits[0].p if orbits else np.empty(0)
    return CycleFamily(
        mu=np.array([o.p[k] for o in orbits]),
        period=np.array([o.period for o in orbits]),
        minimum=mins,
        maximum=maxs,
        multipliers=np.array([o.multipliers for o in orbits]).reshape(-1, n),
        stable=np.array([o.stable for o in orbits], dtype=bool),
        orbits=tuple(orbits),
        k=k,
        p0=p0,
        special_points=tuple(special),
        ends=(ends_l[0], ends_l[1]),
        end_params=(float(end_p[0]), float(end_p[1])),
        tests={
            "fold": fold_a,
            "one": tests_a[:, 0],
            "pd": tests_a[:, 1],
            "ns": tests_a[:, 2],
        },
    )


def _flipped(sys_: _System, y_prev: NDArray, y_new: NDArray) -> bool:
    """The oscillating part of the profile changed sign: the family went through a Hopf point."""
    return float(np.sum(sys_.amplitude(y_new)[1] * sys_.amplitude(y_prev)[1])) < 0


def _amplitude(orbit: PeriodicOrbit) -> float:
    """RMS deviation of the orbit from its mean over one period (200 equal time steps)."""
    x = orbit(np.linspace(0.0, orbit.period, 200, endpoint=False))
    return float(np.sqrt(np.mean(np.sum((x - x.mean(axis=0)) ** 2, axis=1))))


def _hopf_end(inner: PeriodicOrbit, last: PeriodicOrbit, k: int) -> float:
    """Parameter of the Hopf point ending a family: ``μ = μ_H + c a²`` through its last two
    cycles (``a`` the RMS amplitude; the error is O(a⁴))."""
    a1, a2 = _amplitude(inner), _amplitude(last)
    m1, m2 = float(inner.p[k]), float(last.p[k])
    if a1 == a2:
        return m2
    c = (m2 - m1) / (a2**2 - a1**2)
    return float(m2 - c * a2**2)


def _special_on_segment(
    seg: _Segment, mults: list[NDArray], offset: int, opt: ContinuationOptions
) -> list[SpecialPoint]:
    sys_, pts, tans = seg.system, seg.points, seg.tangents
    if len(pts) < 2:
        return []
    tv = np.array([_tests(m) for m in mults])
    fold = tans[:, -1]
    out: list[SpecialPoint] = []
    for i in range(len(pts) - 1):
        found: list[tuple[str, Any]] = []
        res, jac = sys_.factory(pts[i])  # cheap: the phase row only
        if fold[i] * fold[i + 1] < 0:
            found.append(("LPC", lambda z, i=i, jac=jac: float(tangent(jac(z), tans[i])[-1])))
        elif tv[i, 0] * tv[i + 1, 0] < 0:
            found.append(("BP", lambda z: _tests(sys_.multipliers(z))[0]))
        if tv[i, 1] * tv[i + 1, 1] < 0:
            found.append(("PD", lambda z: _tests(sys_.multipliers(z))[1]))
        if tv[i, 2] * tv[i + 1, 2] < 0:
            found.append(("NS", lambda z: _tests(sys_.multipliers(z))[2]))
        for kind, phi in found:
            y = locate_on_segment(res, jac, pts[i], tans[i], pts[i + 1], phi, opt)
            located = y is not None
            if y is None:
                a, b = _phi_pair(kind, fold, tv, i)
                y = pts[i] + (a / (a - b)) * (pts[i + 1] - pts[i])
            orbit = sys_.orbit(y)
            if kind == "NS" and not _complex_crossing(orbit.multipliers[1:]):
                continue  # a real pair with product 1: neutral saddle cycle, not a bifurcation
            data = {
                "period": orbit.period,
                "multipliers": orbit.multipliers,
                "orbit": orbit,
                "method": "brent" if located else "interpolated",
            }
            out.append(
                SpecialPoint(
                    kind,
                    orbit.nodes[0].copy(),
                    orbit.p.copy(),
                    index=offset + i,
                    located=located,
                    data=data,
                    message="" if located else "Brent's method along the family failed",
                )
            )
    return out


def _phi_pair(kind: str, fold: NDArray, tv: NDArray, i: int) -> tuple[float, float]:
    col = {"LPC": None, "BP": 0, "PD": 1, "NS": 2}[kind]
    if col is None:
        return float(fold[i]), float(fold[i + 1])
    return float(tv[i, col]), float(tv[i + 1, col])


def _complex_crossing(mu: NDArray) -> bool:
    """The pair whose product is closest to 1 is complex (a Neimark–Sacker pair)."""
    if mu.size < 2:
        return False
    i, j = np.triu_indices(mu.size, k=1)
    b = int(np.argmin(np.abs(mu[i] * mu[j] - 1)))
    return bool(abs(mu[i[b]].imag) > 1e-8 * max(1.0, abs(mu[i[b]])))


def _empty(n: int, p: NDArray, k: int) -> CycleFamily:
    return CycleFamily(
        mu=np.empty(0),
        period=np.empty(0),
        minimum=np.empty((0, n)),
        maximum=np.empty((0, n)),
        multipliers=np.empty((0, n), dtype=complex),
        stable=np.empty(0, dtype=bool),
        orbits=(),
        k=k,
        p0=p,
        special_points=(),
        ends=("start_failed", "start_failed"),
        tests={},
    )
