"""Continuation of equilibria in one parameter, and of fold and Hopf curves in two.

Model-independent: any smooth ``dx/dt = f(x, p)`` following the contract of
:mod:`qmemristor.analysis.vectorfield` — ``f(x, p)`` with ``x`` of shape ``(n,)`` and ``p`` a 1-D
float parameter vector of shape ``(m,)``; optional analytic ``jac_x`` (n×n), ``jac_p`` (n×m),
``bilinear``/``trilinear`` forms, otherwise central finite differences.  The continuation
parameter is an index ``k`` into ``p`` (two indices ``k1``, ``k2`` for curves of
codimension-one points); all other entries of ``p`` stay fixed.

* :func:`continue_equilibrium` — pseudo-arclength continuation (:mod:`._arclength`) of
  ``f(x, p) = 0`` in ``(x, p[k])``; eigenvalues and stability at each point; folds (LP) and
  Andronov–Hopf points (H) detected by test functions and located by Newton on the augmented
  systems of :mod:`.bifurcation` (Brent along the branch as a fallback); the first Lyapunov
  coefficient at each Hopf point; neutral saddles (NS) reported as such, never as Hopf.
* :func:`continue_fold` — the fold curve in ``(p[k1], p[k2])``: continuation of the fold
  system in ``(x, p[k1], p[k2], v)``; detects and locates the cusp (CP: ``⟨w, B(v, v)⟩ = 0``)
  and Bogdanov–Takens points (BT: ``⟨w, v⟩ = 0``), ``w`` the left null vector.
* :func:`continue_hopf` — the Hopf curve: continuation of the Hopf system in
  ``(x, p[k1], p[k2], v, κ)``; ``ω = sqrt(κ)`` and ``l1`` along it; stops cleanly where
  ``ω → 0`` (``κ`` changes sign: a Bogdanov–Takens point, located); detects zero–Hopf points
  (ZH: ``det J = 0``) and generalised Hopf points (GH: ``l1 = 0``), located by Brent's method
  along the curve.

Nothing here raises on non-convergence: results carry ``ends`` (why each end of the curve
stopped: ``"bound"``, ``"max_steps"``, ``"step_too_small"``, ``"unbounded"``,
``"omega_to_zero"``, ``"start"`` for the starting end of a one-sided run, or
``"start_failed"``), ``ok`` and per-point ``located`` flags.  Bad *input* (shapes, indices,
bounds) raises :class:`~qmemristor.errors.ParameterError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from ._arclength import (
    ContinuationOptions,
    initial_tangent,
    locate_on_segment,
    tangent,
    trace,
)
from ._numerics import NUMERICAL_ERRORS, newton
from .bifurcation import (
    SpecialPoint,
    critical_plane,
    fold_coefficient,
    fold_system,
    hopf_point,
    hopf_system,
    hopf_test_function,
    locate_fold,
    locate_hopf,
    phase_vector,
    sorted_eigenvalues,
    with_params,
)
from .lyapunov import first_lyapunov
from .vectorfield import Field, VectorField, as_vector_field

__all__ = [
    "BifurcationCurve",
    "Branch",
    "ContinuationOptions",
    "continue_equilibrium",
    "continue_fold",
    "continue_hopf",
]

_REGULAR_ENDS = {"bound", "max_steps", "start", "omega_to_zero", "unbounded"}


class _Result:
    """What :class:`Branch` and :class:`BifurcationCurve` share: read-only arrays and ``tests``
    (frozen after ``__init__``), ``ok`` and ``points``."""

    special_points: tuple[SpecialPoint, ...]
    ends: tuple[str, str]
    tests: Mapping[str, NDArray]

    def __post_init__(self) -> None:
        _freeze(self)

    @property
    def ok(self) -> bool:
        """True unless the start failed or the step size collapsed at an end."""
        return all(e in _REGULAR_ENDS for e in self.ends)

    def points(self, kind: str) -> tuple[SpecialPoint, ...]:
        """The special points of one kind: ``"LP"``, ``"H"``, ``"NS"`` on a branch; ``"CP"``,
        ``"BT"`` on a fold curve; ``"BT"``, ``"ZH"``, ``"GH"`` on a Hopf curve."""
        return tuple(sp for sp in self.special_points if sp.kind == kind)


@dataclass(frozen=True)
class Branch(_Result):
    """A branch of equilibria ``f(x, p) = 0`` continued in ``p[k]``.

    Attributes
    ----------
    x : ndarray, shape (N, n)
        Equilibria, in the order of the arclength.
    mu : ndarray, shape (N,)
        The continuation parameter ``p[k]`` at each point.
    k : int
        Index of the continuation parameter.
    p0 : ndarray, shape (m,)
        Parameter vector (``p0[k]`` is the start value; the others are fixed).
    eigenvalues : ndarray, complex, shape (N, n)
        Eigenvalues of ``∂f/∂x``, sorted by decreasing real part.
    stable : ndarray, bool, shape (N,)
        All eigenvalues have negative real part.
    special_points : tuple of SpecialPoint
        LP, H and NS points ordered along the branch.
    ends : (str, str)
        Why the branch stops at index 0 and at index −1 (module docstring).
    tests : mapping of str to ndarray
        Test functions at each point: ``"fold"`` (``dμ/ds``), ``"hopf"`` (``ψ_H``).
    """

    x: NDArray
    mu: NDArray
    k: int
    p0: NDArray
    eigenvalues: NDArray
    stable: NDArray
    special_points: tuple[SpecialPoint, ...]
    ends: tuple[str, str]
    tests: Mapping[str, NDArray] = field(default_factory=dict)

    def params(self, i: int) -> NDArray:
        """Full parameter vector at point ``i``."""
        return with_params(self.p0, (self.k,), [self.mu[i]])


@dataclass(frozen=True)
class BifurcationCurve(_Result):
    """A curve of folds or Hopf points in the plane of ``(p[k1], p[k2])``.

    Attributes
    ----------
    kind : str
        ``"fold"`` or ``"hopf"``.
    x : ndarray, shape (N, n)
    params : ndarray, shape (N, 2)
        ``(p[k1], p[k2])`` along the curve.
    indices : (int, int)
        ``(k1, k2)``.
    p0 : ndarray, shape (m,)
        Parameter vector at the start (other entries fixed).
    eigenvalues : ndarray, complex, shape (N, n)
    omega : ndarray, shape (N,)
        Hopf frequency ``sqrt(κ)`` (NaN on fold curves).
    l1 : ndarray, shape (N,)
        First Lyapunov coefficient (NaN on fold curves or when not computed).
    special_points : tuple of SpecialPoint
        CP, BT (fold curves); BT, ZH, GH (Hopf curves).
    ends : (str, str)
    tests : mapping of str to ndarray
        Fold: ``"cusp"`` (``⟨w, B(v, v)⟩``), ``"bt"`` (``⟨w, v⟩``).  Hopf: ``"kappa"``,
        ``"det"`` (``det J``).
    """

    kind: str
    x: NDArray
    params: NDArray
    indices: tuple[int, int]
    p0: NDArray
    eigenvalues: NDArray
    omega: NDArray
    l1: NDArray
    special_points: tuple[SpecialPoint, ...]
    ends: tuple[str, str]
    tests: Mapping[str, NDArray] = field(default_factory=dict)

    def params_at(self, i: int) -> NDArray:
        """Full parameter vector at point ``i``."""
        return with_params(self.p0, self.indices, self.params[i])


Residual = Callable[[NDArray], NDArray]
#: The augmented system at a curve point: ``y ↦ (residual, Jacobian)`` of the continued system
#: (a Hopf curve refreshes its phase condition at each accepted point; a fold curve's is fixed).
System = Callable[[NDArray], tuple[Residual, Residual]]


@dataclass(frozen=True, eq=False)
class _BranchProblem:
    """What the analysis of one equilibrium branch needs (one argument instead of eleven).

    ``res``/``jac`` are the equilibrium system in ``y = (x, p[k])`` and its ``n × (n + 1)``
    Jacobian; ``p0`` the parameter vector with ``p0[k]`` the start value.
    """

    vf: VectorField
    p0: NDArray
    k: int
    n: int
    res: Residual
    jac: Residual
    opt: ContinuationOptions
    locate: bool
    lyapunov: bool

    def eigenvalues(self, y: NDArray) -> NDArray:
        """Sorted eigenvalues of ``∂f/∂x`` at the branch point ``y = (x, p[k])``."""
        n = self.n
        return sorted_eigenvalues(self.vf.jacobian(y[:n], with_params(self.p0, (self.k,), y[n:])))


@dataclass(frozen=True, eq=False)
class _CurveProblem:
    """What the analysis of a fold or Hopf curve in ``(p[k1], p[k2])`` needs.

    ``split`` cuts a curve point ``y`` into ``(x, p, v[, κ])`` (``p`` the full parameter
    vector); ``system`` gives the augmented system at ``y`` (:data:`System`).
    """

    kind: str
    vf: VectorField
    p0: NDArray
    ks: tuple[int, int]
    n: int
    split: Callable[[NDArray], tuple[Any, ...]]
    system: System
    opt: ContinuationOptions
    lyapunov: bool = False


def _freeze(result: _Result) -> None:
    """Make the arrays of a result read-only and its ``tests`` mapping immutable."""
    tests = {}
    for name, value in result.tests.items():
        tests[name] = np.array(value)
        tests[name].flags.writeable = False
    object.__setattr__(result, "tests", MappingProxyType(tests))
    for f in fields(cast(Any, result)):
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray):
            value = value.copy()
            value.flags.writeable = False
            object.__setattr__(result, f.name, value)


# ============================================================================ one parameter
def continue_equilibrium(
    field: VectorField | Field,
    x0: ArrayLike,
    p0: ArrayLike,
    k: int,
    *,
    bounds: tuple[float, float],
    direction: str = "both",
    options: ContinuationOptions | None = None,
    locate: bool = True,
    lyapunov: bool = True,
) -> Branch:
    """Continue the equilibrium near ``x0`` at ``p0`` in the parameter ``p[k]``.

    Parameters
    ----------
    field : VectorField or callable ``f(x, p)``
    x0 : array_like, shape (n,)
        Approximate equilibrium at ``p0`` (corrected by Newton first; if ``∂f/∂x`` is singular
        there, by minimum-norm Newton in ``(x, p[k])``).
    p0 : array_like, shape (m,)
    k : int
        Index of the continuation parameter; ``bounds = (lo, hi)`` must contain ``p0[k]``.
    direction : {"both", "forward", "backward"}
        ``"forward"`` starts towards increasing ``p[k]``; ``"both"`` runs both ways and joins
        them into one branch ordered by arclength.
    options : ContinuationOptions, optional
    locate : bool
        Locate folds and Hopf points accurately (else only the test functions are returned).
    lyapunov : bool
        Compute the first Lyapunov coefficient at each Hopf point.

    Returns
    -------
    Branch
        With ``ends[i] == "start_failed"`` and no points if the start did not converge.

    Notes
    -----
    Special points are found from sign changes of the test functions between consecutive
    points, so one sitting exactly on the start point is not reported (start next to it), and
    two within one step can cancel (lower ``options.step_max``).  Points where ``f`` raises
    ``ValueError`` / ``ArithmeticError`` are treated as failed corrector steps.
    """
    vf = as_vector_field(field)
    x0, p0 = _state(x0, p0, (k,))
    lo, hi = _bounds(bounds, p0[k], "bounds")
    opt = options or ContinuationOptions()
    n = x0.size

    def res(y: NDArray) -> NDArray:
        return vf.rhs(y[:n], with_params(p0, (k,), y[n:]))

    def jac(y: NDArray) -> NDArray:
        p = with_params(p0, (k,), y[n:])
        return np.column_stack([vf.jacobian(y[:n], p), vf.jacobian_p(y[:n], p, k)])

    y0 = _start_equilibrium(vf, res, jac, x0, p0, k, opt)
    if y0 is None or not lo <= y0[n] <= hi:
        return _empty_branch(n, p0, k)
    t0 = initial_tangent(jac(y0), n, 1.0)
    pts, tans, ends = _run(
        lambda y: (res, jac), y0, t0, opt, direction, bounds={n: (lo, hi)}, n=n, stop=None
    )
    prob = _BranchProblem(vf, p0, k, n, res, jac, opt, locate, lyapunov)
    return _analyse_branch(prob, pts, tans, ends)


def _start_equilibrium(vf, res, jac, x0, p0, k, opt) -> NDArray | None:
    """Newton at fixed ``p0``; if that fails (e.g. at a fold), minimum-norm Newton in (x, μ)."""
    sol = newton(lambda x: vf.rhs(x, p0), x0, lambda x: vf.jacobian(x, p0), tol=opt.tol)
    if sol.converged:
        return np.append(sol.y, p0[k])
    sol = newton(res, np.append(x0, p0[k]), jac, tol=opt.tol, ftol=opt.ftol)
    return sol.y if sol.converged else None


def _analyse_branch(
    prob: _BranchProblem, pts: NDArray, tans: NDArray, ends: tuple[str, str]
) -> Branch:
    n, k, p0 = prob.n, prob.k, prob.p0
    mu = pts[:, n]
    eig = np.array([prob.eigenvalues(y) for y in pts])
    fold_test, hopf_test = tans[:, n], hopf_test_function(eig)
    special: list[SpecialPoint] = []
    if prob.locate:
        for kind, test, locator in (
            ("LP", fold_test, _fold_on_branch),
            ("H", hopf_test, _hopf_on_branch),
        ):
            for i in _sign_changes(test):
                guess = _interpolate(pts[i], pts[i + 1], test[i], test[i + 1])
                try:
                    sp = locator(prob, pts, tans, i, guess)
                except NUMERICAL_ERRORS as exc:  # f failed near the point: keep the estimate
                    sp = _interpolated(kind, guess, p0, (k,), n, i, f"{type(exc).__name__}: {exc}")
                special.append(sp)
    special.sort(key=lambda sp: (sp.index, float(sp.p[k])))
    return Branch(
        x=pts[:, :n],
        mu=mu,
        k=k,
        p0=p0,
        eigenvalues=eig,
        stable=np.max(eig.real, axis=1) < 0,
        special_points=tuple(special),
        ends=ends,
        tests={"fold": fold_test, "hopf": hopf_test},
    )


def _fold_on_branch(
    prob: _BranchProblem, pts: NDArray, tans: NDArray, i: int, guess: NDArray
) -> SpecialPoint:
    """Fold between points ``i`` and ``i+1``: Newton on the fold system, else Brent on dμ/ds."""
    vf, p0, k, n, res, jac = prob.vf, prob.p0, prob.k, prob.n, prob.res, prob.jac
    sp = locate_fold(vf, guess[:n], with_params(p0, (k,), [guess[n]]), k)
    if sp.located and _near(sp, guess, pts, i, n, k):
        return replace(sp, index=i)
    y = locate_on_segment(
        res, jac, pts[i], tans[i], pts[i + 1], lambda z: tangent(jac(z), tans[i])[n], prob.opt
    )
    if y is None:
        return _interpolated("LP", guess, p0, (k,), n, i, sp.message or "far from the branch")
    x, p = y[:n], with_params(p0, (k,), [y[n]])
    v = sla.svd(vf.jacobian(x, p))[2][-1]
    a, w = fold_coefficient(vf, x, p, v)
    data = {"v": v, "w": w, "a": a, "method": "brent", "residual": float(np.max(np.abs(res(y))))}
    data["eigenvalues"] = sorted_eigenvalues(vf.jacobian(x, p))
    return SpecialPoint("LP", x, p, index=i, data=data)


def _hopf_on_branch(
    prob: _BranchProblem, pts: NDArray, tans: NDArray, i: int, guess: NDArray
) -> SpecialPoint:
    """Hopf/NS between ``i`` and ``i+1``: Newton on the Hopf system, else Brent on ``ψ_H``."""
    vf, p0, k, n, res, jac = prob.vf, prob.p0, prob.k, prob.n, prob.res, prob.jac
    lyapunov = prob.lyapunov
    sp = locate_hopf(vf, guess[:n], with_params(p0, (k,), [guess[n]]), k, lyapunov=lyapunov)
    if sp.located and _near(sp, guess, pts, i, n, k):
        return replace(sp, index=i)
    y = locate_on_segment(
        res, jac, pts[i], tans[i], pts[i + 1],
        lambda z: float(hopf_test_function(prob.eigenvalues(z))), prob.opt,
    )  # fmt: skip
    if y is None:
        return _interpolated("H", guess, p0, (k,), n, i, sp.message or "far from the branch")
    x, p = y[:n], with_params(p0, (k,), [y[n]])
    v, v0, kappa = critical_plane(vf.jacobian(x, p))
    resid = float(np.max(np.abs(res(y))))
    return hopf_point(vf, x, p, v, kappa, resid, lyapunov=lyapunov, v0=v0, index=i, method="brent")


def _near(sp: SpecialPoint, guess: NDArray, pts: NDArray, i: int, n: int, k: int) -> bool:
    """The located point is within two segment lengths of the interpolated guess."""
    seg = float(np.linalg.norm(pts[i + 1] - pts[i]))
    y = np.append(sp.x, sp.p[k])
    return float(np.linalg.norm(y - guess[: n + 1])) <= 2 * seg + 1e-9


def _empty_branch(n: int, p0: NDArray, k: int) -> Branch:
    return Branch(
        x=np.empty((0, n)),
        mu=np.empty(0),
        k=k,
        p0=p0,
        eigenvalues=np.empty((0, n), dtype=complex),
        stable=np.empty(0, dtype=bool),
        special_points=(),
        ends=("start_failed", "start_failed"),
    )


# ============================================================================ two parameters
def continue_fold(
    field: VectorField | Field,
    x0: ArrayLike,
    p0: ArrayLike,
    k1: int,
    k2: int,
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]],
    direction: str = "both",
    options: ContinuationOptions | None = None,
    v: ArrayLike | None = None,
) -> BifurcationCurve:
    """Continue the fold near ``(x0, p0)`` as a curve in ``(p[k1], p[k2])``.

    The start is first located in ``p[k1]`` with ``p[k2]`` fixed (:func:`locate_fold`);
    ``"forward"`` starts towards increasing ``p[k2]``.  ``bounds = ((lo1, hi1), (lo2, hi2))``.
    Cusp points (CP) and Bogdanov–Takens points (BT) are located along the curve; each CP
    carries ``a`` ≈ 0 and each BT the eigenvalues (a double zero) in ``data``.
    """
    vf = as_vector_field(field)
    x0, p0 = _state(x0, p0, (k1, k2))
    b1, b2 = _bounds2(bounds, p0, k1, k2)
    opt = options or ContinuationOptions()
    n = x0.size
    start = locate_fold(vf, x0, p0, k1, v=v)
    if not start.located:
        return _empty_curve("fold", n, p0, (k1, k2))
    res, jac, split = fold_system(vf, start.p, (k1, k2), n)

    y0 = np.concatenate([start.x, start.p[[k1, k2]], start.data["v"]])
    t0 = initial_tangent(jac(y0), n + 1, 1.0)
    pts, tans, ends = _run(
        lambda y: (res, jac), y0, t0, opt, direction, bounds={n: b1, n + 1: b2}, n=n, stop=None
    )
    prob = _CurveProblem("fold", vf, start.p, (k1, k2), n, split, lambda _: (res, jac), opt)
    return _analyse_fold_curve(prob, pts, tans, ends)


def _analyse_fold_curve(
    prob: _CurveProblem, pts: NDArray, tans: NDArray, ends: tuple[str, str]
) -> BifurcationCurve:
    vf, split = prob.vf, prob.split
    states = [split(y) for y in pts]
    eig = np.array([sorted_eigenvalues(vf.jacobian(x, p)) for x, p, _ in states])
    ws = _oriented_left_null(vf, states)
    cusp = np.array([w @ vf.B(x, p, v, v) for w, (x, p, v) in zip(ws, states, strict=True)])
    bt = np.array([w @ v for w, (_, _, v) in zip(ws, states, strict=True)])

    def left(z: NDArray, w_ref: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        x, p, v = split(z)
        w = sla.svd(vf.jacobian(x, p))[0][:, -1]
        return x, p, v, (w if w @ w_ref >= 0 else -w)

    def cusp_at(z, w_ref):
        x, p, v, w = left(z, w_ref)
        return float(w @ vf.B(x, p, v, v))

    def bt_at(z, w_ref):
        _, _, v, w = left(z, w_ref)
        return float(w @ v)

    special = []
    for kind, test, phi in (("CP", cusp, cusp_at), ("BT", bt, bt_at)):
        for i in _sign_changes(test):
            res, jac = prob.system(pts[i])
            y = locate_on_segment(
                res, jac, pts[i], tans[i], pts[i + 1], _against(phi, ws[i]), prob.opt
            )
            seg = (pts[i], pts[i + 1], test[i], test[i + 1])
            special.append(_curve_point(prob, kind, y, seg, i, res))
    return _curve(prob, pts, eig, special, ends, {"cusp": cusp, "bt": bt})


def _against(
    phi: Callable[[NDArray, NDArray], float], w_ref: NDArray
) -> Callable[[NDArray], float]:
    """``z ↦ φ(z, w_ref)``: a test function along a fold curve with its orientation fixed."""
    return lambda z: phi(z, w_ref)


def _oriented_left_null(vf: VectorField, states) -> list[NDArray]:
    """Unit left null vectors ``w`` of ``J`` along a fold curve, with continuous orientation."""
    ws: list[NDArray] = []
    for x, p, v in states:
        w = sla.svd(vf.jacobian(x, p))[0][:, -1]
        ref = ws[-1] if ws else v
        ws.append(w if w @ ref >= 0 else -w)
    return ws


def continue_hopf(
    field: VectorField | Field,
    x0: ArrayLike,
    p0: ArrayLike,
    k1: int,
    k2: int,
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]],
    direction: str = "both",
    options: ContinuationOptions | None = None,
    lyapunov: bool = True,
) -> BifurcationCurve:
    """Continue the Hopf point near ``(x0, p0)`` as a curve in ``(p[k1], p[k2])``.

    The start is first located in ``p[k1]`` (:func:`locate_hopf`); it must be a Hopf point,
    not a neutral saddle.  The curve ends where ``κ = ω²`` changes sign (end reason
    ``"omega_to_zero"``; the Bogdanov–Takens point is located and reported as ``"BT"``), at
    the ``bounds``, or as :class:`Branch`.  With ``lyapunov``, ``l1`` is computed at every
    point and its sign changes are located as generalised Hopf points (``"GH"``);
    zero–Hopf points (``"ZH"``, another eigenvalue crossing 0) are located too.
    """
    vf = as_vector_field(field)
    x0, p0 = _state(x0, p0, (k1, k2))
    b1, b2 = _bounds2(bounds, p0, k1, k2)
    opt = options or ContinuationOptions()
    n = x0.size
    start = locate_hopf(vf, x0, p0, k1, lyapunov=False)
    if not start.located or start.kind != "H":
        return _empty_curve("hopf", n, p0, (k1, k2))
    kscale = max(1.0, start.data["kappa"])
    split = hopf_system(vf, start.p, (k1, k2), n, start.data["v0"], kscale)[2]

    def system(y: NDArray):
        """Hopf system whose phase vector ``v₀`` is refreshed at the accepted point ``y``."""
        x, p, v, kappa = split(y)
        v0 = phase_vector(vf.jacobian(x, p), kappa, v)
        res, jac, _ = hopf_system(vf, start.p, (k1, k2), n, v0, kscale)
        return res, jac

    y0 = np.concatenate(
        [start.x, start.p[[k1, k2]], start.data["v"], [start.data["kappa"] / kscale]]
    )
    t0 = initial_tangent(system(y0)[1](y0), n + 1, 1.0)
    pts, tans, ends = _run(
        system, y0, t0, opt, direction, bounds={n: b1, n + 1: b2}, n=n,
        stop=lambda _, y: "omega_to_zero" if y[-1] <= 0 else None,
    )  # fmt: skip
    prob = _CurveProblem("hopf", vf, start.p, (k1, k2), n, split, system, opt, lyapunov)
    return _analyse_hopf_curve(prob, pts, tans, ends)


def _analyse_hopf_curve(
    prob: _CurveProblem, pts: NDArray, tans: NDArray, ends: tuple[str, str]
) -> BifurcationCurve:
    vf, split = prob.vf, prob.split
    pts, tans, special = _cut_at_bt(prob, pts, tans, ends)
    states = [split(y) for y in pts]
    eig = np.array([sorted_eigenvalues(vf.jacobian(x, p)) for x, p, _, _ in states])
    kappa = np.array([s[3] for s in states])
    omega = np.sqrt(kappa)
    det = np.real(np.prod(eig, axis=1))
    l1 = np.array(
        [
            _l1(vf, x, p, w) if prob.lyapunov else np.nan
            for (x, p, _, _), w in zip(states, omega, strict=True)
        ]
    )

    def det_at(z):
        x, p, _, _ = split(z)
        return float(sla.det(vf.jacobian(x, p)))

    def l1_at(z):
        x, p, _, kap = split(z)
        return _l1(vf, x, p, np.sqrt(kap))

    zh = _sign_changes(det)
    for kind, test, phi in (("ZH", det, det_at), ("GH", l1, l1_at)):
        for i in _sign_changes(np.nan_to_num(test)):
            res, jac = prob.system(pts[i])
            y = locate_on_segment(res, jac, pts[i], tans[i], pts[i + 1], phi, prob.opt)
            if kind == "GH" and _is_pole(y, i, zh, test, phi):
                continue
            seg = (pts[i], pts[i + 1], test[i], test[i + 1])
            special.append(_curve_point(prob, kind, y, seg, i, res))
    tests = {"kappa": kappa, "det": det}
    return _curve(prob, pts, eig, special, ends, tests, omega=omega, l1=l1)


def _curve(
    prob: _CurveProblem,
    pts: NDArray,
    eig: NDArray,
    special: list[SpecialPoint],
    ends: tuple[str, str],
    tests: Mapping[str, NDArray],
    *,
    omega: NDArray | None = None,
    l1: NDArray | None = None,
) -> BifurcationCurve:
    """The :class:`BifurcationCurve` through ``pts`` (rows ``(x, p[k1], p[k2], ...)``), its
    special points in curve order; ``omega`` and ``l1`` are NaN unless given."""
    n = prob.n
    return BifurcationCurve(
        kind=prob.kind,
        x=pts[:, :n],
        params=pts[:, n : n + 2],
        indices=prob.ks,
        p0=prob.p0,
        eigenvalues=eig,
        omega=np.full(len(pts), np.nan) if omega is None else omega,
        l1=np.full(len(pts), np.nan) if l1 is None else l1,
        special_points=tuple(sorted(special, key=lambda sp: sp.index)),
        ends=ends,
        tests=tests,
    )


def _is_pole(y, i, zh, test, phi) -> bool:
    """A sign change of ``l1`` through infinity (at a zero–Hopf point ``A⁻¹`` blows up).

    A zero of ``l1`` has ``|l1|`` at the located point below both ends of the segment; a pole
    has it above.  Unlocated candidates on a segment with a ZH point are treated as poles.
    """
    if y is None:
        return i in zh
    return not abs(phi(y)) < min(abs(test[i]), abs(test[i + 1]))


def _cut_at_bt(
    prob: _CurveProblem, pts: NDArray, tans: NDArray, ends: tuple[str, str]
) -> tuple[NDArray, NDArray, list[SpecialPoint]]:
    """Locate BT points where an end crossed ``κ = 0`` and drop the points beyond them.

    A BT point at an end gets the index of the nearest remaining curve point.
    """
    special: list[SpecialPoint] = []
    if ends[1] == "omega_to_zero" and len(pts) >= 2:
        i = len(pts) - 2
        res, jac = prob.system(pts[i])
        y = locate_on_segment(res, jac, pts[i], tans[i], pts[i + 1], lambda z: z[-1], prob.opt)
        seg = (pts[i], pts[i + 1], pts[i, -1], pts[i + 1, -1])
        special.append(_curve_point(prob, "BT", y, seg, i, res))
        pts, tans = pts[:-1], tans[:-1]
    if ends[0] == "omega_to_zero" and len(pts) >= 2:
        res, jac = prob.system(pts[1])
        y = locate_on_segment(res, jac, pts[1], -tans[1], pts[0], lambda z: z[-1], prob.opt)
        special = [replace(sp, index=sp.index - 1) for sp in special]
        seg = (pts[1], pts[0], pts[1, -1], pts[0, -1])
        special.append(_curve_point(prob, "BT", y, seg, 0, res))
        pts, tans = pts[1:], tans[1:]
    return pts, tans, special


def _l1(vf: VectorField, x: NDArray, p: NDArray, omega: float) -> float:
    if not omega > 0:
        return np.nan
    try:
        return first_lyapunov(vf, x, p, omega=omega).l1
    except (ParameterError, *NUMERICAL_ERRORS):
        return np.nan


def _curve_point(
    prob: _CurveProblem,
    kind: str,
    y: NDArray | None,
    seg: tuple[NDArray, NDArray, float, float],
    i: int,
    res: Residual,
) -> SpecialPoint:
    """Special point from a located curve point ``y``, or interpolated on ``seg`` if None.

    ``seg = (y_a, y_b, φ_a, φ_b)``: the segment's ends and the test function there.
    """
    located = y is not None
    if y is None:
        y = _interpolate(*seg)
    vf = prob.vf
    parts = prob.split(y)
    x, p = parts[0], parts[1]
    data: dict[str, Any] = {"method": "brent" if located else "interpolated"}
    try:
        data["eigenvalues"] = sorted_eigenvalues(vf.jacobian(x, p))
        data["residual"] = float(np.max(np.abs(res(y))))
    except NUMERICAL_ERRORS as exc:
        return SpecialPoint(kind, x, p, index=i, located=False, data=data, message=str(exc))
    if len(parts) == 4 and parts[3] > 0:
        data["omega"] = float(np.sqrt(parts[3]))
    msg = "" if located else "Brent's method along the curve failed; linear interpolation"
    return SpecialPoint(kind, x, p, index=i, located=located, data=data, message=msg)


def _empty_curve(kind: str, n: int, p0: NDArray, ks: tuple[int, int]) -> BifurcationCurve:
    return BifurcationCurve(
        kind=kind,
        x=np.empty((0, n)),
        params=np.empty((0, 2)),
        indices=ks,
        p0=p0,
        eigenvalues=np.empty((0, n), dtype=complex),
        omega=np.empty(0),
        l1=np.empty(0),
        special_points=(),
        ends=("start_failed", "start_failed"),
    )


# ============================================================================ shared helpers
def _run(
    system, y0, t0, opt, direction, *, bounds, n, stop
) -> tuple[NDArray, NDArray, tuple[str, str]]:
    """Trace forward/backward/both and join into one curve ordered by arclength."""
    if direction not in ("both", "forward", "backward"):
        raise ParameterError(
            f"direction must be 'both', 'forward' or 'backward' (got {direction!r})"
        )
    kw: dict[str, Any] = {"bounds": bounds, "norm_slice": slice(0, n), "stop": stop}
    fwd = trace(system, y0, t0, opt, **kw) if direction != "backward" else None
    bwd = trace(system, y0, -t0, opt, **kw) if direction != "forward" else None
    if bwd is None:
        assert fwd is not None
        return fwd.points, fwd.tangents, ("start", fwd.end)
    back_pts, back_tans = bwd.points[::-1], -bwd.tangents[::-1]
    if fwd is None:
        return back_pts, back_tans, (bwd.end, "start")
    pts = np.concatenate([back_pts, fwd.points[1:]])
    return pts, np.concatenate([back_tans, fwd.tangents[1:]]), (bwd.end, fwd.end)


def _sign_changes(values: NDArray) -> list[int]:
    """Indices ``i`` with ``values[i] · values[i+1] < 0``."""
    s = np.sign(values)
    return [int(i) for i in np.flatnonzero(s[:-1] * s[1:] < 0)]


def _interpolate(a: NDArray, b: NDArray, fa: float, fb: float) -> NDArray:
    """Linear interpolation to the zero of a test function with values ``fa``, ``fb``."""
    return a + (fa / (fa - fb)) * (b - a)


def _interpolated(kind, guess, p0, free, n, i, message) -> SpecialPoint:
    p = with_params(p0, free, guess[n : n + len(free)])
    return SpecialPoint(
        kind, guess[:n], p, index=i, located=False, message=message, data={"method": "interpolated"}
    )


def _state(x0: ArrayLike, p0: ArrayLike, ks: tuple[int, ...]) -> tuple[NDArray, NDArray]:
    x = np.array(x0, dtype=float)
    p = np.array(p0, dtype=float)
    if x.ndim != 1 or p.ndim != 1 or x.size == 0 or p.size == 0:
        raise ParameterError(
            f"x0 and p0 must be non-empty 1-D arrays (got shapes {x.shape}, {p.shape})"
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(p))):
        raise ParameterError("x0 and p0 must be finite")
    for k in ks:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < p.size:
            raise ParameterError(
                f"parameter index must be an integer in [0, {p.size - 1}] (got {k!r})"
            )
    if len(set(ks)) != len(ks):
        raise ParameterError(f"the two parameter indices must differ (got {ks})")
    return x, p


def _bounds(bounds: tuple[float, float], value: float, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a pair (lo, hi) (got {bounds!r})") from exc
    if not lo < hi:
        raise ParameterError(f"{name} must satisfy lo < hi (got {lo:g}, {hi:g})")
    if not lo <= value <= hi:
        raise ParameterError(f"the start value {value:g} must lie in {name} [{lo:g}, {hi:g}]")
    return lo, hi


def _bounds2(
    bounds, p0: NDArray, k1: int, k2: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        first, second = bounds
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"bounds must be ((lo1, hi1), (lo2, hi2)) (got {bounds!r})") from exc
    return _bounds(first, p0[k1], "bounds[0]"), _bounds(second, p0[k2], "bounds[1]")
