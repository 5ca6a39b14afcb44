"""Systems with periodic orbits known in closed form or measured by long SciPy integrations.

Fields follow the analysis contract ``f(x, p)``; the ``batch`` ones accept states of shape
(..., n) (``vectorized=True`` in :mod:`qmemristor.analysis.orbits`).

Closed forms (derivations in each docstring):

* Bautin normal form ``ṙ = μr + r³ − r⁵``: cycles ``r² = (1 ± sqrt(1 + 4μ))/2``, fold of cycles
  (LPC) at ``μ = −1/4``, ``r² = 1/2``; radial multiplier ``exp(T (μ + 3r² − 5r⁴))``;
* a half-twisted (Möbius) normal bundle: a circle whose two normal directions turn by π per
  period; its multipliers are ``−exp(2π λ±)`` with ``λ± = ((p − 2) ± sqrt((p + 2)² − 1))/2``,
  so period doubling (PD) at ``p = 1/8`` exactly;
* two oscillators: ``ż1 = (1 + iω1) z1 − z1|z1|²``, ``ż2 = (p + iω2) z2 − z2|z2|² + c|z1|² z2``;
  the cycle ``|z1| = 1, z2 = 0`` has multipliers ``exp(−2T)``, ``exp((p + c ± iω2) T)``,
  ``T = 2π/ω1``: Neimark–Sacker (NS) at ``p = −c``;
* an oscillator times a pitchfork ``ẇ = p w − w³``: multiplier ``exp(pT)``, branch point of
  cycles (BP) at ``p = 0``;
* van der Pol ``ẍ − μ(1 − x²)ẋ + x = 0`` (Liénard form for large μ) and the Rössler system,
  measured by :func:`settled_cycle`.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from qmemristor.analysis import VectorField


# ============================================================================ closed forms
def bautin_lpc(omega: float = 1.0, b: float = 0.5) -> VectorField:
    """``ż = (μ + iω) z + (1 + ib) z|z|² − z|z|⁴``, ``p = (μ,)``; batch; analytic Jacobians.

    In polar form ``ṙ = μr + r³ − r⁵``, ``θ̇ = ω + b r²``: cycles where
    ``r⁴ − r² − μ = 0``, i.e. ``r² = (1 ± sqrt(1 + 4μ))/2`` for ``−1/4 ≤ μ``; the two meet at
    the fold ``μ = −1/4``, ``r² = 1/2``.  Period ``2π/(ω + b r²)``; the nontrivial multiplier
    is ``exp(T ∂ṙ/∂r) = exp(T (μ + 3r² − 5r⁴))``.  Hopf at ``μ = 0`` is subcritical.
    """

    def f(x, p):
        u, v = x[..., 0], x[..., 1]
        r2 = u * u + v * v
        g = p[0] + r2 - r2 * r2
        h = omega + b * r2
        return np.stack([g * u - h * v, h * u + g * v], axis=-1)

    def jac(x, p):
        u, v = x[..., 0], x[..., 1]
        r2 = u * u + v * v
        g = p[0] + r2 - r2 * r2
        h = omega + b * r2
        dg = 1 - 2 * r2  # dg/d(r²)
        j = np.empty((*np.shape(u), 2, 2))
        j[..., 0, 0] = g + 2 * u * u * dg - 2 * b * u * v
        j[..., 0, 1] = -h + 2 * u * v * dg - 2 * b * v * v
        j[..., 1, 0] = h + 2 * b * u * u + 2 * u * v * dg
        j[..., 1, 1] = g + 2 * b * u * v + 2 * v * v * dg
        return j

    def jac_p(x, p):
        return np.asarray(x)[..., :, None].copy()

    return VectorField(f, jac_x=jac, jac_p=jac_p)


def mobius(b: float = -2.0) -> VectorField:
    """A circle with a half-twisted normal bundle; ``p = (p,)``; batch; **no** Jacobians.

    State ``(x, y, z)``; ``r, θ`` polar in the plane, ``w = (r − 1, z)``::

        θ̇ = 1,   ẇ = A(θ) w − |w|² w,   A(θ) = R(θ/2) diag(p, b) R(−θ/2).

    In the frame ``u = R(−θ/2) w`` the linear part is constant, ``u̇ = (diag(p, b) − J/2) u``
    (``J`` the rotation generator), and after one period ``w(2π) = R(π) u(2π) = −u(2π)``: the
    multipliers of the cycle ``r = 1, z = 0`` (period 2π) are ``−exp(2π λ±)`` with
    ``λ± = ((p + b) ± sqrt((p − b)² − 1))/2``.  For ``b = −2``, ``λ+ = 0`` at ``p = 1/8``: a
    multiplier passes −1 there (PD).
    """

    def f(x, p):
        u, v, z = x[..., 0], x[..., 1], x[..., 2]
        r = np.sqrt(u * u + v * v)
        c, s = u / r, v / r
        a = p[0]
        w1, w2 = r - 1.0, z
        n2 = w1 * w1 + w2 * w2
        a11 = (a + b) / 2 + (a - b) / 2 * c
        a12 = (a - b) / 2 * s
        a22 = (a + b) / 2 - (a - b) / 2 * c
        dr = a11 * w1 + a12 * w2 - n2 * w1
        dz = a12 * w1 + a22 * w2 - n2 * w2
        return np.stack([dr * c - v, dr * s + u, dz], axis=-1)

    return VectorField(f)


def mobius_multipliers(p: float, b: float = -2.0) -> np.ndarray:
    """The nontrivial multipliers of :func:`mobius` (closed form), sorted by decreasing modulus."""
    disc = np.sqrt((p - b) ** 2 - 1 + 0j)
    lam = np.array([(p + b + disc) / 2, (p + b - disc) / 2])
    mu = -np.exp(2 * np.pi * lam)
    return mu[np.argsort(-np.abs(mu))]


def torus_pair(omega1: float = 1.0, omega2: float = 0.7, c: float = 0.3) -> VectorField:
    """Two oscillators (module docstring), ``p = (p,)``, state ``(x1, y1, x2, y2)``; analytic."""

    def f(x, p):
        z1 = x[0] + 1j * x[1]
        z2 = x[2] + 1j * x[3]
        a1 = abs(z1) ** 2
        d1 = (1 + 1j * omega1) * z1 - z1 * a1
        d2 = (p[0] + 1j * omega2) * z2 - z2 * abs(z2) ** 2 + c * a1 * z2
        return np.array([d1.real, d1.imag, d2.real, d2.imag])

    def block(z: complex, lin: complex, a: float):
        """Jacobian of ``z ↦ lin z − a z|z|²`` in (Re, Im) with ``a`` real."""
        x, y = z.real, z.imag
        r2 = x * x + y * y
        return np.array(
            [
                [lin.real - a * (r2 + 2 * x * x), -lin.imag - a * 2 * x * y],
                [lin.imag - a * 2 * x * y, lin.real - a * (r2 + 2 * y * y)],
            ]
        )

    def jac(x, p):
        z1 = x[0] + 1j * x[1]
        z2 = x[2] + 1j * x[3]
        a1 = abs(z1) ** 2
        j = np.zeros((4, 4))
        j[:2, :2] = block(z1, 1 + 1j * omega1, 1.0)
        j[2:, 2:] = block(z2, p[0] + c * a1 + 1j * omega2, 1.0)
        j[2:, :2] = 2 * c * np.outer([z2.real, z2.imag], [z1.real, z1.imag])
        return j

    def jac_p(x, p):
        return np.array([[0.0], [0.0], [x[2]], [x[3]]])

    return VectorField(f, jac_x=jac, jac_p=jac_p)


def pitchfork_cycle(omega: float = 2.0) -> VectorField:
    """``ż = (1 + iω) z − z|z|²``, ``ẇ = p w − w³``; state ``(x, y, w)``; ``p = (p,)``; batch.

    The cycle ``|z| = 1, w = 0`` (period ``2π/ω``) exists for all ``p`` and has the multipliers
    ``exp(−2T)`` and ``exp(pT)``: at ``p = 0`` the cycles ``w = ±sqrt(p)`` branch off (BP).
    """

    def f(x, p):
        u, v, w = x[..., 0], x[..., 1], x[..., 2]
        g = 1 - (u * u + v * v)
        return np.stack([g * u - omega * v, omega * u + g * v, p[0] * w - w**3], axis=-1)

    def jac(x, p):
        u, v, w = x[..., 0], x[..., 1], x[..., 2]
        g = 1 - (u * u + v * v)
        j = np.zeros((*np.shape(u), 3, 3))
        j[..., 0, 0] = g - 2 * u * u
        j[..., 0, 1] = -omega - 2 * u * v
        j[..., 1, 0] = omega - 2 * u * v
        j[..., 1, 1] = g - 2 * v * v
        j[..., 2, 2] = p[0] - 3 * w * w
        return j

    def jac_p(x, p):
        x = np.asarray(x)
        out = np.zeros((*x.shape, 1))
        out[..., 2, 0] = x[..., 2]
        return out

    return VectorField(f, jac_x=jac, jac_p=jac_p)


# ============================================================================ measured systems
def van_der_pol() -> VectorField:
    """``ẋ = y, ẏ = μ(1 − x²) y − x``, ``p = (μ,)``; batch; analytic Jacobians."""

    def f(x, p):
        u, v = x[..., 0], x[..., 1]
        return np.stack([v, p[0] * (1 - u * u) * v - u], axis=-1)

    def jac(x, p):
        u, v = x[..., 0], x[..., 1]
        j = np.zeros((*np.shape(u), 2, 2))
        j[..., 0, 1] = 1.0
        j[..., 1, 0] = -2 * p[0] * u * v - 1
        j[..., 1, 1] = p[0] * (1 - u * u)
        return j

    def jac_p(x, p):
        x = np.asarray(x)
        out = np.zeros((*x.shape, 1))
        out[..., 1, 0] = (1 - x[..., 0] ** 2) * x[..., 1]
        return out

    return VectorField(f, jac_x=jac, jac_p=jac_p)


def van_der_pol_lienard() -> VectorField:
    """Liénard form ``ẋ = μ(x − x³/3 − y), ẏ = x/μ`` (same x(t), same period); batch."""

    def f(x, p):
        u, v = x[..., 0], x[..., 1]
        return np.stack([p[0] * (u - u**3 / 3 - v), u / p[0]], axis=-1)

    def jac(x, p):
        u = x[..., 0]
        j = np.zeros((*np.shape(u), 2, 2))
        j[..., 0, 0] = p[0] * (1 - u * u)
        j[..., 0, 1] = -p[0]
        j[..., 1, 0] = 1 / p[0]
        return j

    return VectorField(f, jac_x=jac)


def vdp_relaxation_period(mu: float) -> float:
    """Dorodnitsyn's large-μ expansion ``(3 − 2 ln 2) μ + 3 a μ^{−1/3} − (2/3) ln(μ)/μ``
    (``a = 2.338107…``, the first zero of Ai(−x)); the next term is ``O(1/μ)``."""
    a = 2.338107410459767
    return (3 - 2 * np.log(2)) * mu + 3 * a * mu ** (-1 / 3) - (2 / 3) * np.log(mu) / mu


def rossler() -> VectorField:
    """``ẋ = −y − z, ẏ = x + a y, ż = b + z (x − c)``, ``p = (a, b, c)``; batch; analytic."""

    def f(x, p):
        u, v, w = x[..., 0], x[..., 1], x[..., 2]
        return np.stack([-v - w, u + p[0] * v, p[1] + w * (u - p[2])], axis=-1)

    def jac(x, p):
        u, w = x[..., 0], x[..., 2]
        j = np.zeros((*np.shape(u), 3, 3))
        j[..., 0, 1] = -1.0
        j[..., 0, 2] = -1.0
        j[..., 1, 0] = 1.0
        j[..., 1, 1] = p[0]
        j[..., 2, 0] = w
        j[..., 2, 2] = u - p[2]
        return j

    def jac_p(x, p):
        x = np.asarray(x)
        out = np.zeros((*x.shape, 3))
        out[..., 1, 0] = x[..., 1]
        out[..., 2, 1] = 1.0
        out[..., 2, 2] = -x[..., 2]
        return out

    return VectorField(f, jac_x=jac, jac_p=jac_p)


# ============================================================================ integration oracles
_TOL = {"method": "DOP853", "rtol": 1e-12, "atol": 1e-12}


def settled_cycle(vf: VectorField, x0, p, *, t_settle: float, section: int = 0, level=None):
    """Period and per-component (min, max) of the attracting cycle reached from ``x0``.

    Integrates ``t_settle`` (DOP853, rtol = atol = 1e-12), then on to an upward crossing of
    ``x[section] = level`` (default: the value reached), then three more turns: the period is
    the time between the last two crossings and the extrema are the values at the zeros of
    each ``ẋ_c`` (event location on the dense output, accurate to the integration error).
    Returns ``(period, minimum, maximum, x_start)`` with ``x_start`` on the section.
    """
    p = np.asarray(p, dtype=float)

    def rhs(_t, x):
        return vf.rhs(x, p)

    x1 = solve_ivp(rhs, (0, t_settle), np.asarray(x0, dtype=float), **_TOL).y[:, -1]
    lvl = float(x1[section]) if level is None else float(level)
    up = _event(lambda t, x: x[section] - lvl, +1, terminal=2)
    first = solve_ivp(rhs, (0, 1e6), x1, **_TOL, events=up)
    x_start = first.y_events[0][-1]
    n = x_start.size
    up3 = _event(lambda t, x: x[section] - lvl, +1, terminal=3)
    events = [up3] + [_event(lambda t, x, c=c: vf.rhs(x, p)[c], 0) for c in range(n)]
    run = solve_ivp(rhs, (0, 1e6), x_start, **_TOL, events=events)
    crossings = run.t_events[0]
    period = float(crossings[-1] - crossings[-2])
    lo = np.array([np.min(run.y_events[c + 1][:, c]) for c in range(n)])
    hi = np.array([np.max(run.y_events[c + 1][:, c]) for c in range(n)])
    return period, lo, hi, x_start


def _event(fun, direction, terminal=False):
    def ev(t, x):
        return fun(t, x)

    ev.direction = direction
    ev.terminal = terminal
    return ev


def variational_monodromy(vf: VectorField, x0, p, period: float) -> np.ndarray:
    """Monodromy matrix ``∂φ_T/∂x0`` from the variational equations (DOP853, rtol 1e-12)."""
    p = np.asarray(p, dtype=float)
    n = len(x0)

    def rhs(_t, z):
        x, m = z[:n], z[n:].reshape(n, n)
        return np.concatenate([vf.rhs(x, p), (vf.jacobian(x, p) @ m).ravel()])

    z0 = np.concatenate([np.asarray(x0, dtype=float), np.eye(n).ravel()])
    sol = solve_ivp(rhs, (0, period), z0, **_TOL)
    return sol.y[n:, -1].reshape(n, n)


def shooting_multipliers(vf: VectorField, x_guess, p, period_guess: float, fixed: int = 1):
    """Periodic orbit by Newton shooting (``x[fixed]`` held at its guess) and its multipliers.

    Independent of collocation: each Newton step integrates the variational equations with
    DOP853 (rtol 1e-12).  Returns ``(period, x0, multipliers)``.
    """
    p = np.asarray(p, dtype=float)
    x = np.array(x_guess, dtype=float)
    T = float(period_guess)
    n = x.size
    free = [i for i in range(n) if i != fixed]
    for _ in range(30):
        m = variational_monodromy(vf, x, p, T)
        end = solve_ivp(lambda t, z: vf.rhs(z, p), (0, T), x, **_TOL).y[:, -1]
        r = end - x
        jac = np.column_stack([(m - np.eye(n))[:, free], vf.rhs(end, p)])
        step = np.linalg.solve(jac, -r)
        x[free] += step[:-1]
        T += step[-1]
        if np.max(np.abs(step)) < 1e-11:
            break
    return T, x, np.linalg.eigvals(variational_monodromy(vf, x, p, T))


def rossler_pd_test(c: float, x_guess, period_guess: float, a: float = 0.2, b: float = 0.2):
    """``min Re μ + 1`` over the shooting multipliers of Rössler's period-1 cycle at ``c``:
    positive before the first period doubling, negative after (a multiplier passed −1).

    Brent's method on this function over c ∈ [2.7, 2.95] gives c_PD = 2.8324450279 (80 s; the
    tests evaluate it on both sides of the collocation value instead).
    """
    _, _, mu = shooting_multipliers(rossler(), x_guess, [a, b, c], period_guess, fixed=1)
    return float(np.min(mu.real) + 1)
