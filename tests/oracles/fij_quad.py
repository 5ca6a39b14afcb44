"""Independent oracle for the device functions F_ij of SPEC §N1: adaptive Gauss–Kronrod.

Written straight from the definitions, sharing no code with ``qmemristor.neuron.device``::

    ψ0(ξ) = exp(−ξ²/(2l²)) / (π^{1/4} √l),   ψ1(ξ) = (√2 ξ/l) ψ0(ξ)
    F_ij(x) = ∫ ψi(ξ) ψj(ξ) sech((ξ + x)/λ) dξ

and two exact forms of the x-derivatives (an oracle must be well conditioned to be one):

- ``form="sech"``: ``F^{(m)}(x) = ∫ ψiψj(ξ) ∂^m_x sech((ξ+x)/λ) dξ`` — loses ~(l/λ)² to
  cancellation when λ ≪ l (the integrand oscillates on the scale λ);
- ``form="weights"``: ``F^{(m)}(x) = (−1)^m ∫ ∂^m_ξ[ψiψj](ξ) sech((ξ+x)/λ) dξ`` — loses
  ~(λ/l)² when λ ≫ l.

``scipy.integrate.quad`` with ``epsabs = 0`` and ``epsrel = 2e-14`` (the smallest it accepts) on
a finite interval holding the whole integrand (the integrand's peak lies within l²/(2λ) of 0;
14 l beyond, the Gaussian factor is below e^{−196}), with breakpoints at the peak of sech
(ξ = −x) and of the Gaussian (ξ = 0): relative accuracy ~1e-14 of ∫|integrand|, also in the
tails where F is tiny.
"""

from __future__ import annotations

import math
import warnings

from scipy import integrate

PAIRS = ((0, 0), (0, 1), (1, 1))


def psi(n: int, xi: float, l: float) -> float:
    p0 = math.exp(-(xi * xi) / (2 * l * l)) / (math.pi**0.25 * math.sqrt(l))
    return p0 if n == 0 else math.sqrt(2.0) * xi / l * p0


def sech(u: float) -> float:
    e = math.exp(-abs(u))
    return 2 * e / (1 + e * e)


def dsech(u: float, lam: float, order: int) -> float:
    """∂^order_x sech((ξ+x)/λ) at u = (ξ+x)/λ (sech' = −sech tanh, sech'' = sech(tanh² − sech²))."""
    s = sech(u)
    if order == 0:
        return s
    t = math.tanh(u)
    if order == 1:
        return -s * t / lam
    return s * (t * t - s * s) / lam**2


def dproduct(i: int, j: int, xi: float, l: float, order: int) -> float:
    """∂^order_ξ [ψi ψj](ξ) with ψiψj = P(ξ) e^{−ξ²/l²}/(√π l), P = 1, √2ξ/l, 2ξ²/l²."""
    p = [(1.0, 0.0, 0.0), (math.sqrt(2) * xi / l, math.sqrt(2) / l, 0.0)]
    p.append((2 * xi * xi / l**2, 4 * xi / l**2, 4 / l**2))
    pv, dp, ddp = p[i + j]
    e = math.exp(-(xi * xi) / (l * l)) / (math.sqrt(math.pi) * l)
    k = -2 * xi / l**2  # (e^{−ξ²/l²})' / e^{−ξ²/l²}
    if order == 0:
        return pv * e
    if order == 1:
        return (dp + k * pv) * e
    return (ddp + 2 * k * dp + (k * k - 2 / l**2) * pv) * e


def fij_quad(
    x: float, l: float, lam: float, order: int = 0, form: str = "sech"
) -> tuple[float, float, float]:
    """(F00, F01, F11)^{(order)}(x) by adaptive quadrature (see the module docstring)."""
    half = l * l / (2 * lam) + 14 * l
    cand = (-x, 0.0, -l * l / (2 * lam), l * l / (2 * lam))
    # breakpoints strictly inside (one at the very end of the interval upsets QUADPACK's qagp)
    pts = sorted({p for p in cand if abs(p) < (1 - 1e-3) * half})
    out = []
    for i, j in PAIRS:
        if form == "sech":

            def f(xi, i=i, j=j):
                return psi(i, xi, l) * psi(j, xi, l) * dsech((xi + x) / lam, lam, order)

        else:

            def f(xi, i=i, j=j):
                return (-1) ** order * dproduct(i, j, xi, l, order) * sech((xi + x) / lam)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            val, _ = integrate.quad(
                f, -half, half, points=pts, epsabs=0.0, epsrel=2e-14, limit=4000
            )
        out.append(val)
    return tuple(out)
