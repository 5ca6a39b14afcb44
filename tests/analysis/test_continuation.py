"""Continuation, fold/Hopf location and Lyapunov coefficients on normal forms with known answers.

Oracles are in ``tests/oracles/normal_forms.py`` (closed forms derived in the docstrings) plus
an integration-only oracle for l1 (the Poincaré return map).

Tolerances.  Newton on the augmented systems is iterated to ``1e-12`` on the update, and the
residuals are exact up to rounding (analytic Jacobians, ≈1e-15) or the fourth-order
finite-difference Jacobian (≈ε^{4/5} ≈ 3e-13 relative), so locations are bounded by 1e-10.
``l1`` uses second/third derivatives: from an analytic Jacobian (first/second differences of
J: ≈1e-13/1e-11) or from f alone (second/third differences of f: ≈1e-10/1e-9 relative), hence
the relative bounds 1e-8 on ``l1``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmemristor.analysis import (
    ContinuationOptions,
    VectorField,
    continue_equilibrium,
    continue_fold,
    continue_hopf,
    first_lyapunov,
    locate_fold,
    locate_hopf,
)
from qmemristor.errors import ParameterError
from tests.oracles import normal_forms as nf

Q_NF = np.array([1, -1j]) / np.sqrt(2)  # unit eigenvector of the Hopf normal form for +iω


def random_transform(seed: int, n: int) -> np.ndarray:
    """A random, well-conditioned, non-orthogonal matrix (singular values in [0.4, 2.5])."""
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.normal(size=(n, n)))
    v, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return u @ np.diag(rng.uniform(0.4, 2.5, n)) @ v


# ------------------------------------------------------------------------------------- folds
@pytest.mark.parametrize("analytic", [True, False])
def test_saddle_node_fold_at_origin_with_stable_and_unstable_halves(analytic):
    br = continue_equilibrium(nf.saddle_node(analytic), [1.0], [1.0], 0, bounds=(-1.0, 2.0))
    assert br.ok and br.ends == ("bound", "bound")
    # the branch is x² = μ to the corrector tolerance, and both ends reach μ = 2
    np.testing.assert_allclose(br.x[:, 0] ** 2, br.mu, atol=1e-9)
    assert br.mu[0] == pytest.approx(2.0) and br.mu[-1] == pytest.approx(2.0)
    # eigenvalue −2x: stable for x > 0, unstable for x < 0
    np.testing.assert_array_equal(br.stable, br.x[:, 0] > 0)
    np.testing.assert_allclose(br.eigenvalues[:, 0].real, -2 * br.x[:, 0], atol=1e-9)
    (lp,) = br.special_points
    assert lp.kind == "LP" and lp.located
    assert abs(lp.x[0]) < 1e-10 and abs(lp.p[0]) < 1e-10
    # normal form coefficient ⟨w, B(v, v)⟩/(2⟨w, v⟩) with f_xx = −2 and v = ±1: a = −v
    assert lp.data["a"] * lp.data["v"][0] == pytest.approx(-1.0, rel=1e-9)


def test_cubic_fold_locations_in_random_coordinates_with_extra_stable_directions():
    # ẋ = μ + x − x³/3, ẏ = −y, ż = −2z embedded and mixed by a random T: the folds stay at
    # μ = ∓2/3 (parameters are coordinate-free) and at x = T(±1, 0, 0).
    base = nf.cubic_fold()
    t = random_transform(7, 3)

    def f3(x, p):
        return np.append(base.rhs(x[:2], p), -2 * x[2])

    vf = nf.transformed(VectorField(f3), t)
    ti = np.linalg.inv(t)
    br = continue_equilibrium(vf, ti @ [2.0, 0, 0], [0.0], 0, bounds=(-2.0, 2.0))
    assert br.ok
    folds = br.points("LP")
    assert len(folds) == 2 and all(sp.located for sp in folds)
    for sp in folds:
        xo = t @ sp.x
        assert abs(abs(xo[0]) - 1) < 1e-10 and np.max(np.abs(xo[1:])) < 1e-10
        assert sp.p[0] == pytest.approx(-np.sign(xo[0]) * 2 / 3, abs=1e-10)
    # between the folds (|x| < 1) the middle branch is unstable, outside stable
    xo = br.x @ t.T
    inner = np.abs(xo[:, 0]) < 1 - 1e-6
    outer = np.abs(xo[:, 0]) > 1 + 1e-6
    assert not br.stable[inner].any() and br.stable[outer].all()


def test_locate_fold_returns_a_flag_not_an_exception_when_there_is_no_fold():
    # ẋ = μ − x (no fold anywhere): the fold system has no solution
    sp = locate_fold(lambda x, p: np.array([p[0] - x[0]]), [0.3], [0.3], 0)
    assert sp.kind == "LP" and not sp.located and sp.message


# ------------------------------------------------------------------------------------- cusp
@pytest.mark.parametrize("analytic", [True, False])
def test_fold_curve_of_the_cusp_matches_closed_form_and_finds_the_cusp(analytic):
    x0 = np.sqrt(1 / 3)
    curve = continue_fold(
        nf.cusp(analytic), [x0], [-2 * x0**3, 1.0], 0, 1, bounds=((-2, 2), (-1, 2))
    )
    assert curve.ok and curve.kind == "fold"
    mu1, mu2 = curve.params.T
    x = curve.x[:, 0]
    # folds: f = f_x = 0 → μ2 = 3x², μ1 = x³ − μ2 x = −2x³ (corrector tolerance 1e-10)
    np.testing.assert_allclose(mu2, 3 * x**2, atol=1e-9)
    np.testing.assert_allclose(mu1, -2 * x**3, atol=1e-9)
    assert mu2.max() == pytest.approx(2.0)  # both branches run to the bound μ2 = 2
    (cp,) = curve.points("CP")
    assert cp.located
    # cusp test ⟨w, B(v, v)⟩ = −6x vanishes at x = 0; Brent on it to 1e-14 in arclength
    assert abs(cp.x[0]) < 1e-9 and np.max(np.abs(cp.p)) < 1e-9


# ------------------------------------------------------------------------------------- Hopf
@pytest.mark.parametrize("a", [-1.0, 1.0])
@pytest.mark.parametrize("coords", ["normal", "random"])
def test_hopf_normal_form_point_frequency_and_lyapunov_coefficient(a, coords):
    b, omega = 0.4, 1.7
    vf = nf.hopf_normal_form(a, b, omega)
    expected = 2 * a / omega  # Kuznetsov normalisation in the normal-form coordinates
    x0 = np.zeros(2)
    if coords == "random":
        t = random_transform(11, 2)
        vf = nf.transformed(vf, t)
        expected /= np.linalg.norm(np.linalg.solve(t, Q_NF)) ** 2  # l1_y = l1_x/‖T⁻¹q‖²
    br = continue_equilibrium(vf, x0, [-0.5], 0, bounds=(-0.5, 0.5))
    (h,) = br.special_points
    assert h.kind == "H" and h.located
    assert abs(h.p[0]) < 1e-10 and np.max(np.abs(h.x)) < 1e-10
    assert h.data["omega"] == pytest.approx(omega, rel=1e-10)
    assert h.data["l1"] == pytest.approx(expected, rel=1e-8)
    assert np.sign(h.data["l1"]) == np.sign(a)
    assert h.data["criticality"] == ("supercritical" if a < 0 else "subcritical")
    assert h.data["twist"] == pytest.approx(b / a, rel=1e-8)
    # stable before, unstable after the Hopf point
    assert br.stable[br.mu < -1e-9].all() and not br.stable[br.mu > 1e-9].any()


@settings(max_examples=25)
@given(
    seed=st.integers(0, 2**32 - 1),
    a=st.sampled_from([-1.3, -0.2, 0.5, 2.0]),
    b=st.floats(-2, 2),
    omega=st.floats(0.3, 5),
)
def test_lyapunov_sign_and_invariants_do_not_depend_on_the_coordinates(seed, a, b, omega):
    # After x = T y: sign(l1) and the twist Im c1/Re c1 = b/a are invariant; the value scales
    # as 1/‖T⁻¹q‖²; with the transported metric M = TᵀT it equals the normal-form 2a/ω.
    # Analytic Jacobian → B, C from first/second differences of J: c1 to ~1e-9 |c1| (the
    # random T's condition number ≤ 6 included), so the twist to ~1e-9 |c1|/|Re c1| ≤ 1e-8.
    t = random_transform(seed, 2)
    vf = nf.transformed(nf.hopf_normal_form(a, b, omega), t)
    h = first_lyapunov(vf, [0.0, 0.0], [0.0])
    assert np.sign(h.l1) == np.sign(a)
    assert h.twist == pytest.approx(b / a, rel=1e-7, abs=1e-7)
    scale = np.linalg.norm(np.linalg.solve(t, Q_NF)) ** 2
    assert h.l1 == pytest.approx(2 * a / omega / scale, rel=1e-8)
    hm = first_lyapunov(vf, [0.0, 0.0], [0.0], metric=t.T @ t)
    assert hm.l1 == pytest.approx(2 * a / omega, rel=1e-8)
    assert h.omega == pytest.approx(omega, rel=1e-12)


@pytest.mark.parametrize("a", [-1.0, 1.0])
def test_hopf_after_a_nonlinear_non_polynomial_change_of_coordinates(a):
    # x = y + h(y) with h = O(|y|²) (sin, cos) keeps the linear part and q, so c1 — hence
    # l1 = 2a/ω and the twist b/a — is unchanged.  The field is no longer polynomial, so the
    # fourth-order stencils are not exact: finite differences of f only, l1 to ≈1e-9 (measured
    # 1e-9; the third differences' ε^{4/7} bound), the Hopf point to ≈1e-13.
    base = nf.hopf_normal_form(a, 0.4, 1.7)

    def h(y):
        return np.array([0.3 * y[1] * np.sin(y[0]), 0.5 * (1 - np.cos(y[0] + y[1]))])

    def dh(y):
        s = 0.5 * np.sin(y[0] + y[1])
        return np.array([[0.3 * y[1] * np.cos(y[0]), 0.3 * np.sin(y[0])], [s, s]])

    def g(y, p):
        return np.linalg.solve(np.eye(2) + dh(y), base.rhs(y + h(y), p))

    br = continue_equilibrium(g, [0.0, 0.0], [-0.5], 0, bounds=(-0.5, 0.5))
    (hp,) = br.points("H")
    assert abs(hp.p[0]) < 1e-10 and np.max(np.abs(hp.x)) < 1e-10
    assert hp.data["l1"] == pytest.approx(2 * a / 1.7, rel=1e-8)
    assert hp.data["twist"] == pytest.approx(0.4 / a, rel=1e-7)


@pytest.mark.parametrize("coords", ["normal", "random"])
def test_hopf_in_3d_with_centre_manifold_terms(coords):
    # the quadratic couplings make both h20 and h11 matter; closed form in hopf_3d's docstring
    vf, expected = nf.hopf_3d(a=-0.5, b=0.3, omega=1.4, k=1.2, s1=0.8, s2=-0.6, gamma=0.9)
    if coords == "random":
        t = random_transform(3, 3)
        vf = nf.transformed(vf, t)
        q = np.array([1, -1j, 0]) / np.sqrt(2)
        expected /= np.linalg.norm(np.linalg.solve(t, q)) ** 2
    br = continue_equilibrium(vf, np.zeros(3), [-0.3], 0, bounds=(-0.3, 0.3))
    (h,) = br.points("H")
    assert abs(h.p[0]) < 1e-10 and h.data["omega"] == pytest.approx(1.4, rel=1e-10)
    # f only (no analytic derivatives): third differences of f, ≈1e-9 relative
    assert h.data["l1"] == pytest.approx(expected, rel=1e-7)


def test_lyapunov_coefficient_matches_the_poincare_return_map_and_the_planar_formula():
    # Random quadratic + cubic terms on a linear centre: the return-map oracle integrates the
    # flow (≈1e-6 relative), Guckenheimer–Holmes' planar formula gives a with l1 = 2a/ω.
    rng = np.random.default_rng(5)
    c = rng.normal(size=(2, 7))
    w = 1.2

    def f(x, p):
        u, v = x
        m = np.array([u * u, u * v, v * v, u**3, u * u * v, u * v * v, v**3])
        return np.array([-w * v, w * u]) + c @ m

    vf = VectorField(f)
    h = first_lyapunov(vf, [0.0, 0.0], [0.0])
    fxx, fxy, fyy = 2 * c[0, 0], c[0, 1], 2 * c[0, 2]
    gxx, gxy, gyy = 2 * c[1, 0], c[1, 1], 2 * c[1, 2]
    cubic = 6 * c[0, 3] + 2 * c[0, 5] + 2 * c[1, 4] + 6 * c[1, 6]  # f_xxx+f_xyy+g_xxy+g_yyy
    quad = fxy * (fxx + fyy) - gxy * (gxx + gyy) - fxx * gxx + fyy * gyy
    a = cubic / 16 + quad / (16 * w)
    assert h.l1 == pytest.approx(2 * a / w, rel=1e-8)
    assert h.l1 == pytest.approx(nf.poincare_l1(vf, [0.0, 0.0], np.array([0.0])), rel=1e-5)


@pytest.mark.parametrize("big_a", [0.7, 2.0])
def test_brusselator_hopf_on_a_branch_and_its_lyapunov_coefficient(big_a):
    vf = nf.brusselator()
    b0 = 0.5 + big_a**2
    br = continue_equilibrium(vf, [big_a, b0 / big_a], [big_a, b0], 1, bounds=(b0, b0 + 1))
    (h,) = br.points("H")
    assert h.p[1] == pytest.approx(1 + big_a**2, abs=1e-10)
    np.testing.assert_allclose(h.x, [big_a, (1 + big_a**2) / big_a], atol=1e-10)
    assert h.data["omega"] == pytest.approx(big_a, rel=1e-10)
    oracle = nf.poincare_l1(vf, h.x, h.p)  # ≈1e-6 relative (see its docstring)
    assert h.data["l1"] == pytest.approx(oracle, rel=1e-5)
    assert h.data["criticality"] == "supercritical"
    # the same with finite differences only
    h_fd = locate_hopf(nf.brusselator(analytic=False), h.x, h.p, 1)
    assert h_fd.data["l1"] == pytest.approx(h.data["l1"], rel=1e-8)


def test_fitzhugh_nagumo_two_subcritical_hopf_points():
    # v̇ = v − v³/3 − w + I, ẇ = ε(v + a − b w): tr J = 1 − v² − εb = 0 at v* = ±√(1 − εb),
    # ω² = det J = ε(1 − εb²), I = v*³/3 − v* + (v* + a)/b.  A slow–fast system (ε = 0.08):
    # the return-map oracle needs r0 = 1.25e-3 (its O(r0³) remainder, measured to shrink 8× per
    # halving of r0, is ≈1e-6 there).
    a, b, eps = 0.7, 0.8, 0.08
    vf = VectorField(
        lambda x, p: np.array([x[0] - x[0] ** 3 / 3 - x[1] + p[0], eps * (x[0] + a - b * x[1])]),
        jac_x=lambda x, p: np.array([[1 - x[0] ** 2, -1.0], [eps, -eps * b]]),
    )
    roots = np.roots([-1 / 3, 0, 1 - 1 / b, -a / b])
    v0 = roots[np.abs(roots.imag) < 1e-12].real[0]  # the equilibrium at I = 0
    br = continue_equilibrium(vf, [v0, (v0 + a) / b], [0.0], 0, bounds=(0.0, 2.0))
    hopfs = br.points("H")
    assert len(hopfs) == 2 and not br.points("LP")
    for h, sign in zip(hopfs, (-1, 1), strict=True):
        v_star = sign * np.sqrt(1 - eps * b)
        assert h.x[0] == pytest.approx(v_star, abs=1e-10)
        assert h.p[0] == pytest.approx(v_star**3 / 3 - v_star + (v_star + a) / b, abs=1e-10)
        assert h.data["omega"] == pytest.approx(np.sqrt(eps * (1 - eps * b * b)), rel=1e-10)
        assert h.data["criticality"] == "subcritical"
        oracle = nf.poincare_l1(vf, h.x, h.p, r0=1.25e-3)
        assert h.data["l1"] == pytest.approx(oracle, rel=1e-5)
    # the equilibrium is unstable exactly between the two Hopf points
    inside = (br.mu > hopfs[0].p[0] + 1e-9) & (br.mu < hopfs[1].p[0] - 1e-9)
    outside = (br.mu < hopfs[0].p[0] - 1e-9) | (br.mu > hopfs[1].p[0] + 1e-9)
    assert not br.stable[inside].any() and br.stable[outside].all()


def test_neutral_saddle_is_reported_as_such_not_as_hopf():
    # Block 1 has real eigenvalues 1.5 + μ and −1 (sum μ + 0.5: a neutral saddle at μ = −0.5,
    # which zeroes the bialternate test function too); block 2 is a Hopf normal form with
    # real part μ − 0.5 (Hopf at μ = 0.5).  Mixed by a random T.
    w = 2.0

    def f(x, p):
        x1, x2, x3, x4 = x
        m = p[0] - 0.5
        r2 = x3 * x3 + x4 * x4
        return np.array(
            [
                (1.5 + p[0]) * x1 + x1**2,
                -x2 + x2**2,
                m * x3 - w * x4 - x3 * r2,
                w * x3 + m * x4 - x4 * r2,
            ]
        )

    vf = nf.transformed(VectorField(f), random_transform(3, 4))
    br = continue_equilibrium(vf, np.zeros(4), [-1.0], 0, bounds=(-1.0, 1.0))
    kinds = [(sp.kind, round(float(sp.p[0]), 9)) for sp in br.special_points]
    assert kinds == [("NS", -0.5), ("H", 0.5)]
    ns, h = br.special_points
    assert ns.data["kappa"] == pytest.approx(-1.0, rel=1e-9)  # eigenvalues ±1
    assert h.data["omega"] == pytest.approx(w, rel=1e-10)


# ------------------------------------------------------------------------ two-parameter curves
def test_brusselator_hopf_curve_matches_b_equals_one_plus_a_squared():
    vf = nf.brusselator()
    opt = ContinuationOptions(step_max=0.2)
    curve = continue_hopf(
        vf, [1.0, 2.0], [1.0, 2.0], 1, 0, bounds=((0.5, 5), (0.5, 2)), options=opt
    )
    assert curve.ok and curve.ends == ("bound", "bound")
    big_a, big_b = curve.params[:, 1], curve.params[:, 0]
    np.testing.assert_allclose(big_b, 1 + big_a**2, atol=1e-9)
    np.testing.assert_allclose(curve.omega, big_a, rtol=1e-9)
    np.testing.assert_allclose(curve.x, np.column_stack([big_a, big_b / big_a]), atol=1e-9)
    assert big_a.min() == pytest.approx(0.5) and big_a.max() == pytest.approx(2.0)
    assert np.all(curve.l1 < 0) and not curve.special_points


def test_hopf_curve_stops_at_the_bogdanov_takens_point():
    curve = continue_hopf(
        nf.bogdanov_takens(), [0, 0], [0.0, -1.0], 0, 1, bounds=((-1, 1), (-2, 1))
    )
    assert curve.ends == ("bound", "omega_to_zero") and curve.ok
    np.testing.assert_allclose(curve.params[:, 0], 0.0, atol=1e-10)  # β1 = 0
    np.testing.assert_allclose(curve.omega**2, -curve.params[:, 1], atol=1e-9)  # ω² = −β2
    assert np.all(curve.omega > 0)
    (bt,) = curve.points("BT")
    assert bt.located and np.max(np.abs(bt.p)) < 1e-10 and np.max(np.abs(bt.x)) < 1e-10
    assert np.max(np.abs(bt.data["eigenvalues"])) < 1e-5  # double zero (√ of 1e-10 errors)


def test_fold_curve_of_bogdanov_takens_normal_form_and_its_bt_point():
    curve = continue_fold(
        nf.bogdanov_takens(), [0.5, 0], [0.25, -1.0], 0, 1, bounds=((-1, 1), (-2, 1))
    )
    assert curve.ok
    np.testing.assert_allclose(curve.params[:, 0], curve.params[:, 1] ** 2 / 4, atol=1e-9)
    np.testing.assert_allclose(curve.x[:, 0], -curve.params[:, 1] / 2, atol=1e-9)
    (bt,) = curve.points("BT")
    assert bt.located and np.max(np.abs(bt.p)) < 1e-9


def test_generalised_hopf_point_where_l1_changes_sign():
    # Bautin normal form: l1 = 2β/ω along the Hopf curve μ = 0; GH at β = 0
    omega = 1.3
    curve = continue_hopf(
        nf.bautin(omega, 0.4), [0, 0], [0.0, -1.0], 0, 1, bounds=((-1, 1), (-1, 1))
    )
    assert curve.ok
    np.testing.assert_allclose(curve.params[:, 0], 0.0, atol=1e-10)
    np.testing.assert_allclose(curve.l1, 2 * curve.params[:, 1] / omega, atol=1e-8)
    (gh,) = curve.points("GH")
    assert gh.located and abs(gh.p[1]) < 1e-8


def test_zero_hopf_point_and_a_generalised_hopf_point_from_the_centre_manifold():
    # u̇ = (μ1 + z) u − ω v − u r², v̇ = ω u + (μ1 + z) v − v r², ż = μ2 − z² + r²/2.
    # Equilibria u = v = 0, z* = ±√μ2; Hopf where μ1 + z* = 0 with frequency ω exactly: the
    # Hopf curve μ1 = −z*, μ2 = z*² turns at the zero–Hopf point z* = 0 (det J = −2z* ω²).
    # Centre manifold z = z* + r²/(4 z*) + O(r⁴) (linear decay rate 2z*, and r² is constant to
    # this order), so ṙ = (−1 + 1/(4 z*)) r³: l1 = 2(−1 + 1/(4z*))/ω and a GH point at
    # z* = 1/4, (μ1, μ2) = (−1/4, 1/16).  At z* = 0 l1 has a pole (A⁻¹ in the formula), which
    # must not be reported as GH.
    w = 1.5

    def f(x, p):
        u, v, z = x
        r2 = u * u + v * v
        g = p[0] + z - r2
        return np.array([g * u - w * v, w * u + g * v, p[1] - z * z + r2 / 2])

    curve = continue_hopf(f, [0, 0, 1.0], [-1.0, 1.0], 0, 1, bounds=((-2, 2), (-1, 1)))
    assert curve.ok and curve.ends == ("bound", "bound")
    z = curve.x[:, 2]
    np.testing.assert_allclose(curve.params[:, 0], -z, atol=1e-9)
    np.testing.assert_allclose(curve.params[:, 1], z**2, atol=1e-9)
    np.testing.assert_allclose(curve.omega, w, rtol=1e-9)
    far = np.abs(z) > 0.05  # away from the pole; l1 from third differences of f (≈1e-9 rel)
    np.testing.assert_allclose(curve.l1[far], 2 * (-1 + 1 / (4 * z[far])) / w, rtol=1e-7)
    (zh,) = curve.points("ZH")
    assert zh.located and np.max(np.abs(zh.p)) < 1e-9 and abs(zh.x[2]) < 1e-9
    (gh,) = curve.points("GH")  # Brent on l1 (≈1e-9 noise, slope ≈ 5 per unit z)
    assert gh.located and gh.x[2] == pytest.approx(1 / 4, abs=1e-8)
    np.testing.assert_allclose(gh.p, [-1 / 4, 1 / 16], atol=1e-8)


# --------------------------------------------------------------------- failures are flags
def test_no_equilibrium_gives_start_failed_not_an_exception():
    br = continue_equilibrium(
        lambda x, p: np.array([x[0] ** 2 + 1.0]), [0.0], [0.0], 0, bounds=(-1, 1)
    )
    assert br.ends == ("start_failed", "start_failed") and not br.ok and br.x.shape == (0, 1)


def test_runaway_branch_stops_with_a_reason():
    # ẋ = μ x − 1: x = 1/μ escapes to infinity as μ → 0⁺
    opt = ContinuationOptions(max_norm=20.0, step_max=0.5)
    br = continue_equilibrium(
        lambda x, p: np.array([p[0] * x[0] - 1.0]), [1.0], [1.0], 0, bounds=(-1, 2), options=opt
    )
    assert br.ends[0] == "unbounded" and br.ends[1] == "bound"
    assert np.max(np.abs(br.x)) > 20


def test_field_raising_outside_its_domain_ends_the_branch_with_a_reason():
    # f refuses μ > 1.5 (as a model would reject an unphysical parameter): the corrector fails,
    # the step shrinks below step_min and the branch ends there instead of raising
    def f(x, p):
        if p[0] > 1.5:
            raise ValueError("outside the model's domain")
        return np.array([p[0] - x[0] ** 2])

    br = continue_equilibrium(f, [1.0], [1.0], 0, bounds=(-1.0, 2.0))
    assert br.ends == ("step_too_small", "step_too_small") and not br.ok
    assert 1.49 < br.mu.max() <= 1.5 and len(br.points("LP")) == 1


def test_hopf_curve_from_a_point_without_complex_pair_fails_cleanly():
    curve = continue_hopf(nf.cusp(), [1.0], [0.0, 1.0], 0, 1, bounds=((-1, 1), (-1, 2)))
    assert curve.ends == ("start_failed", "start_failed") and curve.x.shape == (0, 1)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"bounds": (1.0, 2.0)}, "must lie in bounds"),
        ({"bounds": (1.0, -1.0)}, "lo < hi"),
        ({"bounds": (-1.0, 1.0), "direction": "up"}, "direction"),
    ],
)
def test_bad_continuation_input_raises_parameter_error(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        continue_equilibrium(nf.saddle_node(), [0.5], [0.25], 0, **kwargs)


def test_bad_indices_metric_and_options_raise_parameter_error():
    with pytest.raises(ParameterError, match="parameter index"):
        continue_equilibrium(nf.saddle_node(), [0.5], [0.25], 3, bounds=(0, 1))
    with pytest.raises(ParameterError, match="must differ"):
        continue_fold(nf.cusp(), [0.5], [0.0, 1.0], 1, 1, bounds=((-1, 1), (-1, 2)))
    with pytest.raises(ParameterError, match="positive definite"):
        first_lyapunov(nf.hopf_normal_form(-1, 0, 1), [0, 0], [0.0], metric=-np.eye(2))
    with pytest.raises(ParameterError, match="step_min"):
        ContinuationOptions(step=1.0, step_max=0.1)
    with pytest.raises(ParameterError, match="no complex"):
        first_lyapunov(nf.saddle_node(), [1.0], [1.0])


# --------------------------------------------------------------------- derivatives
@pytest.mark.parametrize("analytic", [True, False])
def test_finite_difference_multilinear_forms_on_a_polynomial(analytic):
    # f = (x0² x1, x0 x1 x2 + x2³, p x0³): B and C known exactly, here for complex arguments
    def f(x, p):
        return np.array([x[0] ** 2 * x[1], x[0] * x[1] * x[2] + x[2] ** 3, p[0] * x[0] ** 3])

    def jac(x, p):
        return np.array(
            [
                [2 * x[0] * x[1], x[0] ** 2, 0],
                [x[1] * x[2], x[0] * x[2], x[0] * x[1] + 3 * x[2] ** 2],
                [3 * p[0] * x[0] ** 2, 0, 0],
            ]
        )

    def b_exact(x, p, u, v):
        return np.array(
            [
                2 * x[1] * u[0] * v[0] + 2 * x[0] * (u[0] * v[1] + u[1] * v[0]),
                x[2] * (u[0] * v[1] + u[1] * v[0])
                + x[1] * (u[0] * v[2] + u[2] * v[0])
                + x[0] * (u[1] * v[2] + u[2] * v[1])
                + 6 * x[2] * u[2] * v[2],
                6 * p[0] * x[0] * u[0] * v[0],
            ]
        )

    def c_exact(u, v, w, p):
        def sym(i, j, k):  # u_i v_j w_k summed over the 6 orders of (u, v, w)
            orders = ((u, v, w), (u, w, v), (v, u, w), (v, w, u), (w, u, v), (w, v, u))
            return sum(a[i] * b[j] * c[k] for a, b, c in orders)

        # third-derivative tensors: x0²x1 → 2 on perms of (0,0,1); x0x1x2 → 1 on perms of
        # (0,1,2); x2³ → 6 at (2,2,2); p x0³ → 6p at (0,0,0)
        return np.array([sym(0, 0, 1), sym(0, 1, 2) + sym(2, 2, 2), p[0] * sym(0, 0, 0)])

    vf = VectorField(f, jac_x=jac) if analytic else VectorField(f)
    rng = np.random.default_rng(0)
    x, p = rng.normal(size=3), np.array([0.7])
    u, v, w = (rng.normal(size=3) + 1j * rng.normal(size=3) for _ in range(3))
    np.testing.assert_allclose(vf.B(x, p, u, v), b_exact(x, p, u, v), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(vf.C(x, p, u, v, w), c_exact(u, v, w, p), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(vf.jacobian(x, p), jac(x, p), atol=1e-10)
