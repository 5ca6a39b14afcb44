"""Paper N, §N3: stability of the neuron's equilibria, Andronov–Hopf points and their boundaries.

The neuron of :mod:`.model` through the model-independent machinery of
:mod:`qmemristor.analysis` (pseudo-arclength continuation, test functions, Newton on the
augmented systems, Kuznetsov's first Lyapunov coefficient):

- :func:`neuron_field` — the vector field with analytic Jacobians in the
  :class:`~qmemristor.analysis.VectorField` contract, on a fast scalar path;
- :func:`equilibrium_diagram` — every branch of equilibria in one parameter (any of
  :data:`~qmemristor.neuron.model.PARAM_NAMES`) over a window, with its folds and Hopf points;
  :func:`hopf_points` is its list of Hopf points;
- :func:`hopf_curves`, :func:`fold_curves` — two-parameter continuation of Hopf and fold curves
  (e.g. in the (V_in, R_m) plane): the boundaries of the self-oscillation and bistability
  regions, traced as curves rather than found on a grid.

Which branches are found.  Equilibria satisfy X = Y = 0, Z = Z_T and φ(V; p) = V_in (§N3), so
for p ∈ {v_in, r_m, z_t} the equilibrium set in (V, p) is the graph of a function of V
(``V_in = φ(V)``, ``R_m = (V_in/V − 1)/G_eq(V)``, Z_T linear in G_eq), and for p ∈ {gamma,
alpha, omega} V* does not depend on p at all.  Every connected piece of such a set that meets
the window ``[lo, hi]`` crosses its edges (it cannot close up inside), so starting one
continuation from each equilibrium at ``lo`` (forwards) and at ``hi`` (backwards), skipping
starts that an earlier branch already reached, finds all of them.  (For x0 the set is not a
graph and a closed isola strictly inside the window would be missed.)

Lyapunov coefficients.  ``lyapunov`` (l1) is Kuznetsov's ``Re c1/ω`` with the critical
eigenvector normalised as ``⟨q, q⟩ = 1`` in the Euclidean metric of the state (X, Y, Z, V) in
the model's dimensionless units (:mod:`qmemristor.analysis.lyapunov`).  Its sign is invariant
(l1 < 0: supercritical, a stable cycle of amplitude ∝ sqrt(distance) is born on the unstable
side); its magnitude depends on that normalisation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..analysis.continuation import (
    BifurcationCurve,
    Branch,
    ContinuationOptions,
    continue_equilibrium,
    continue_fold,
    continue_hopf,
)
from ..analysis.vectorfield import VectorField
from ..errors import ParameterError, check_finite
from .equilibria import equilibria
from .model import FD_SCALE, PARAM_NAMES, NeuronParams, ode_model

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = [
    "DEFAULT_OPTIONS",
    "FD_SCALE",
    "EquilibriumDiagram",
    "FoldPoint",
    "HopfPoint",
    "equilibrium_diagram",
    "fold_curves",
    "hopf_curves",
    "hopf_points",
    "neuron_field",
    "param_index",
]

#: Continuation defaults for the neuron: steps up to 0.1 in the (X, Y, Z, V, p) norm resolve
#: the Hopf test function's sign changes, which are ≥ 0.3 apart in V_in for the paper's device.
DEFAULT_OPTIONS = ContinuationOptions(step=0.02, step_max=0.1, max_steps=4000)


def param_index(name: str) -> int:
    """Index of a parameter in ``pvec`` (:data:`PARAM_NAMES`), or a ParameterError listing them."""
    if name not in PARAM_NAMES:
        raise ParameterError(f"unknown parameter {name!r}; choose one of: {', '.join(PARAM_NAMES)}")
    return PARAM_NAMES.index(name)


# --------------------------------------------------------------------------------------------
# the vector field for continuation
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def neuron_field(l: float = 0.5, lam: float = 0.13) -> VectorField:
    """:class:`~qmemristor.analysis.VectorField` of §N2 for the device (l, λ).

    A view of the neuron's :class:`~qmemristor.models.ODEModel` (:func:`~qmemristor.neuron.
    model.ode_model`): ``f(x, pvec)``, ``jac_x``, ``jac_p`` with ``x = (X, Y, Z, V)`` and
    ``pvec`` in the order :data:`PARAM_NAMES`, one compiled call per point (other shapes go
    through the model's batched forms).  ``fd_scale`` = :data:`FD_SCALE`.
    """
    return ode_model(l, lam).as_vector_field()


# --------------------------------------------------------------------------------------------
# one parameter
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HopfPoint:
    """An Andronov–Hopf point of the neuron's equilibria along one parameter.

    Attributes
    ----------
    param : str
        The parameter varied (one of :data:`PARAM_NAMES`).
    value : float
        Its value at the Hopf point.
    V : float
        Equilibrium voltage there.
    omega : float
        Imaginary part ω > 0 of the critical pair ±iω (angular frequency, units of 1/τ_c).
    lyapunov : float
        First Lyapunov coefficient l1 (normalisation: module docstring); NaN if not computed.
    criticality : str
        ``"supercritical"`` (l1 < 0), ``"subcritical"`` (l1 > 0), ``"degenerate"`` or
        ``"unknown"``.
    params : NeuronParams
        All parameters at the point.
    state : ndarray, shape (4,)
        The equilibrium (X, Y, Z, V).
    eigenvalues : ndarray, complex, shape (4,)
        Jacobian eigenvalues at the point (sorted by decreasing real part).
    located : bool
        Newton on the Hopf system (or Brent along the branch) converged.
    """

    param: str
    value: float
    V: float
    omega: float
    lyapunov: float
    criticality: str
    params: NeuronParams
    state: NDArray
    eigenvalues: NDArray
    located: bool = True

    def as_dict(self) -> dict:
        """The CLI's JSON record: ``{param: value, "V", "omega", "lyapunov", "criticality"}``."""
        return {
            self.param: self.value,
            "V": self.V,
            "omega": self.omega,
            "lyapunov": self.lyapunov,
            "criticality": self.criticality,
        }


@dataclass(frozen=True)
class FoldPoint:
    """A fold (saddle-node) point of the equilibria along one parameter."""

    param: str
    value: float
    V: float
    params: NeuronParams
    state: NDArray
    located: bool = True

    def as_dict(self) -> dict:
        return {self.param: self.value, "V": self.V}


@dataclass(frozen=True)
class EquilibriumDiagram:
    """Branches of equilibria in one parameter with their folds and Hopf points.

    Attributes
    ----------
    param : str
        The continuation parameter.
    bounds : (float, float)
        The window ``[lo, hi]``.
    base : NeuronParams
        The fixed parameters (its value of ``param`` is irrelevant).
    branches : tuple of Branch
        One per connected piece in the window (:mod:`qmemristor.analysis.continuation`).
    hopf : tuple of HopfPoint
        Sorted by the parameter value.
    folds : tuple of FoldPoint
        Sorted by the parameter value.
    neutral_saddles : int
        Zeros of the Hopf test function with a real pair ±λ (not bifurcations; not listed).
    """

    param: str
    bounds: tuple[float, float]
    base: NeuronParams
    branches: tuple[Branch, ...]
    hopf: tuple[HopfPoint, ...]
    folds: tuple[FoldPoint, ...]
    neutral_saddles: int = 0
    options: ContinuationOptions = field(default=DEFAULT_OPTIONS, repr=False)

    @property
    def ok(self) -> bool:
        """Every branch ended regularly (at the window, or as a whole curve)."""
        return all(b.ok for b in self.branches)

    def to_dataset(self) -> xr.Dataset:
        """The diagram as an :class:`xarray.Dataset` (kept for compatibility:
        :func:`qmemristor.results.neuron.diagram_dataset` builds it)."""
        from ..results.neuron import diagram_dataset

        return diagram_dataset(self)


def _window(p: NeuronParams, name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    try:
        lo, hi = (check_finite(f"bounds of {name}", float(b)) for b in bounds)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ParameterError):
            raise
        raise ParameterError(f"bounds must be a pair (lo, hi) (got {bounds!r})") from exc
    if not lo < hi:
        raise ParameterError(f"the window of {name} must have lo < hi (got {lo:g}, {hi:g})")
    p.replace(**{name: lo})  # validates both ends (e.g. z_t in [0, 1])
    p.replace(**{name: hi})
    return lo, hi


def _on_branch(branch: Branch, value: float, state: NDArray, tol: float = 1e-6) -> bool:
    """The equilibrium ``state`` at parameter ``value`` is an end point of ``branch``."""
    if len(branch.mu) == 0:
        return False
    for i in (0, -1):
        if abs(branch.mu[i] - value) <= 1e-9 * max(1.0, abs(value)) and np.max(
            np.abs(branch.x[i] - state)
        ) <= tol * max(1.0, float(np.max(np.abs(state)))):
            return True
    return False


def equilibrium_diagram(
    p: NeuronParams,
    param: str = "v_in",
    bounds: tuple[float, float] = (0.0, 10.0),
    *,
    options: ContinuationOptions | None = None,
    lyapunov: bool = True,
) -> EquilibriumDiagram:
    """All branches of equilibria of ``p`` as ``param`` runs over ``bounds``, folds, Hopf points.

    Parameters
    ----------
    p : NeuronParams
        The fixed parameters (its own value of ``param`` is not used).
    param : str
        One of :data:`PARAM_NAMES` (ParameterError otherwise, listing them).
    bounds : (lo, hi)
        The window, lo < hi, both valid values of ``param``.
    options : ContinuationOptions, optional
        Default :data:`DEFAULT_OPTIONS`.
    lyapunov : bool
        Compute l1 at each Hopf point.

    Returns
    -------
    EquilibriumDiagram
        Branches started from every equilibrium at both ends (module docstring), Hopf points
        and folds sorted by the parameter.
    """
    k = param_index(param)
    lo, hi = _window(p, param, bounds)
    opt = options or DEFAULT_OPTIONS
    vf = neuron_field(p.l, p.lam)
    branches: list[Branch] = []
    for value, direction in ((lo, "forward"), (hi, "backward")):
        q = p.replace(**{param: value})
        for eq in equilibria(q):
            if any(_on_branch(b, value, eq.state) for b in branches):
                continue
            br = continue_equilibrium(
                vf,
                eq.state,
                q.pvec,
                k,
                bounds=(lo, hi),
                direction=direction,
                options=opt,
                lyapunov=lyapunov,
            )
            if len(br.mu) > 1:
                branches.append(br)
    hopf, folds, ns = [], [], 0
    for br in branches:
        for sp in br.special_points:
            q = NeuronParams.from_pvec(sp.p, l=p.l, lam=p.lam)
            if sp.kind == "H":
                h = _hopf_point(param, k, sp, q)
                if h.omega > 0:  # a pair at zero (Γ, Ω ≈ 0) is no Hopf point: no cycle is born
                    hopf.append(h)
            elif sp.kind == "LP":
                fp = FoldPoint(param, float(sp.p[k]), float(sp.x[3]), q, sp.x.copy(), sp.located)
                folds.append(fp)
            elif sp.kind == "NS":
                ns += 1
    return EquilibriumDiagram(
        param=param,
        bounds=(lo, hi),
        base=p,
        branches=tuple(branches),
        hopf=tuple(sorted(hopf, key=lambda h: h.value)),
        folds=tuple(sorted(folds, key=lambda f: f.value)),
        neutral_saddles=ns,
        options=opt,
    )


def _hopf_point(param: str, k: int, sp, q: NeuronParams) -> HopfPoint:
    l1 = float(sp.data.get("l1", math.nan))
    crit = sp.data.get("criticality", "unknown")
    omega = sp.data.get("omega")
    eig = sp.data.get("eigenvalues")
    if eig is None:
        eig = np.linalg.eigvals(neuron_field(q.l, q.lam).jacobian(sp.x, sp.p))
    if omega is None:  # unlocated: the imaginary part of the pair nearest the axis
        omega = float(np.max(np.abs(np.asarray(eig).imag)))
    return HopfPoint(
        param=param,
        value=float(sp.p[k]),
        V=float(sp.x[3]),
        omega=float(omega),
        lyapunov=l1,
        criticality=str(crit),
        params=q,
        state=np.array(sp.x, dtype=float),
        eigenvalues=np.asarray(eig, dtype=complex),
        located=bool(sp.located),
    )


def hopf_points(
    p: NeuronParams,
    param: str = "v_in",
    bounds: tuple[float, float] = (0.0, 10.0),
    *,
    options: ContinuationOptions | None = None,
) -> tuple[HopfPoint, ...]:
    """The Hopf points of :func:`equilibrium_diagram`, sorted by the parameter value."""
    return equilibrium_diagram(p, param, bounds, options=options).hopf


# --------------------------------------------------------------------------------------------
# two parameters
# --------------------------------------------------------------------------------------------
#: Options for curves in a plane: longer steps (the figures need smooth curves, not dense ones)
CURVE_OPTIONS = ContinuationOptions(step=0.02, step_max=0.3, max_steps=4000)


def _near_curve(curve: BifurcationCurve, point: ArrayLike, scale: NDArray) -> bool:
    """``point`` (p1, p2, V) lies within 1 % of the box on the polyline of ``curve``."""
    if len(curve.params) < 2:
        return False
    pts = np.column_stack([curve.params, curve.x[:, 3]]) / scale
    q = np.asarray(point, dtype=float) / scale
    a, b = pts[:-1], pts[1:]
    ab = b - a
    t = np.clip(
        np.einsum("ij,ij->i", q - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300), 0, 1
    )
    dist = np.linalg.norm(a + t[:, None] * ab - q, axis=1)
    return bool(dist.min() < 1e-2)


def _curves(kind, p, params, bounds, seeds, options, lyapunov):
    (n1, n2) = params
    k1, k2 = param_index(n1), param_index(n2)
    if k1 == k2:
        raise ParameterError(f"the two parameters must differ (got {n1!r} twice)")
    b1, b2 = _window(p, n1, bounds[0]), _window(p, n2, bounds[1])
    seeds = [getattr(p, n2)] if seeds is None else [check_finite("seed", s) for s in seeds]
    for s in seeds:
        if not b2[0] <= s <= b2[1]:
            raise ParameterError(f"seed {n2}={s:g} lies outside its window {b2}")
    opt = options or CURVE_OPTIONS
    vf = neuron_field(p.l, p.lam)
    scale = np.array([b1[1] - b1[0], b2[1] - b2[0], 1.0])
    curves: list[BifurcationCurve] = []
    for s in seeds:
        diagram = equilibrium_diagram(p.replace(**{n2: s}), n1, b1, lyapunov=False)
        starts = diagram.hopf if kind == "hopf" else diagram.folds
        for sp in starts:
            if any(_near_curve(c, (sp.value, s, sp.V), scale) for c in curves):
                continue
            pv = sp.params.pvec
            if kind == "hopf":
                c = continue_hopf(
                    vf, sp.state, pv, k1, k2, bounds=(b1, b2), options=opt, lyapunov=lyapunov
                )
            else:
                c = continue_fold(vf, sp.state, pv, k1, k2, bounds=(b1, b2), options=opt)
            if len(c.params) > 1:
                curves.append(c)
    return tuple(curves)


def hopf_curves(
    p: NeuronParams,
    params: tuple[str, str] = ("v_in", "r_m"),
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 8.0), (0.0, 10.0)),
    *,
    seeds: ArrayLike | None = None,
    options: ContinuationOptions | None = None,
    lyapunov: bool = True,
) -> tuple[BifurcationCurve, ...]:
    """Hopf curves in the plane of two parameters, by two-parameter continuation.

    For each seed value ``s`` of the second parameter (default: its value in ``p``), the Hopf
    points along the first parameter (:func:`equilibrium_diagram` at ``s``) start a
    continuation of the Hopf system (:func:`qmemristor.analysis.continue_hopf`) inside the
    box ``bounds``; seeds already on a traced curve are skipped.  A curve that does not cross
    any seed line is not found — give several seeds if in doubt.

    Returns
    -------
    tuple of BifurcationCurve
        ``params[:, 0]``, ``params[:, 1]`` along each curve, with ω and l1 at every point and
        the codimension-two points met (BT, ZH, GH).
    """
    return _curves("hopf", p, params, bounds, seeds, options, lyapunov)


def fold_curves(
    p: NeuronParams,
    params: tuple[str, str] = ("v_in", "r_m"),
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 8.0), (0.0, 10.0)),
    *,
    seeds: ArrayLike | None = None,
    options: ContinuationOptions | None = None,
) -> tuple[BifurcationCurve, ...]:
    """Fold curves in the plane of two parameters (as :func:`hopf_curves`, from fold points).

    In (V_in, R_m) the two fold branches of one hysteresis region meet at the cusp, which the
    continuation passes through and reports as a ``"CP"`` special point.
    """
    return _curves("fold", p, params, bounds, seeds, options, False)
