"""Device functions F_ij (SPEC §N1): accuracy against quadrature, limits, tails, kernels."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.errors import ParameterError
from qmemristor.neuron import device
from qmemristor.neuron.device import (
    build_tables,
    conductance,
    current,
    device_tables,
    evaluate,
    evaluate_orders,
    fij,
    fij_point,
    fij_tail,
    fij_trapezoid,
)
from tests.oracles.fij_quad import fij_quad

# (l, λ): the paper's device, λ ≪ l, λ ≫ l, λ = l, wide oscillator
DEVICES = [(0.5, 0.13), (1.0, 0.01), (0.05, 1.0), (0.2, 0.2), (2.0, 0.5)]


def _grid(tables):
    """|x| ≤ 10 densely, plus both sides of the hand-over to the closed-form tail and beyond."""
    xt = tables.x_tail
    extra = xt * np.array([0.999, 1.001, 1.5, 3.0])
    return np.concatenate([np.linspace(-10, 10, 81), np.linspace(-1, 1, 9), extra, -extra])


@pytest.mark.parametrize(("l", "lam"), DEVICES)
def test_fij_and_derivatives_match_adaptive_quadrature(l, lam):
    tables = device_tables(l, lam)
    xs = _grid(tables)
    # the oracle in its better-conditioned derivative form; at the paper's device the
    # independent sech form (cancellation only (l/λ)² ≈ 15) is used on purpose
    form = "sech" if lam >= l or (l, lam) == (0.5, 0.13) else "weights"
    for order in range(3):
        ours = evaluate(tables, xs, order)
        ref = np.array([fij_quad(float(x), l, lam, order, form) for x in xs])
        scale = np.abs(ref).max(axis=0)
        # quad and the tables are both good to ~1e-14 of max|F^(m)| (quad's epsrel 2e-14 of
        # ∫|integrand|, which the form keeps within ~10× of |F|); 1e-12 leaves 100× margin and
        # is 100× tighter than the 1e-10 the issue asks for
        np.testing.assert_array_less(np.abs(ours - ref) / scale, 1e-12)
        if order == 0:
            # F00, F11 > 0: relative accuracy down to 1e-25 of their maximum (tables promise
            # 1e-14 relative down to 1e-30 of max; the tail formula 1e-16; quad ~1e-14)
            pos = ref[:, [0, 2]]
            keep = pos > 1e-25 * scale[[0, 2]]
            rel = np.abs(ours[:, [0, 2]] - pos)[keep] / pos[keep]
            assert rel.max() < 1e-11, rel.max()


def test_reference_trapezoid_matches_quadrature_without_symmetry_shortcuts():
    # fij_trapezoid integrates each x directly (negative x included), so it checks parity too
    xs = np.array([-3.7, -1.2, -0.3, 0.0, 0.4, 2.2, 6.0])
    ours = fij_trapezoid(xs, 0.5, 0.13)
    for order in range(3):
        ref = np.array([fij_quad(float(x), 0.5, 0.13, order) for x in xs])
        scale = np.abs(ref).max(axis=0)
        # geometric convergence: aliasing < e^{-50}, window truncation < e^{-60} (module doc)
        np.testing.assert_array_less(np.abs(ours[order] - ref) / scale, 1e-13)


def test_parity_of_the_reference_values():
    x = np.linspace(0.05, 3, 13)
    pos = fij_trapezoid(x, 0.5, 0.13)
    neg = fij_trapezoid(-x, 0.5, 0.13)
    for order in range(3):
        sign = (-1.0) ** (np.array([0, 1, 0]) + order)
        np.testing.assert_allclose(neg[order], sign * pos[order], rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize(("l", "lam"), [(0.5, 0.13), (0.3, 0.6)])
def test_identities_between_the_three_functions(l, lam):
    # ψ0ψ1 = (l/√2)·(−d/dξ)ψ0²-type relations give F01 = (l/√2) F00' and
    # F11 = F00 + (l²/2) F00'' — the nine tables are built independently, so this checks them
    x = np.linspace(-4, 4, 161)
    F, dF, ddF = evaluate_orders(device_tables(l, lam), x, (0, 1, 2))
    scale = np.abs(F).max()
    np.testing.assert_allclose(F[:, 1], l / math.sqrt(2) * dF[:, 0], atol=1e-13 * scale)
    np.testing.assert_allclose(F[:, 2], F[:, 0] + l * l / 2 * ddF[:, 0], atol=1e-13 * scale)
    np.testing.assert_allclose(dF[:, 0], math.sqrt(2) / l * F[:, 1], atol=1e-12 * scale / l)


def test_wide_tunnelling_limit_lambda_large():
    # λ ≫ l: expand sech((ξ+x)/λ) in ξ (ξ ~ N(0, l²/2) under ψ0², E ξ² = l²/2, E ξ⁴ = 3l⁴/4):
    #   F00 = S + (l²/4λ²) S'' + O((l/λ)^4),     F11 = S + (3l²/4λ²) S'' + O((l/λ)^4),
    #   F01 = (l/(√2 λ)) (S' + (l²/4λ²) S''') + O((l/λ)^5),   S = sech(x/λ)
    l, lam = 0.5, 50.0
    x = np.linspace(-150, 150, 31)
    u = x / lam
    s, t = 1 / np.cosh(u), np.tanh(u)
    d1 = -s * t
    d2 = s * (t**2 - s**2)
    d3 = s * t * (5 * s**2 - t**2)
    F = fij(x, l, lam)
    eps = (l / lam) ** 4  # 1e-8: size of the first omitted terms (times O(1) derivatives of S)
    np.testing.assert_allclose(F[:, 0], s + l**2 / (4 * lam**2) * d2, atol=eps)
    np.testing.assert_allclose(F[:, 2], s + 3 * l**2 / (4 * lam**2) * d2, atol=5 * eps)
    f01 = l / (math.sqrt(2) * lam) * (d1 + l**2 / (4 * lam**2) * d3)
    np.testing.assert_allclose(F[:, 1], f01, atol=eps * l / lam)


def test_narrow_tunnelling_limit_lambda_small():
    # λ → 0: sech((ξ+x)/λ) → πλ δ(ξ+x), so F_ij(x) → πλ ψi(−x) ψj(−x), with a relative
    # correction (π²λ²/24)(ψψ)''/(ψψ) = O(λ²/l²) ≈ 1e-5 here
    l, lam = 0.5, 1e-3
    x = np.linspace(-1.0, 1.0, 21)
    F = fij(x, l, lam)
    g = np.exp(-(x**2) / l**2) / (math.sqrt(math.pi) * l)
    prods = np.stack([g, math.sqrt(2) * (-x) / l * g, 2 * x**2 / l**2 * g], axis=-1)
    np.testing.assert_allclose(F, math.pi * lam * prods, atol=1e-4 * math.pi * lam * g.max())


def test_decay_at_infinity_is_exponential_and_f00_is_log_concave():
    tables = device_tables(0.5, 0.13)
    x = np.linspace(0, 30, 3001)
    F = evaluate(tables, x)
    # F00 is the convolution of two log-concave functions (Gaussian, sech): log-concave, hence
    # decreasing for x > 0 (Prékopa); tested on the tables and the closed-form tail together
    logf = np.log(F[:, 0])
    assert np.all(np.diff(logf) < 0)
    assert np.all(np.diff(logf, 2) <= 1e-9)  # round-off of log at 1e-16 relative, /h² ≪ 1e-9
    # slope of log F → −1/λ, the decay rate of sech
    slope = np.diff(logf[-100:]) / np.diff(x[-100:])
    np.testing.assert_allclose(slope, -1 / 0.13, rtol=1e-10)
    # F01 ~ −(a l/√2) F00 far out (a = 1/λ): the odd function follows the same exponential
    np.testing.assert_allclose(F[-1, 1] / F[-1, 0], -0.5 / (0.13 * math.sqrt(2)), rtol=1e-10)
    # and both sides of ±x_tail agree (tables vs closed form) to the tables' accuracy
    xt = tables.x_tail
    for s in (1, -1):
        for order in range(3):
            inner = evaluate(tables, np.array([s * xt]), order)[0]  # |x| ≤ x_tail: tables
            outer = fij_tail(tables, np.array([s * xt]), order)[0]
            np.testing.assert_allclose(inner, outer, rtol=1e-12)


def test_non_finite_inputs():
    F = fij(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(F[0]).all()
    assert np.all(F[1:] == 0)
    assert np.isnan(fij(np.array(np.nan))).all()


def test_scalar_fast_path_equals_the_vector_path():
    tables = device_tables()
    xs = np.array([-7.0, -4.9, -0.37, 0.0, 0.21, 1.5, 4.83, 12.0])
    for order in range(3):
        vec = evaluate(tables, xs, order)
        one = np.array([evaluate(tables, np.array(x), order) for x in xs])
        np.testing.assert_allclose(one, vec, rtol=1e-13, atol=1e-300)


def test_kernel_in_pure_python_equals_the_compiled_evaluate():
    """fij_point run as plain Python on floats = the compiled loop of evaluate (same code)."""
    tables = device_tables()
    xs = np.array([-6.0, -1.1, -0.2, 0.0, 0.3, 2.0, 4.0, 5.5])
    for order in range(3):
        ref = evaluate(tables, xs, order)
        for x, r in zip(xs, ref, strict=True):
            # same arithmetic, Python's float ops vs LLVM's (possible FMA contraction): 1e-13
            np.testing.assert_allclose(
                fij_point(tables.flat, 0, float(x), order), r, rtol=1e-13, atol=1e-300
            )


def test_tables_are_cached_read_only_and_validated():
    assert device_tables(0.5, 0.13) is device_tables(0.5, 0.13)
    t = device_tables()
    assert not t.coefs.flags.writeable and not t.breaks.flags.writeable
    assert t.coefs.shape == (3, t.degree + 1, t.n_panels, 3)
    with pytest.raises(ParameterError, match="lam must be > 0"):
        build_tables(0.5, 0.0)
    with pytest.raises(ParameterError, match="l must be > 0"):
        device_tables(-1.0, 0.1)
    with pytest.raises(ValueError, match="order"):
        evaluate(t, 0.0, 3)


def test_conductance_and_current():
    v = np.linspace(-2, 4, 13)
    xv = 0.8 - 0.5 * math.sqrt(2) * v
    F = fij(xv)
    np.testing.assert_allclose(conductance(v, 0.0, 1.0), F[:, 0])  # ground state: G = F00
    np.testing.assert_allclose(conductance(v, 0.0, -1.0), F[:, 2])  # excited: G = F11
    bx, bz = 0.3, -0.2
    g = 0.5 * ((1 + bz) * F[:, 0] + 2 * bx * F[:, 1] + (1 - bz) * F[:, 2])
    np.testing.assert_allclose(conductance(v, bx, bz), g)
    np.testing.assert_allclose(current(v, bx, bz), g * v)
    assert device.x_of_v(1.0) == pytest.approx(0.8 - 0.5 * math.sqrt(2))
