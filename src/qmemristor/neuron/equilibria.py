"""Paper N, §N3: equilibria, their stability, fold points, cusps and the quasi-static V_in ramp.

Equilibria of §N2 have X = Y = 0, Z = Z_T and V = V* with

    f(V) = V_in − φ(V),     φ(V) = V [1 + R_m G_eq(V)] = V + R_m ψ(V),
    G_eq(V) = ½ [(1 + Z_T) F00(x_V) + (1 − Z_T) F11(x_V)],   ψ(V) = V G_eq(V).

φ(V) is the input that makes V an equilibrium: it does not depend on V_in, so its critical
points (φ' = 0, i.e. f = f' = 0) are the **folds**, ``(V, V_in = φ(V))``, and they split the V
axis into pieces on which φ is monotone, with at most one equilibrium each.  **Cusps** are
where two folds merge: φ' = φ'' = 0, i.e. ψ'' = 0 and R_m = −1/ψ'(V) — the local minima of ψ'
with ψ' < 0 (the smallest R_m at which folds appear near V is −1/min ψ').

Where roots can be: F00, F11 > 0 and Z_T ∈ [0, 1] give G_eq ≥ 0, so 1 + R_m G_eq ≥ 1 and
``|V*| ≤ |V_in|`` with V* of the sign of V_in.  Where folds can be: φ' = 1 + R_m ψ' and ψ' → 0
exponentially once |x_V| is in the closed-form tail; the scan covers x_V up to where
``R_m |ψ'|`` underflows below 1e-300, so no fold lies outside it (in double precision).

Completeness: φ' and φ'' are sampled on a grid with spacing ``max(l, λ)/16`` in x_V (F_ij are
Gaussian convolutions of sech, smooth on the scale max(l, λ)); every sign change of φ' is a
fold, and every cell where φ'' changes sign is split at the extremum of φ' inside it, so a pair
of folds closer than the grid spacing (near a cusp) is not missed.  Roots of f are then found
by Brent's method on each monotone piece inside [min(0, V_in), max(0, V_in)].
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from ..errors import ParameterError, check_finite
from .device import conductance_terms, evaluate_orders
from .model import NeuronParams, jacobian

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = [
    "Cusp",
    "Equilibrium",
    "Fold",
    "Ramp",
    "cusps",
    "equilibria",
    "equilibrium_input",
    "equilibrium_residual",
    "fold_points",
    "follow_ramp",
    "primary_cusp",
    "psi_derivatives",
    "quasi_static_ramp",
    "ramp_values",
    "stability",
]

_SQRT2 = math.sqrt(2.0)
_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class Equilibrium:
    """One equilibrium (0, 0, Z_T, V) with the eigenvalues of the 4×4 Jacobian there.

    ``eigenvalues`` are sorted by decreasing real part; ``stable`` means all real parts < 0
    (a zero real part, e.g. with Γ = 0, counts as not stable).  ``residual`` = f(V).
    """

    V: float
    v_in: float
    z_t: float
    eigenvalues: NDArray[np.complex128]
    stable: bool
    residual: float

    @property
    def state(self) -> NDArray[np.float64]:
        """The equilibrium state (X, Y, Z, V) = (0, 0, Z_T, V)."""
        return np.array([0.0, 0.0, self.z_t, self.V])


@dataclass(frozen=True)
class Fold:
    """A fold (saddle-node) point: φ'(V) = 0 at this V, reached at input ``v_in`` = φ(V)."""

    V: float
    v_in: float


@dataclass(frozen=True)
class Cusp:
    """A cusp: φ' = φ'' = 0 at (``r_m``, ``V``), input ``v_in`` = φ(V)."""

    r_m: float
    V: float
    v_in: float


# --------------------------------------------------------------------------------------------
# φ, ψ and their derivatives
# --------------------------------------------------------------------------------------------
def psi_derivatives(
    v: ArrayLike, p: NeuronParams, orders: tuple[int, ...] = (0, 1, 2)
) -> NDArray[np.float64]:
    """ψ(V) = V G_eq(V) and its V-derivatives, shape (len(orders),) + v.shape.

    ``G_eq^{(m)}(V) = (−c)^m ½[(1+Z_T) F00^{(m)} + (1−Z_T) F11^{(m)}](x_V)`` with c = l√2 and
    ``ψ^{(m)} = V G^{(m)} + m G^{(m−1)}``.
    """
    v = np.asarray(v, dtype=float)
    c = p.l * _SQRT2
    need = tuple(range(max(orders) + 1))
    F = evaluate_orders(p.tables, p.x0 - c * v, need)
    g = [(-c) ** m * conductance_terms(0.0, p.z_t, F[m, ..., 0], F[m, ..., 1], F[m, ..., 2])
         for m in need]  # fmt: skip
    out = []
    for m in orders:
        out.append(v * g[m] + (m * g[m - 1] if m > 0 else 0.0))
    return np.stack(out)


def equilibrium_input(v: ArrayLike, p: NeuronParams, order: int = 0) -> NDArray[np.float64]:
    """φ^{(order)}(V): the input V_in for which V is an equilibrium (order 0), or a derivative."""
    v = np.asarray(v, dtype=float)
    psi = psi_derivatives(v, p, (order,))[0]
    base = v if order == 0 else (np.ones_like(v) if order == 1 else np.zeros_like(v))
    return base + p.r_m * psi


def equilibrium_residual(v: ArrayLike, p: NeuronParams) -> NDArray[np.float64]:
    """f(V) = V_in − {1 + (R_m/2)[(1+Z_T) F00(x_V) + (1−Z_T) F11(x_V)]} V (docs/theory.md §N3)."""
    return p.v_in - equilibrium_input(v, p)


# --------------------------------------------------------------------------------------------
# folds
# --------------------------------------------------------------------------------------------
def _scan_grid(p: NeuronParams, r_m: float | None = None) -> NDArray[np.float64]:
    """V grid covering every x_V at which R_m ψ'(V) can be non-negligible (see module doc)."""
    t = p.tables
    r_m = p.r_m if r_m is None else r_m
    reach = t.x_tail + (745.0 + math.log1p(r_m) + 50.0) / t.tail_a[0]
    c = p.l * _SQRT2
    dx = max(p.l, p.lam) / 16.0
    n = math.ceil(2 * reach / dx) + 1
    xs = np.linspace(-reach, reach, n)
    return np.sort((p.x0 - xs) / c)


def _brent(fn, a: float, b: float) -> float:
    """Brent's method to full precision relative to the bracket's scale (also near V = 0).

    The bracket is checked with the scalar evaluation Brent uses: deep in the tails (values
    of 1e-319) the vectorised scan and the scalar path can round to opposite signs; such a
    "bracket" holds no root, and its end of smaller |fn| is returned.
    """
    scale = max(abs(a), abs(b), 1e-300)

    def f(s: float) -> float:
        return float(fn(np.array(s)))

    fa, fb = f(a), f(b)
    if not (_opposite(fa, fb) or fa == 0 or fb == 0):
        return a if abs(fa) <= abs(fb) else b
    return optimize.brentq(f, a, b, xtol=1e-15 * scale, rtol=4 * _EPS, maxiter=200)


def _opposite(a: float, b: float) -> bool:
    """Strictly opposite signs (a product would underflow to 0 for tiny values)."""
    return (a < 0 < b) or (b < 0 < a)


def _critical_points(fn, dfn, grid: NDArray) -> list[float]:
    """All roots of ``fn`` on the grid's span.

    Every cell where ``dfn`` changes sign is split at the extremum of ``fn`` inside it, so
    ``fn`` is monotone on each refined cell (given at most one extremum per grid cell) and a
    root is there exactly when the signs at its ends are opposite (or a value is 0).
    """
    d2 = dfn(grid)
    extra = [
        _brent(dfn, grid[k], grid[k + 1])
        for k in range(grid.size - 1)
        if _opposite(d2[k], d2[k + 1])
    ]
    pts = np.unique(np.concatenate([grid, extra]))
    vals = fn(pts)
    roots = [float(v) for v in pts[vals == 0]]
    for k in range(pts.size - 1):
        if _opposite(vals[k], vals[k + 1]):
            roots.append(_brent(fn, pts[k], pts[k + 1]))
    out: list[float] = []
    for r in sorted(roots):
        if not out or abs(r - out[-1]) > 1e-12 * max(1.0, abs(r)):
            out.append(float(r))
    return out


def fold_points(p: NeuronParams) -> list[Fold]:
    """All folds (φ'(V) = 0) for the parameters' R_m, Z_T and device, sorted by V.

    An empty list when there are none (R_m below every cusp).  V_in of ``p`` is not used.
    """
    if p.r_m == 0:
        return []  # φ' = 1
    roots = _critical_points(
        lambda v: equilibrium_input(v, p, 1), lambda v: equilibrium_input(v, p, 2), _scan_grid(p)
    )
    return [Fold(V=r, v_in=float(equilibrium_input(r, p))) for r in roots]


# --------------------------------------------------------------------------------------------
# cusps
# --------------------------------------------------------------------------------------------
def cusps(p: NeuronParams) -> list[Cusp]:
    """Every cusp (local minimum of ψ' with ψ' < 0) for the parameters' Z_T and device.

    R_m and V_in of ``p`` are not used.  Sorted by V.
    """
    q = p.replace(r_m=0.0)
    grid = _scan_grid(q, r_m=1e6)  # cusps beyond R_m = 1e6 are not looked for
    dpsi = psi_derivatives(grid, q, (1, 2))
    out = []
    for k in range(grid.size - 1):
        if dpsi[1, k] < 0 <= dpsi[1, k + 1]:  # ψ'' from − to +: a local minimum of ψ'
            v = _brent(lambda s: psi_derivatives(s, q, (2,))[0], grid[k], grid[k + 1])
            slope = float(psi_derivatives(np.array(v), q, (1,))[0])
            if slope < 0:
                r_m = -1.0 / slope
                out.append(Cusp(r_m=r_m, V=v, v_in=float(equilibrium_input(v, p.replace(r_m=r_m)))))
    return out


def primary_cusp(p: NeuronParams, sign: int = 1) -> Cusp:
    """The cusp on the side ``sign`` (+1: V > 0, −1: V < 0) with the smallest R_m.

    It is where the first pair of folds on that side is born as R_m grows.  Raises
    :class:`ParameterError` if that side has none.
    """
    side = [c for c in cusps(p) if c.V * sign > 0]
    if not side:
        which = "positive" if sign > 0 else "negative"
        raise ParameterError(
            f"no cusp with {which} V for z_t={p.z_t:g}, x0={p.x0:g}, l={p.l:g}, lam={p.lam:g}"
        )
    return min(side, key=lambda c: c.r_m)


# --------------------------------------------------------------------------------------------
# equilibria and stability
# --------------------------------------------------------------------------------------------
def stability(v: float, p: NeuronParams) -> tuple[NDArray[np.complex128], bool]:
    """Eigenvalues of the Jacobian at (0, 0, Z_T, V), sorted by decreasing real part; stable?"""
    jac = jacobian(np.array([0.0, 0.0, p.z_t, v]), p)
    ev = np.linalg.eigvals(jac)
    ev = ev[np.lexsort((ev.imag, -ev.real))]
    return cast("NDArray[np.complex128]", ev), bool(np.all(ev.real < 0))


def _roots_on_pieces(p: NeuronParams, folds: list[float]) -> list[float]:
    lo, hi = sorted((0.0, p.v_in))
    if lo == hi:
        return [0.0]
    cuts = [lo] + [v for v in folds if lo < v < hi] + [hi]

    def f(v: float) -> float:
        return float(equilibrium_residual(np.array(v), p))

    roots: list[float] = []
    for a, b in itertools.pairwise(cuts):
        fa, fb = f(a), f(b)
        if fa == 0:
            r = a
        elif fb == 0:
            r = b
        elif _opposite(fa, fb):
            r = _brent(f, a, b)
        else:
            continue
        if not roots or abs(r - roots[-1]) > 1e-12 * max(1.0, abs(r)):
            roots.append(float(r))
    return roots


def equilibria(p: NeuronParams, folds: list[Fold] | None = None) -> list[Equilibrium]:
    """Every equilibrium for ``p`` (one to three for the paper's device), sorted by V.

    ``folds`` may be passed to reuse :func:`fold_points` across many V_in (ramps).
    """
    folds = fold_points(p) if folds is None else folds
    out = []
    for v in _roots_on_pieces(p, [fd.V for fd in folds]):
        ev, stable = stability(v, p)
        res = float(equilibrium_residual(np.array(v), p))
        out.append(
            Equilibrium(V=v, v_in=p.v_in, z_t=p.z_t, eigenvalues=ev, stable=stable, residual=res)
        )
    return out


# --------------------------------------------------------------------------------------------
# quasi-static ramp
# --------------------------------------------------------------------------------------------
def ramp_values(v_min: float, v_max: float, steps: int) -> NDArray[np.float64]:
    """``steps`` inputs up from v_min to v_max, then ``steps − 1`` back down (no repeat)."""
    v_min = check_finite("v_in_min", v_min)
    v_max = check_finite("v_in_max", v_max)
    if not v_max > v_min:
        raise ParameterError(f"v_in_max must be > v_in_min (got {v_max:g} ≤ {v_min:g})")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 2:
        raise ParameterError(f"steps must be an integer ≥ 2 (got {steps!r})")
    up = np.linspace(v_min, v_max, int(steps))
    return np.concatenate([up, up[-2::-1]])


@dataclass(frozen=True, eq=False)
class Ramp:
    """The equilibria followed along a quasi-static V_in ramp (:func:`follow_ramp`).

    Attributes
    ----------
    params : NeuronParams
        The fixed parameters (its ``v_in`` is irrelevant).
    v_start : float
        Voltage the first step relaxes from.
    v_in, V, max_real_eigenvalue : ndarray, shape (steps,)
        Input, equilibrium voltage V* and the largest real part of its Jacobian eigenvalues.
    stable, jump : ndarray of bool, shape (steps,)
        4-D linear stability; the branch changed since the previous step (the previous
        branch ended at a fold).
    direction : ndarray of int64, shape (steps,)
        +1 on the way up, −1 on the way down.
    n_equilibria : ndarray of int64, shape (steps,)
    folds_V, folds_v_in : ndarray, shape (folds,)
        The folds (:func:`fold_points`).

    :func:`qmemristor.results.neuron.ramp_dataset` labels it.
    """

    params: NeuronParams
    v_start: float
    v_in: NDArray[np.float64]
    V: NDArray[np.float64]
    stable: NDArray[np.bool_]
    max_real_eigenvalue: NDArray[np.float64]
    jump: NDArray[np.bool_]
    direction: NDArray[np.int64]
    n_equilibria: NDArray[np.int64]
    folds_V: NDArray[np.float64]
    folds_v_in: NDArray[np.float64]


def follow_ramp(p: NeuronParams, v_in_values: ArrayLike, *, v_start: float = 0.0) -> Ramp:
    """Follow the equilibrium as V_in changes slowly through ``v_in_values``.

    Rule: at each new input the voltage relaxes from the previous equilibrium V_prev along the
    one-dimensional flow dV/dt = f(V) (X = 0, Z = Z_T), i.e. to the nearest root above V_prev if
    f(V_prev) > 0 and below it if f(V_prev) < 0 — it stays on its branch while the branch exists
    and jumps to the next one when the branch ends at a fold.  The first point starts from
    ``v_start`` (default 0: an uncharged capacitor).
    """
    values = np.asarray(v_in_values, dtype=float).reshape(-1)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ParameterError("v_in values of a ramp must be finite and not empty")
    p.replace(v_in=float(values.min()))  # both ends in the representable range
    p.replace(v_in=float(values.max()))
    check_finite("v_start", v_start)
    folds = fold_points(p)
    fold_v = np.array([fd.V for fd in folds])
    n = values.size
    vs = np.empty(n)
    stable = np.zeros(n, dtype=bool)
    lead = np.empty(n)
    jump = np.zeros(n, dtype=bool)
    count = np.zeros(n, dtype=np.int64)
    prev = float(v_start)
    prev_piece = None
    for i, vin in enumerate(values):
        q = p.replace(v_in=float(vin))
        roots = _roots_on_pieces(q, list(fold_v))
        resid = float(equilibrium_residual(np.array(prev), q))
        if resid > 0:
            above = [r for r in roots if r >= prev]
            new = min(above) if above else max(roots)
        elif resid < 0:
            below = [r for r in roots if r <= prev]
            new = max(below) if below else min(roots)
        else:
            new = prev
        piece = int(np.searchsorted(fold_v, new))
        jump[i] = prev_piece is not None and piece != prev_piece
        ev, stable[i] = stability(new, q)
        lead[i] = ev.real.max()
        vs[i] = new
        count[i] = len(roots)
        prev, prev_piece = new, piece
    direction = np.sign(np.diff(values, prepend=values[0]))
    if direction.size > 1:
        direction[0] = direction[1]
    return Ramp(
        params=p,
        v_start=float(v_start),
        v_in=values,
        V=vs,
        stable=stable,
        max_real_eigenvalue=lead,
        jump=jump,
        direction=direction.astype(np.int64),
        n_equilibria=count,
        folds_V=fold_v,
        folds_v_in=np.array([fd.v_in for fd in folds]),
    )


def quasi_static_ramp(
    p: NeuronParams, v_in_values: ArrayLike, *, v_start: float = 0.0
) -> xr.Dataset:
    """:func:`follow_ramp` labelled as a dataset (``results.neuron.ramp_dataset``).

    Returns
    -------
    xarray.Dataset on ``step`` with ``v_in``, ``V``, ``stable`` (4-D linear stability),
    ``max_real_eigenvalue``, ``jump`` (the branch changed since the previous step: the previous
    branch ended at a fold), ``direction`` (+1 up, −1 down) and ``n_equilibria``; ``folds_V``,
    ``folds_v_in`` on ``fold``.
    """
    from ..results.neuron import ramp_dataset

    return ramp_dataset(follow_ramp(p, v_in_values, v_start=v_start))
