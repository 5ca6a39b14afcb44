"""Speed of the device functions F_ij (SPEC §N1): tables vs adaptive quadrature.

Prints evaluations per second of all three F_ij (one "evaluation" = F00, F01, F11 at one x)
for the NumPy evaluator (orders 0, 1, 2 and 0+1+2 together), the scalar kernel compiled with
numba (if installed), and ``scipy.integrate.quad`` per evaluation (three integrals), with the
ratios.  Run from the repository root::

    PYTHONPATH=src python benchmarks/device_speed.py
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
from scipy import integrate

from qmemristor.neuron.device import build_tables, evaluate, evaluate_orders, fij_point

L, LAM = 0.5, 0.13
N = 1_000_000


def best_rate(fn, n, repeat=5):
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def quad_fij(x):
    def integrand(xi, i, j):
        p0 = math.exp(-(xi * xi) / (2 * L * L)) / (math.pi**0.25 * math.sqrt(L))
        pi = p0 if i == 0 else math.sqrt(2) * xi / L * p0
        pj = p0 if j == 0 else math.sqrt(2) * xi / L * p0
        u = abs((xi + x) / LAM)
        return pi * pj * 2 * math.exp(-u) / (1 + math.exp(-2 * u))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        return [
            integrate.quad(integrand, -8, 8, args=ij, points=[-x, 0.0], epsabs=1e-13)[0]
            for ij in ((0, 0), (0, 1), (1, 1))
        ]


def main() -> None:
    t0 = time.perf_counter()
    tables = build_tables(L, LAM)
    t_build = time.perf_counter() - t0
    print(
        f"tables for l={L}, λ={LAM}: {tables.n_panels} panels of degree {tables.degree}, "
        f"x_tail={tables.x_tail:.3f}, built in {t_build:.2f} s"
    )
    x = np.random.default_rng(1).uniform(-4.0, 4.0, N)  # |x_V| ≤ 4 covers the figures' range

    xq = x[:200]
    t0 = time.perf_counter()
    for xx in xq:
        quad_fij(float(xx))
    quad_rate = xq.size / (time.perf_counter() - t0)
    print(f"scipy.integrate.quad (3 integrals per x):      {quad_rate:12.4g} evals/s")

    rates = {}
    for order in (0, 1, 2):
        rates[order] = best_rate(lambda order=order: evaluate(tables, x, order), N)
        print(
            f"numpy evaluate, order {order}:                  {rates[order]:12.4g} evals/s"
            f"   ×{rates[order] / quad_rate:,.0f} vs quad"
        )
    r_all = best_rate(lambda: evaluate_orders(tables, x, (0, 1, 2)), N)
    print(
        f"numpy evaluate_orders (0, 1, 2) together:      {r_all:12.4g} evals/s"
        f"   ×{r_all / quad_rate:,.0f} vs quad"
    )
    try:
        import numba
    except ImportError:
        print("numba not installed: compiled kernel not measured")
        return
    point = numba.njit(fij_point)

    @numba.njit
    def loop(args, xs, order, out):
        breaks, coefs, x_tail, ta, tb, tc = args
        for i in range(xs.size):
            point(breaks, coefs, x_tail, ta, tb, tc, xs[i], order, out[i])

    out = np.empty((N, 3))
    args = tables.kernel_args()
    loop(args, x[:10], 0, out[:10])
    r_nb = best_rate(lambda: loop(args, x, 0, out), N)
    err = np.abs(out - evaluate(tables, x)).max()
    print(
        f"numba.njit(fij_point) loop, order 0:           {r_nb:12.4g} evals/s"
        f"   ×{r_nb / quad_rate:,.0f} vs quad (max |Δ| vs numpy {err:.1e})"
    )


if __name__ == "__main__":
    main()
