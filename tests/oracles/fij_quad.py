"""Independent oracle for the device functions F_ij of SPEC §N1: adaptive Gauss–Kronrod.

Written straight from the definitions, sharing no code with ``qmemristor.neuron.device``::

    ψ0(ξ) = exp(−ξ²/(2l²)) / (π^{1/4} √l),   ψ1(ξ) = (√2 ξ/l) ψ0(ξ)
    F_ij^{(m)}(x) = ∫ ψi(ξ) ψj(ξ) ∂^m_x sech((ξ + x)/λ) dξ

(the library differentiates the Gaussian weights instead when λ ≤ l, so the two derivative
forms differ).  ``scipy.integrate.quad`` with ``epsabs = 0`` and ``epsrel = 2e-14`` (the
smallest it accepts) on a finite interval holding the whole integrand, with breakpoints at the
peak of sech (ξ = −x) and of the Gaussian (ξ = 0): relative accuracy ~1e-14, also in the tails
where F is tiny (the integrand is positive for F00 and F11, so relative error is meaningful).
"""

from __future__ import annotations

import math
import warnings

from scipy import integrate


def psi(n: int, xi: float, l: float) -> float:
    p0 = math.exp(-(xi * xi) / (2 * l * l)) / (math.pi**0.25 * math.sqrt(l))
    return p0 if n == 0 else math.sqrt(2.0) * xi / l * p0


def dsech(u: float, lam: float, order: int) -> float:
    """∂^order_x sech((ξ+x)/λ) at u = (ξ+x)/λ, overflow-free."""
    e = math.exp(-abs(u))
    s = 2 * e / (1 + e * e)
    if order == 0:
        return s
    t = math.tanh(u)
    if order == 1:
        return -s * t / lam
    return s * (t * t - s * s) / lam**2


PAIRS = ((0, 0), (0, 1), (1, 1))


def fij_quad(x: float, l: float, lam: float, order: int = 0) -> tuple[float, float, float]:
    """(F00, F01, F11)^{(order)}(x) by adaptive quadrature."""
    half = l * l / (2 * lam) + 14 * l
    pts = sorted({p for p in (-x, 0.0, -l * l / (2 * lam), l * l / (2 * lam)) if -half < p < half})
    out = []
    for i, j in PAIRS:

        def f(xi, i=i, j=j):
            return psi(i, xi, l) * psi(j, xi, l) * dsech((xi + x) / lam, lam, order)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            val, _ = integrate.quad(
                f, -half, half, points=pts, epsabs=0.0, epsrel=2e-14, limit=4000
            )
        out.append(val)
    return tuple(out)
