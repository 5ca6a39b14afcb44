"""First Lyapunov coefficient of an Andronov–Hopf point (super- vs subcritical).

At an equilibrium ``x`` where ``A = ∂f/∂x`` has the simple pair ``±iω`` (``ω > 0``) and no other
eigenvalue on the imaginary axis, the restriction of ``dx/dt = f(x, p)`` to the centre manifold
has the Poincaré normal form

    dz/dt = iω z + c1 z |z|² + O(|z|⁴),     x = z q + z̄ q̄ + O(|z|²),

and the first Lyapunov coefficient is ``l1 = Re(c1)/ω``.  ``l1 < 0``: supercritical (a stable
limit cycle of amplitude ∝ sqrt(distance) is born on the side where the equilibrium is
unstable); ``l1 > 0``: subcritical (an unstable cycle coexists with the stable equilibrium).

Formula (Kuznetsov, *Elements of Applied Bifurcation Theory*, 3rd ed., §3.5 and §5.4 — the
projection formula for n dimensions; same as MatCont's ``nmfm_hopf``)::

    A q = iω q,   Aᵀ p = −iω p,   ⟨p, q⟩ = 1,   ⟨q, q⟩_M = 1        (⟨a, b⟩ = āᵀ b)
    h11 = −A⁻¹ B(q, q̄),   h20 = (2iω I − A)⁻¹ B(q, q)
    c1  = ½ ⟨p, C(q, q, q̄) + B(q̄, h20) + 2 B(q, h11)⟩,      l1 = Re(c1) / ω

with ``B``, ``C`` the second and third derivatives of ``f`` at ``x`` (see
:class:`~qmemristor.analysis.vectorfield.VectorField`).

Normalisation — what is returned.  Rescaling ``q → κq`` (and ``p → p/κ̄``) multiplies ``c1`` by
``|κ|²``, so the *magnitude* of ``l1`` depends on how ``q`` is normalised and, through that, on
the coordinates; its *sign* does not.  We return ``l1`` with Kuznetsov's normalisation
``⟨q, q⟩ = 1`` in the Euclidean metric of the coordinates given (or ``q̄ᵀ M q = 1`` for an
optional symmetric positive-definite ``metric`` ``M``: after a linear change ``x = T y`` the
value in ``y`` with ``M = TᵀT`` equals the value in ``x``).  Two quantities are invariant
under any linear change of coordinates and any normalisation: ``sign(l1)`` and the *twist*
``Im(c1)/Re(c1)`` (the amplitude dependence of the cycle's frequency relative to that of its
growth rate).  Example: ``ṙ = μr + a r³, θ̇ = ω + b r²`` written in Cartesian ``(x, y)`` has
``q = (1, −i)/√2``, ``c1 = 2(a + ib)``, ``l1 = 2a/ω`` and twist ``b/a``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from .vectorfield import Field, VectorField, as_vector_field

__all__ = ["HopfCoefficients", "first_lyapunov", "hopf_eigenvectors"]


@dataclass(frozen=True)
class HopfCoefficients:
    """Normal-form data of a Hopf point (see the module docstring for the normalisation).

    Attributes
    ----------
    omega : float
        Imaginary part ω > 0 of the critical eigenvalue (angular frequency at the point).
    l1 : float
        First Lyapunov coefficient ``Re(c1)/ω`` with ``⟨q, q⟩_M = 1``, ``⟨p, q⟩ = 1``.
    c1 : complex
        Cubic normal-form coefficient with that normalisation.
    twist : float
        ``Im(c1)/Re(c1)``: invariant under linear coordinate changes and rescaling of ``q``.
    q, p : ndarray, complex, shape (n,)
        Right eigenvector (``A q = iω q``) and adjoint eigenvector (``Aᵀ p = −iω p``).
    real_part : float
        Real part of the critical eigenvalue (≈ 0 at an accurately located Hopf point).
    residual : float
        ``‖f(x, p)‖∞`` at the point (≈ 0 at an equilibrium).
    """

    omega: float
    l1: float
    c1: complex
    twist: float
    q: NDArray
    p: NDArray
    real_part: float
    residual: float

    @property
    def criticality(self) -> str:
        """``"supercritical"`` (l1 < 0), ``"subcritical"`` (l1 > 0) or ``"degenerate"``."""
        if self.l1 < 0:
            return "supercritical"
        if self.l1 > 0:
            return "subcritical"
        return "degenerate"


def hopf_eigenvectors(
    a: NDArray, omega: float | None = None, metric: NDArray | None = None
) -> tuple[complex, NDArray, NDArray]:
    """Critical eigenvalue ``λ`` (Im > 0) of ``a`` and eigenvectors ``q``, ``p`` normalised.

    ``λ`` is the eigenvalue with positive imaginary part closest to ``iω`` (if ``omega`` is
    given) or closest to the imaginary axis.  ``q̄ᵀ M q = 1`` and ``p̄ᵀ q = 1``.
    """
    lam, vl, vr = sla.eig(a, left=True, right=True)
    upper = np.flatnonzero(lam.imag > 0)
    if upper.size == 0:
        raise ParameterError("the Jacobian has no complex eigenvalue pair (not a Hopf point)")
    if omega is None:
        i = upper[np.argmin(np.abs(lam[upper].real))]
    else:
        i = upper[np.argmin(np.abs(lam[upper] - 1j * omega))]
    q, p = vr[:, i], vl[:, i]  # scipy: vl^H a = λ vl^H, i.e. aᵀ vl = λ̄ vl for real a
    m = np.eye(a.shape[0]) if metric is None else metric
    q = q / np.sqrt(np.real(np.conj(q) @ m @ q))
    p = p / np.conj(np.vdot(p, q))
    return complex(lam[i]), q, p


def first_lyapunov(
    field: VectorField | Field,
    x: ArrayLike,
    p: ArrayLike,
    *,
    omega: float | None = None,
    metric: ArrayLike | None = None,
) -> HopfCoefficients:
    """First Lyapunov coefficient at the Hopf point ``(x, p)`` (Kuznetsov's formula, above).

    Parameters
    ----------
    field : VectorField or callable ``f(x, p)``
    x : array_like, shape (n,)
        The equilibrium (should be accurate: locate it with
        :func:`~qmemristor.analysis.bifurcation.locate_hopf` first).
    p : array_like, shape (m,)
    omega : float, optional
        Expected ω, to pick the critical pair when several complex pairs exist.
    metric : array_like, shape (n, n), optional
        Symmetric positive-definite ``M`` for the normalisation ``q̄ᵀ M q = 1`` (default I).

    Returns
    -------
    HopfCoefficients
        ``l1`` (its sign: super/subcritical), ``c1``, the invariant ``twist`` and ω.

    Raises
    ------
    ParameterError
        If the Jacobian has no complex pair, or ``metric`` is not SPD of the right shape.
    """
    vf = as_vector_field(field)
    x, p = np.asarray(x, dtype=float), np.asarray(p, dtype=float)
    a = vf.jacobian(x, p)
    m = _check_metric(metric, x.size)
    lam, q, padj = hopf_eigenvectors(a, omega, m)
    w = lam.imag
    qb, qr, qi = np.conj(q), q.real, q.imag
    # Real expansions of the symmetric forms (fewer evaluations than the generic split):
    # B(q, q̄) = B(a, a) + B(b, b); B(q, q) = B(a, a) − B(b, b) + 2i B(a, b);
    # C(q, q, q̄) = C(a, a, a) + C(a, b, b) + i [C(a, a, b) + C(b, b, b)],  q = a + ib.
    baa, bbb = vf.B(x, p, qr, qr), vf.B(x, p, qi, qi)
    h11 = -sla.solve(a, baa + bbb)
    h20 = sla.solve(2j * w * np.eye(x.size) - a, baa - bbb + 2j * vf.B(x, p, qr, qi))
    cqqq = vf.C(x, p, qr, qr, qr) + vf.C(x, p, qi, qi, qr)
    cqqq = cqqq + 1j * (vf.C(x, p, qr, qr, qi) + vf.C(x, p, qi, qi, qi))
    inner = cqqq + vf.B(x, p, qb, h20) + 2 * vf.B(x, p, q, h11)
    c1 = 0.5 * np.vdot(padj, inner)
    return HopfCoefficients(
        omega=float(w),
        l1=float(c1.real / w),
        c1=complex(c1),
        twist=float(c1.imag / c1.real) if c1.real != 0 else float(np.copysign(np.inf, c1.imag)),
        q=q,
        p=padj,
        real_part=float(lam.real),
        residual=float(np.max(np.abs(vf.rhs(x, p)))),
    )


def _check_metric(metric: ArrayLike | None, n: int) -> NDArray | None:
    if metric is None:
        return None
    m = np.asarray(metric, dtype=float)
    if m.shape != (n, n) or not np.allclose(m, m.T):
        raise ParameterError(f"metric must be a symmetric ({n}, {n}) matrix")
    try:
        sla.cholesky(m)
    except sla.LinAlgError as exc:
        raise ParameterError("metric must be positive definite") from exc
    return m
