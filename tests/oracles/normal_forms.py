"""Textbook vector fields with bifurcations known in closed form (oracles for continuation).

Every system follows the analysis contract ``f(x, p)`` with ``x`` shape (n,), ``p`` shape (m,),
and comes as a :class:`~qmemristor.analysis.VectorField` with analytic ``jac_x`` / ``jac_p``
(``analytic=False`` drops them, so the finite-difference paths are exercised too).

Closed forms (derivations in each docstring):

* saddle-node ``ẋ = μ − x²``: equilibria ``x = ±√μ``, fold at ``(x, μ) = (0, 0)``;
* ``ẋ = μ + x − x³/3, ẏ = −y``: folds where ``1 − x² = 0``: ``x = ±1, μ = ∓2/3``;
* cusp ``ẋ = μ1 + μ2 x − x³``: folds ``μ2 = 3x², μ1 = −2x³``, i.e. ``μ1 = ∓2 (μ2/3)^{3/2}``;
  cusp (fold with vanishing quadratic coefficient ``−6x``) at ``(0, 0)``;
* Hopf normal form ``ṙ = μr + a r³, θ̇ = ω + b r²``; Kuznetsov's ``l1 = 2a/ω``, twist ``b/a``;
* Bautin normal form ``ż = (μ + iω) z + (β + ib) z|z|² − z|z|⁴``: Hopf curve ``μ = 0`` with
  ``l1 = 2β/ω``, generalised Hopf point at ``β = 0``;
* Brusselator: Hopf curve ``B = 1 + A²``, ``ω = A``;
* Bogdanov–Takens normal form ``ẋ = y, ẏ = β1 + β2 x + x² + s x y``: Hopf curve ``β1 = 0``,
  ``β2 < 0``, ``ω² = −β2``; fold curve ``β1 = β2²/4``; BT point at ``β = 0``.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from qmemristor.analysis import VectorField


def _field(f, jac_x, jac_p, analytic: bool) -> VectorField:
    return VectorField(f, jac_x=jac_x, jac_p=jac_p) if analytic else VectorField(f)


def saddle_node(analytic: bool = True) -> VectorField:
    """``ẋ = μ − x²``, ``p = (μ,)``."""
    return _field(
        lambda x, p: np.array([p[0] - x[0] ** 2]),
        lambda x, p: np.array([[-2 * x[0]]]),
        lambda x, p: np.array([[1.0]]),
        analytic,
    )


def cubic_fold(analytic: bool = True) -> VectorField:
    """``ẋ = μ + x − x³/3, ẏ = −y``, ``p = (μ,)``; fold coefficient ``a = f_xx/2 = −x``."""
    return _field(
        lambda x, p: np.array([p[0] + x[0] - x[0] ** 3 / 3, -x[1]]),
        lambda x, p: np.array([[1 - x[0] ** 2, 0.0], [0.0, -1.0]]),
        lambda x, p: np.array([[1.0], [0.0]]),
        analytic,
    )


def cusp(analytic: bool = True) -> VectorField:
    """``ẋ = μ1 + μ2 x − x³``, ``p = (μ1, μ2)``."""
    return _field(
        lambda x, p: np.array([p[0] + p[1] * x[0] - x[0] ** 3]),
        lambda x, p: np.array([[p[1] - 3 * x[0] ** 2]]),
        lambda x, p: np.array([[1.0, x[0]]]),
        analytic,
    )


def hopf_normal_form(a: float, b: float, omega: float, analytic: bool = True) -> VectorField:
    """``ṙ = μr + a r³, θ̇ = ω + b r²`` in Cartesian ``(x, y)``, ``p = (μ,)``.

    With ``z = x + iy``: ``ż = (μ + iω) z + (a + ib) z|z|²``, i.e.::

        ẋ = μx − ωy + (a x − b y) r²,     ẏ = ωx + μy + (b x + a y) r².

    At ``μ = 0``: ``A = [[0, −ω], [ω, 0]]``, ``q = (1, −i)/√2`` (``⟨q, q⟩ = 1``), ``p = q``.
    The cubic term ``F(x) = r² M x`` (``M = [[a, −b], [b, a]]``) has the symmetric trilinear
    form ``C(u, v, w) = 2[(u·v) Mw + (v·w) Mu + (u·w) Mv]``; with ``q·q = 0`` and ``q·q̄ = 1``,
    ``C(q, q, q̄) = 4 M q = 4(a + ib) q``.  No quadratic terms, so
    ``c1 = ½⟨p, C(q, q, q̄)⟩ = 2(a + ib)``: ``l1 = Re c1/ω = 2a/ω``, twist ``b/a``.
    (Kuznetsov's planar formula ``l1 = (f_xxx + f_xyy + g_xxy + g_yyy)/(8ω) = 16a/(8ω)``
    agrees.)
    """

    def f(x, p):
        r2 = x @ x
        return np.array(
            [
                p[0] * x[0] - omega * x[1] + (a * x[0] - b * x[1]) * r2,
                omega * x[0] + p[0] * x[1] + (b * x[0] + a * x[1]) * r2,
            ]
        )

    def jac(x, p):
        r2 = x @ x
        m = np.array([[a, -b], [b, a]])
        lin = np.array([[p[0], -omega], [omega, p[0]]])
        return lin + r2 * m + 2 * np.outer(m @ x, x)

    return _field(f, jac, lambda x, p: x.reshape(2, 1).copy(), analytic)


def transformed(vf: VectorField, t: np.ndarray) -> VectorField:
    """The same system in coordinates ``y`` with ``x = T y``: ``ẏ = T⁻¹ f(T y, p)``."""
    ti = np.linalg.inv(t)
    jac = (lambda y, p: ti @ vf.jacobian(t @ y, p) @ t) if vf.jac_x is not None else None
    jac_p = (lambda y, p: ti @ np.asarray(vf.jac_p(t @ y, p))) if vf.jac_p is not None else None
    return VectorField(lambda y, p: ti @ vf.rhs(t @ y, p), jac_x=jac, jac_p=jac_p)


def hopf_3d(a, b, omega, k, s1, s2, gamma) -> tuple[VectorField, float]:
    """Hopf with a stable direction and quadratic coupling; returns the field and ``l1``.

    ::

        ẋ = μx − ωy + (a x − b y) r² + k x z
        ẏ = ωx + μy + (b x + a y) r²
        ż = −γ z + s1 (x² − y²) + s2 (x² + y²)

    Centre manifold at ``μ = 0`` to second order, ``z = α(x² − y²) + β(2xy) + c r²``: on it
    ``x² − y² = r² cos 2θ``, ``2xy = r² sin 2θ`` rotate at ``2ω`` and ``r²`` is constant to this
    order, so ``ż = −γ z + …`` gives ``c = s2/γ``, ``2ωβ = s1 − γα``, ``−2ωα = −γβ``, i.e.
    ``α = s1 γ/(γ² + 4ω²)``.  The reduced radial equation gains the angular average of
    ``k x z · cos θ / r³ = k cos²θ (α cos 2θ + β sin 2θ + c)``, which is ``k(α/4 + c/2)``.
    Hence ``a_eff = a + k s1 γ /(4(γ² + 4ω²)) + k s2/(2γ)`` and ``l1 = 2 a_eff/ω`` with the
    eigenvector ``q = (1, −i, 0)/√2``.  (``s1`` exercises the ``h20`` term of the formula,
    ``s2`` the ``h11`` term.)
    """

    def f(x, p):
        u, v, w = x
        r2 = u * u + v * v
        return np.array(
            [
                p[0] * u - omega * v + (a * u - b * v) * r2 + k * u * w,
                omega * u + p[0] * v + (b * u + a * v) * r2,
                -gamma * w + s1 * (u * u - v * v) + s2 * r2,
            ]
        )

    a_eff = a + k * s1 * gamma / (4 * (gamma**2 + 4 * omega**2)) + k * s2 / (2 * gamma)
    return VectorField(f), 2 * a_eff / omega


def bautin(omega: float, b: float) -> VectorField:
    """``ż = (μ + iω) z + (β + ib) z|z|² − z|z|⁴`` in Cartesian coordinates, ``p = (μ, β)``."""

    def f(x, p):
        z = x[0] + 1j * x[1]
        r2 = x @ x
        dz = (p[0] + 1j * omega) * z + (p[1] + 1j * b) * z * r2 - z * r2 * r2
        return np.array([dz.real, dz.imag])

    return VectorField(f)


def brusselator(analytic: bool = True) -> VectorField:
    """``ẋ = A − (B+1)x + x²y, ẏ = Bx − x²y``, ``p = (A, B)``; equilibrium ``(A, B/A)``.

    ``J = [[B − 1, A²], [−B, −A²]]``: trace ``B − 1 − A²`` vanishes at ``B = 1 + A²`` where
    ``det J = A² > 0``, so ``ω = A``.
    """

    def f(x, p):
        return np.array(
            [p[0] - (p[1] + 1) * x[0] + x[0] ** 2 * x[1], p[1] * x[0] - x[0] ** 2 * x[1]]
        )

    def jac(x, p):
        return np.array(
            [[-(p[1] + 1) + 2 * x[0] * x[1], x[0] ** 2], [p[1] - 2 * x[0] * x[1], -(x[0] ** 2)]]
        )

    return _field(f, jac, lambda x, p: np.array([[1.0, -x[0]], [0.0, x[0]]]), analytic)


def bogdanov_takens(s: float = -1.0) -> VectorField:
    """``ẋ = y, ẏ = β1 + β2 x + x² + s x y``, ``p = (β1, β2)``.

    Equilibria ``y = 0``, ``x² + β2 x + β1 = 0``; ``J = [[0, 1], [β2 + 2x, s x]]``.  Hopf:
    ``tr J = s x = 0`` → ``x = 0``, ``β1 = 0``, ``det J = −β2 > 0``.  Fold: double root,
    ``β1 = β2²/4`` at ``x = −β2/2``.  Both curves end at the BT point ``β = 0``.
    """
    return VectorField(
        lambda x, p: np.array([x[1], p[0] + p[1] * x[0] + x[0] ** 2 + s * x[0] * x[1]]),
        jac_x=lambda x, p: np.array([[0.0, 1.0], [p[1] + 2 * x[0], s * x[0]]]),
    )


def poincare_l1(vf: VectorField, x_star, p, r0: float = 0.005) -> float:
    """Kuznetsov's ``l1`` of a **planar** Hopf point from the return map (integration only).

    With ``A q = iω q`` and the real basis ``P = [Im q, Re q]``, the coordinates ``z`` with
    ``x = x* + P z`` have linear part ``[[0, −ω], [ω, 0]]``.  Start at ``z = (r, 0)``; after one
    turn the first coordinate returns as ``r + (2π a/ω) r³ + O(r⁴)`` (``a`` the normal-form
    coefficient in ``z``; near-identity normal-form changes of the radius shift the map only at
    ``O(r⁴)``).  Two Richardson steps on ``r0, 2r0, 4r0`` remove the ``O(r)`` and ``O(r²)`` terms of
    the ratio ``(P(r) − r)/r³``, leaving ``O(r0³)`` (≈1e-6 relative at ``r0 = 0.005``); the
    integration error (rtol 1e-13) adds ``≈ 1e-13/r0² ≈ 4e-9``.  In
    ``z``, Kuznetsov's normalisation gives ``l1_z = 2a/ω``; in ``x`` the unit eigenvector is
    ``P q_z`` scaled, ``q_z = (1, −i)/√2``, so ``l1 = l1_z / ‖P q_z‖²``.
    """
    x_star = np.asarray(x_star, dtype=float)
    a_mat = vf.jacobian(x_star, p)
    lam, vecs = np.linalg.eig(a_mat)
    i = int(np.argmax(lam.imag))
    omega, q = lam[i].imag, vecs[:, i]
    basis = np.column_stack([q.imag, q.real])
    inv = np.linalg.inv(basis)

    def rhs(_, z):
        return inv @ vf.rhs(x_star + basis @ z, p)

    def ratio(r):
        period = 2 * np.pi / omega
        sol = solve_ivp(
            rhs,
            (0, 1.5 * period),
            [r, 0.0],
            method="DOP853",
            rtol=1e-13,
            atol=1e-16,
            events=lambda t, z: z[1],
        )
        times, states = sol.t_events[0], sol.y_events[0]
        k = np.flatnonzero((times > 0.5 * period) & (states[:, 0] > 0))[0]
        return (states[k, 0] - r) / r**3

    r1, r2, r4 = ratio(r0), ratio(2 * r0), ratio(4 * r0)
    d1, d2 = 2 * r1 - r2, 2 * r2 - r4  # K − 2 c2 r², K − 8 c2 r²
    d = (4 * d1 - d2) / 3
    a_coef = d * omega / (2 * np.pi)
    qz = np.array([1, -1j]) / np.sqrt(2)
    return (2 * a_coef / omega) / np.linalg.norm(basis @ qz) ** 2
