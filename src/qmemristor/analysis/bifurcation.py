"""Test functions and defining (augmented) systems for folds and Andronov–Hopf points.

Located by Newton's method on the fully extended systems (Kuznetsov, *Elements of Applied
Bifurcation Theory*, ch. 10), with the free parameters ``p[k]`` for ``k in free``:

* **fold** (limit point, LP), unknowns ``(x, p_free, v)``::

      f(x, p) = 0,    J(x, p) v = 0,    ⟨v, v⟩ − 1 = 0

* **Hopf** (H) and **neutral saddle** (NS), unknowns ``(x, p_free, v, κ)``::

      f(x, p) = 0,    (J² + κ I) v = 0,    ⟨v, v⟩ − 1 = 0,    ⟨v, v₀⟩ = 0

  where ``v₀`` is a fixed vector of the critical two-dimensional invariant subspace orthogonal to
  the initial ``v`` (it fixes the phase of ``v`` in that plane).  At a Hopf point the pair is
  ``±iω`` with ``κ = ω² > 0``; at a neutral saddle the pair is real, ``±sqrt(−κ)``, ``κ < 0``.
  Both zero the Hopf test function, so the sign of the converged ``κ`` tells them apart.  A
  Bogdanov–Takens point is where ``κ`` passes through 0 along a Hopf curve.

Test functions along a branch of equilibria (sign changes between consecutive points):

* fold: the parameter component of the oriented tangent, ``dμ/ds``;
* Hopf / neutral saddle: ``ψ_H = Re Π_{i<j} (λ_i + λ_j)/(|λ_i| + |λ_j|)``, the determinant of
  the bialternate product ``2J ⊙ I`` (whose eigenvalues are the sums ``λ_i + λ_j``) with each
  factor divided by a positive number so that it neither over- nor underflows; its sign is that
  of the bialternate determinant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from ._numerics import NUMERICAL_ERRORS, fd_jacobian, newton
from .lyapunov import first_lyapunov
from .vectorfield import Field, VectorField, as_vector_field

__all__ = [
    "SpecialPoint",
    "fold_coefficient",
    "hopf_test_function",
    "locate_fold",
    "locate_hopf",
]


@dataclass(frozen=True)
class SpecialPoint:
    """A bifurcation point found on a branch or curve.

    Attributes
    ----------
    kind : str
        ``"LP"`` fold (limit point), ``"H"`` Andronov–Hopf, ``"NS"`` neutral saddle (not a
        bifurcation), ``"CP"`` cusp, ``"BT"`` Bogdanov–Takens, ``"ZH"`` zero–Hopf,
        ``"GH"`` generalised Hopf (Bautin, ``l1 = 0``).
    x : ndarray, shape (n,)
        State at the point.
    p : ndarray, shape (m,)
        Full parameter vector at the point.
    index : int
        The point lies between entries ``index`` and ``index + 1`` of the branch or curve
        (−1 when located on its own).
    located : bool
        True if the accurate location converged (Newton on the defining system, or Brent's
        method along the curve); False if ``x``, ``p`` are a linear interpolation.
    data : mapping
        Kind-specific values: ``omega``, ``l1``, ``c1``, ``twist``, ``criticality`` (H);
        ``kappa`` (H, NS); ``a`` (fold quadratic coefficient), ``v``, ``w`` (LP);
        ``eigenvalues``, ``residual``, ``method`` (all).
    message : str
        Why the location failed, if it did.
    """

    kind: str
    x: NDArray
    p: NDArray
    index: int = -1
    located: bool = True
    data: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))


# ----------------------------------------------------------------------------- test functions
def hopf_test_function(eigenvalues: ArrayLike) -> NDArray:
    """``ψ_H`` of the module docstring for eigenvalues of shape (..., n); shape (...)."""
    lam = np.asarray(eigenvalues, dtype=complex)
    i, j = np.triu_indices(lam.shape[-1], k=1)
    num = lam[..., i] + lam[..., j]
    den = np.abs(lam[..., i]) + np.abs(lam[..., j]) + np.finfo(float).tiny
    return np.real(np.prod(num / den, axis=-1))


def critical_pair(eigenvalues: NDArray) -> tuple[int, int]:
    """Indices ``(i, j)`` of the eigenvalue pair whose sum is relatively closest to zero."""
    i, j = np.triu_indices(eigenvalues.size, k=1)
    s = np.abs(eigenvalues[i] + eigenvalues[j]) / (
        np.abs(eigenvalues[i]) + np.abs(eigenvalues[j]) + np.finfo(float).tiny
    )
    b = int(np.argmin(s))
    return int(i[b]), int(j[b])


def sorted_eigenvalues(a: NDArray) -> NDArray:
    """Eigenvalues of ``a`` sorted by decreasing real part, then decreasing imaginary part."""
    lam = sla.eigvals(a)
    return lam[np.lexsort((-lam.imag, -lam.real))]


# ----------------------------------------------------------------------------- defining systems
def with_params(p0: NDArray, free: Sequence[int], values: ArrayLike) -> NDArray:
    """Copy of ``p0`` with ``p0[free] = values``."""
    p = np.array(p0, dtype=float)
    p[list(free)] = values
    return p


def fold_system(vf: VectorField, p0: NDArray, free: Sequence[int], n: int):
    """Fold system in ``z = (x, p[free], v)``: ``(residual, jacobian, split)``.

    ``split(z) -> (x, p, v)``.  The Jacobian's ``(x, p)`` columns are central differences of
    the residual; the ``v`` columns are exact (``J`` and ``2vᵀ``).
    """
    nf = len(free)

    def split(z: NDArray) -> tuple[NDArray, NDArray, NDArray]:
        return z[:n], with_params(p0, free, z[n : n + nf]), z[n + nf :]

    def residual(z: NDArray) -> NDArray:
        x, p, v = split(z)
        return np.concatenate([vf.rhs(x, p), vf.jacobian(x, p) @ v, [v @ v - 1.0]])

    def jacobian(z: NDArray) -> NDArray:
        x, p, v = split(z)
        dv = np.vstack([np.zeros((n, n)), vf.jacobian(x, p), 2 * v])
        return np.hstack([fd_jacobian(residual, z, range(n + nf)), dv])

    return residual, jacobian, split


def hopf_system(
    vf: VectorField, p0: NDArray, free: Sequence[int], n: int, v0: NDArray, kscale: float
):
    """Hopf system in ``z = (x, p[free], v, κ/kscale)``: ``(residual, jacobian, split)``.

    ``split(z) -> (x, p, v, κ)``.  The ``(x, p)`` columns of the Jacobian are central
    differences; the ``(v, κ)`` columns are exact.
    """
    nf = len(free)

    def split(z: NDArray) -> tuple[NDArray, NDArray, NDArray, float]:
        return z[:n], with_params(p0, free, z[n : n + nf]), z[n + nf : -1], z[-1] * kscale

    def residual(z: NDArray) -> NDArray:
        x, p, v, kappa = split(z)
        a = vf.jacobian(x, p)
        return np.concatenate([vf.rhs(x, p), a @ (a @ v) + kappa * v, [v @ v - 1.0, v0 @ v]])

    def jacobian(z: NDArray) -> NDArray:
        x, p, v, kappa = split(z)
        a = vf.jacobian(x, p)
        dv = np.vstack([np.zeros((n, n)), a @ a + kappa * np.eye(n), 2 * v, v0])
        dk = np.concatenate([np.zeros(n), kscale * v, [0.0, 0.0]])
        return np.hstack([fd_jacobian(residual, z, range(n + nf)), dv, dk[:, None]])

    return residual, jacobian, split


def critical_plane(a: NDArray) -> tuple[NDArray, NDArray, float]:
    """Orthonormal ``(v, v₀)`` spanning the real invariant plane of the critical pair of ``a``.

    The critical pair is :func:`critical_pair`; also returns ``κ₀ = Re(λ_i λ_j)`` (``ω²`` for
    a pair ``±iω``, ``−λ²`` for ``±λ``).
    """
    lam, vecs = sla.eig(a)
    order = np.lexsort((-lam.imag, -lam.real))
    lam, vecs = lam[order], vecs[:, order]
    i, j = critical_pair(lam)
    if lam[i].imag != 0:
        u = np.column_stack([vecs[:, i].real, vecs[:, i].imag])
    else:
        u = np.column_stack([vecs[:, i].real, vecs[:, j].real])
    basis = sla.qr(u, mode="economic")[0]
    return basis[:, 0], basis[:, 1], float(np.real(lam[i] * lam[j]))


def phase_vector(a: NDArray, kappa: float, v: NDArray) -> NDArray:
    """Unit vector of the null space of ``J² + κI`` (2-D, from the SVD) orthogonal to ``v``."""
    _, _, vh = sla.svd(a @ a + kappa * np.eye(a.shape[0]))
    plane = vh[-2:].T
    c = plane.T @ v
    v0 = plane @ np.array([-c[1], c[0]])
    return v0 / np.linalg.norm(v0)


# ----------------------------------------------------------------------------- locators
def fold_coefficient(vf: VectorField, x: NDArray, p: NDArray, v: NDArray) -> tuple[float, NDArray]:
    """Quadratic coefficient ``a = ⟨w, B(v, v)⟩ / (2⟨w, v⟩)`` of the fold normal form.

    On the centre manifold ``x = x* + ξ v``, ``dξ/dt = β + a ξ² + …`` (``⟨w, v⟩ = 1``); the fold
    is non-degenerate iff ``a ≠ 0`` (``a`` flips sign with ``v``).  Returns ``(a, w)`` with
    ``w`` the unit left null vector oriented so that ``⟨w, v⟩ ≥ 0``.
    """
    u, _, _ = sla.svd(vf.jacobian(x, p))
    w = u[:, -1]
    w = w if w @ v >= 0 else -w
    return float(w @ vf.B(x, p, v, v) / (2 * (w @ v))), w


def locate_fold(
    field: VectorField | Field,
    x: ArrayLike,
    p: ArrayLike,
    k: int,
    *,
    v: ArrayLike | None = None,
    tol: float = 1e-12,
    max_iter: int = 20,
) -> SpecialPoint:
    """Fold (limit point) near ``(x, p)`` in the parameter ``p[k]``: Newton on the fold system.

    Parameters
    ----------
    field : VectorField or callable ``f(x, p)``
    x, p : array_like
        Initial guess (e.g. interpolated between two points of a branch).
    k : int
        Index of the free parameter.
    v : array_like, optional
        Guess of the null vector (default: eigenvector of the eigenvalue closest to 0).

    Returns
    -------
    SpecialPoint
        ``kind="LP"``; ``data`` holds ``v`` (unit right null vector), ``w``, the normal-form
        coefficient ``a`` (:func:`fold_coefficient`), ``eigenvalues``, ``residual``.
        ``located=False`` (with the guess and a ``message``) if Newton did not converge.
    """
    vf = as_vector_field(field)
    x, p = _as_state(x, p, k)
    if v is None:
        lam, vecs = sla.eig(vf.jacobian(x, p))
        v = np.real(vecs[:, np.argmin(np.abs(lam))])
    v = np.asarray(v, dtype=float) / np.linalg.norm(v)
    residual, jacobian, split = fold_system(vf, p, (k,), x.size)
    z0 = np.concatenate([x, [p[k]], v])
    res = newton(residual, z0, jacobian, tol=tol, max_iter=max_iter)
    if not res.converged:
        return SpecialPoint("LP", x, p, located=False, message=f"fold system: {res.reason}")
    xs, ps, vs = split(res.y)
    data: dict[str, Any] = {"v": vs, "residual": res.residual_norm, "method": "newton"}
    try:
        data["a"], data["w"] = fold_coefficient(vf, xs, ps, vs)
        data["eigenvalues"] = sorted_eigenvalues(vf.jacobian(xs, ps))
    except NUMERICAL_ERRORS as exc:
        return SpecialPoint("LP", xs, ps, data=data, message=f"fold data: {exc}")
    return SpecialPoint("LP", xs, ps, data=data)


def locate_hopf(
    field: VectorField | Field,
    x: ArrayLike,
    p: ArrayLike,
    k: int,
    *,
    tol: float = 1e-12,
    max_iter: int = 20,
    lyapunov: bool = True,
) -> SpecialPoint:
    """Hopf point (or neutral saddle) near ``(x, p)`` in ``p[k]``: Newton on the Hopf system.

    The critical pair is the eigenvalue pair whose sum is relatively closest to 0 at the
    guess.  After convergence, ``κ > 0`` gives ``kind="H"`` with ``omega = sqrt(κ)`` and, if
    ``lyapunov``, the first Lyapunov coefficient (:func:`first_lyapunov`: ``l1``, ``c1``,
    ``twist``, ``criticality``); ``κ ≤ 0`` gives ``kind="NS"`` (a neutral saddle, eigenvalues
    ``±sqrt(−κ)``: **not** a bifurcation).  ``located=False`` if Newton failed.
    """
    vf = as_vector_field(field)
    x, p = _as_state(x, p, k)
    try:
        v, v0, kappa0 = critical_plane(vf.jacobian(x, p))
    except NUMERICAL_ERRORS as exc:
        return SpecialPoint("H", x, p, located=False, message=f"initial pair: {exc}")
    kscale = max(1.0, abs(kappa0))
    residual, jacobian, split = hopf_system(vf, p, (k,), x.size, v0, kscale)
    z0 = np.concatenate([x, [p[k]], v, [kappa0 / kscale]])
    res = newton(residual, z0, jacobian, tol=tol, max_iter=max_iter)
    kind = "H" if kappa0 > 0 else "NS"
    if not res.converged:
        return SpecialPoint(kind, x, p, located=False, message=f"Hopf system: {res.reason}")
    xs, ps, vs, kappa = split(res.y)
    return hopf_point(vf, xs, ps, vs, kappa, res.residual_norm, lyapunov=lyapunov, v0=v0)


def hopf_point(
    vf: VectorField,
    x: NDArray,
    p: NDArray,
    v: NDArray,
    kappa: float,
    residual: float,
    *,
    lyapunov: bool,
    v0: NDArray,
    index: int = -1,
    method: str = "newton",
) -> SpecialPoint:
    """Package a converged solution of the Hopf system as an ``"H"`` or ``"NS"`` point."""
    data: dict[str, Any] = {"kappa": kappa, "v": v, "v0": v0, "residual": residual}
    data["method"] = method
    data["eigenvalues"] = sorted_eigenvalues(vf.jacobian(x, p))
    if kappa <= 0:
        return SpecialPoint("NS", x, p, index=index, data=data)
    data["omega"] = float(np.sqrt(kappa))
    if lyapunov:
        try:
            h = first_lyapunov(vf, x, p, omega=data["omega"])
        except (ParameterError, *NUMERICAL_ERRORS) as exc:
            return SpecialPoint("H", x, p, index=index, data=data, message=f"l1: {exc}")
        data.update(l1=h.l1, c1=h.c1, twist=h.twist, criticality=h.criticality)
    return SpecialPoint("H", x, p, index=index, data=data)


def _as_state(x: ArrayLike, p: ArrayLike, k: int) -> tuple[NDArray, NDArray]:
    x = np.array(x, dtype=float).ravel()
    p = np.array(p, dtype=float).ravel()
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(p))):
        raise ParameterError("x and p must be finite")
    if not 0 <= k < p.size:
        raise ParameterError(f"parameter index k must be in [0, {p.size - 1}] (got {k})")
    return x, p
