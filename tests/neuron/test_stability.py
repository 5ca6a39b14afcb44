"""Hopf points, folds, Lyapunov coefficients and Hopf/fold curves of the neuron (SPEC §N3).

Oracles independent of the continuation code: the equilibria of :mod:`qmemristor.neuron
.equilibria` (Brent's method on the scalar f(V)), eigenvalues of the model's own Jacobian
(:func:`qmemristor.neuron.jacobian`, a different code path from the continuation field),
finite differences, the analytic folds and cusps of §N3, and — in test_dynamics.py — long
simulations against the Hopf normal form.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from qmemristor.errors import ParameterError
from qmemristor.neuron import (
    NeuronParams,
    equilibria,
    fold_points,
    jacobian,
    jacobian_flat,
    jacobian_params,
    primary_cusp,
    vector_field,
)
from qmemristor.neuron.stability import (
    equilibrium_diagram,
    fold_curves,
    hopf_curves,
    hopf_points,
    neuron_field,
    param_index,
)

P = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0, z_t=1.0)  # the paper's Figs. 3-4


def _critical_pair(v_in: float, h, p: NeuronParams = P) -> complex:
    """Eigenvalue (Im > 0) nearest iω_H of the equilibrium nearest V_H at this input."""
    eq = min(equilibria(p.replace(v_in=v_in)), key=lambda e: abs(e.V - h.V))
    lam = np.linalg.eigvals(jacobian(eq.state, p.replace(v_in=v_in)))
    return lam[np.argmin(np.abs(lam - 1j * h.omega))]


# --------------------------------------------------------------------------- the vector field
@settings(max_examples=40)
@given(
    y=st.tuples(*[st.floats(-1, 1)] * 3, st.floats(-3, 5)),
    v_in=st.floats(-4, 8),
    r_m=st.floats(0, 12),
    gamma=st.floats(0, 2),
    alpha=st.floats(0, 2),
    z_t=st.floats(0, 1),
    x0=st.floats(-1, 1),
)
def test_fast_field_is_the_model(y, v_in, r_m, gamma, alpha, z_t, x0):
    # the scalar path of neuron_field re-implements the model's formulas: same numbers up to
    # round-off of a few operations (1e-12 relative to the entries' scale)
    y = np.array(y)
    pv = NeuronParams(v_in=v_in, r_m=r_m, gamma=gamma, alpha=alpha, z_t=z_t, x0=x0).pvec
    vf, tab = neuron_field(), NeuronParams().tables
    for got, ref in (
        (vf.rhs(y, pv), vector_field(y, pv, tab)),
        (vf.jacobian(y, pv), jacobian_flat(y, pv, tab)),
        (vf.jac_p(y, pv), jacobian_params(y, pv, tab)),
    ):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12 * (1 + np.abs(ref).max()))


def test_fast_jacobians_match_finite_differences():
    # central differences with h = 1e-6: truncation h²|f'''| ~ 1e-12·(λ⁻³ ≈ 500) plus
    # round-off ε/h ~ 1e-10 → 1e-7 absolute is a safe bound for entries of size ≲ 10
    vf = neuron_field()
    y = np.array([0.3, -0.2, 0.5, 0.9])
    pv = NeuronParams(v_in=1.2, r_m=6.0, z_t=0.7).pvec
    h = 1e-6
    fd_x = np.column_stack(
        [(vf.rhs(y + h * e, pv) - vf.rhs(y - h * e, pv)) / (2 * h) for e in np.eye(4)]
    )
    fd_p = np.column_stack(
        [(vf.rhs(y, pv + h * e) - vf.rhs(y, pv - h * e)) / (2 * h) for e in np.eye(7)]
    )
    np.testing.assert_allclose(vf.jacobian(y, pv), fd_x, atol=1e-7)
    np.testing.assert_allclose(vf.jac_p(y, pv), fd_p, atol=1e-7)


# --------------------------------------------------------------------------- Hopf points
def test_hopf_points_at_the_papers_operating_point():
    hs = hopf_points(P, "v_in", (0.0, 10.0))
    # two supercritical Hopf points on the lower sheet; the first is just below Fig. 3's
    # V_in = 0.23 (which therefore oscillates)
    assert [h.criticality for h in hs] == ["supercritical"] * 2
    assert all(h.located and h.lyapunov < 0 for h in hs)
    assert hs[0].value < 0.23 < hs[1].value
    np.testing.assert_allclose([h.value for h in hs], [0.225385, 3.308630], atol=1e-6)
    np.testing.assert_allclose([h.omega for h in hs], [7.0231, 7.0454], atol=1e-4)


@pytest.mark.parametrize(
    "p",
    [P, P.replace(r_m=8.0, z_t=0.6), P.replace(r_m=6.0, z_t=0.4, gamma=0.15, alpha=0.5)],
    ids=["rm5", "rm8-zt0.6", "rm6-zt0.4-alpha0.5"],
)
def test_every_hopf_point_is_a_sign_change_of_a_complex_pair(p):
    hs = hopf_points(p, "v_in", (0.0, 8.0))
    assert hs, "no Hopf point found"
    for h in hs:
        # eigenvalues on both sides (independent equilibria + the model's Jacobian): the pair
        # ±iω crosses the axis; δ = 1e-3 gives |Re λ| ≈ |dRe λ/dV_in|·δ ≳ 1e-4 ≫ the 1e-12
        # accuracy of the eigenvalues
        left, right = (_critical_pair(h.value + s * 1e-3, h, p) for s in (-1, 1))
        assert left.real * right.real < 0
        assert min(abs(left.real), abs(right.real)) > 1e-5
        assert abs(left.imag - h.omega) < 1e-2 and abs(right.imag - h.omega) < 1e-2

        # the located point is the root of Re λ(V_in) found by Brent's method on the
        # independent path, to 1e-9 (Newton on the Hopf system converges to ~1e-12; Brent to
        # xtol 1e-13)
        def re_pair(v, h=h):
            return _critical_pair(v, h, p).real

        root = brentq(re_pair, h.value - 1e-3, h.value + 1e-3, xtol=1e-13)
        assert abs(root - h.value) < 1e-9
        # at the point the pair is ±iω_H exactly and the equilibrium is X = Y = 0, Z = Z_T
        assert abs(h.eigenvalues[0].real) < 1e-9 and abs(h.eigenvalues[0].imag - h.omega) < 1e-9
        np.testing.assert_allclose(h.state[:3], [0, 0, p.z_t], atol=1e-12)


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")  # singular there, by design
def test_a_pair_at_zero_is_no_hopf_point():
    # Γ = Ω = 5e-324 (found by the CLI fuzz test): the qubit's pair −Γ ± iΩ sits at 0 for
    # every input, its test function changes sign by round-off; ω = 0 gives birth to no cycle,
    # and l1 (which divides by ω) is undefined, so no Hopf point may be reported
    q = P.replace(gamma=5e-324, omega=5e-324)
    assert all(h.omega > 0 for h in hopf_points(q, "v_in", (0.0, 2.0)))


def test_lyapunov_coefficient_does_not_depend_on_how_the_derivatives_are_taken():
    # l1 from the analytic Jacobian (B, C by differences of J) and from the bare f (B, C by
    # 2nd/3rd differences of f): FD errors ~1e-6 relative for the latter (steps ε^{1/6} with
    # fd_scale 0.1) — the sign and 3 digits must agree
    from qmemristor.analysis import VectorField, first_lyapunov

    bare = VectorField(neuron_field().f, fd_scale=0.1)
    for h in hopf_points(P, "v_in", (0.0, 5.0)):
        l_bare = first_lyapunov(bare, h.state, h.params.pvec, omega=h.omega).l1
        assert l_bare == pytest.approx(h.lyapunov, rel=1e-3)


# --------------------------------------------------------------------------- the diagram
def test_diagram_folds_are_the_analytic_folds_and_branches_cover_the_s_curve():
    d = equilibrium_diagram(P, "v_in", (0.0, 5.0))
    ref = sorted(fold_points(P), key=lambda f: f.v_in)
    assert len(d.folds) == len(ref) == 2
    # fold system (Newton, 1e-12) vs Brent on φ'(V) = 0 (1e-15): 1e-9
    np.testing.assert_allclose([f.value for f in d.folds], [f.v_in for f in ref], atol=1e-9)
    np.testing.assert_allclose([f.V for f in d.folds], [f.V for f in ref], atol=1e-8)
    # one connected S-shaped branch, stable exactly where all eigenvalues have Re < 0
    (br,) = d.branches
    assert d.ok and br.ends == ("start", "bound")
    for i in range(0, len(br.mu), 7):
        q = P.replace(v_in=float(br.mu[i]))
        lam = np.linalg.eigvals(jacobian(br.x[i], q))
        if abs(lam.real).min() > 1e-6:
            assert br.stable[i] == bool(np.all(lam.real < 0))
    # three equilibria between the folds, at every input (by the independent root finder)
    mid = 0.5 * (ref[0].v_in + ref[1].v_in)
    on_branch = np.sort(br.x[np.argsort(np.abs(br.mu - mid))[:3], 3])
    np.testing.assert_allclose(on_branch, [e.V for e in equilibria(P.replace(v_in=mid))], atol=0.2)


def test_window_with_three_separate_pieces_finds_them_all():
    # at R_m = 8 the folds are at V_in ≈ 2.92 and 5.45: inside [3, 5] the three sheets are
    # three separate pieces of the curve, each started from one end
    p = P.replace(r_m=8.0)
    d = equilibrium_diagram(p, "v_in", (3.0, 5.0))
    assert len(d.branches) == 3 and not d.folds
    for v in (3.0, 4.0, 5.0):
        ref = sorted(e.V for e in equilibria(p.replace(v_in=v)))
        got = sorted(float(np.interp(v, b.mu, b.x[:, 3])) for b in d.branches)
        np.testing.assert_allclose(got, ref, atol=1e-4)  # linear interpolation between points


@pytest.mark.parametrize(
    ("param", "window", "value"),
    [
        ("z_t", (0.0, 1.0), 0.1564058),
        ("r_m", (0.0, 10.0), 1.6918037),
        ("gamma", (0.01, 1.0), 0.5731300),
    ],
)
def test_hopf_points_along_other_parameters(param, window, value):
    p = P.replace(v_in=1.73)  # Fig. 5b's input
    (h,) = hopf_points(p, param, window)
    assert h.param == param and h.value == pytest.approx(value, abs=1e-6)
    assert h.criticality == "supercritical"
    # independent: the sign change of the leading real part across the point
    sides = []
    for s in (-1, 1):
        q = p.replace(**{param: h.value + s * 1e-3})
        sides.append(min(equilibria(q), key=lambda e: abs(e.V - h.V)).eigenvalues.real.max())
    assert sides[0] * sides[1] < 0


def test_dataset_holds_the_branch_and_special_points():
    d = equilibrium_diagram(P, "v_in", (0.0, 5.0))
    ds = d.to_dataset()
    assert ds.sizes["hopf"] == 2 and ds.sizes["fold"] == 2
    np.testing.assert_array_equal(ds.hopf_v_in.values, [h.value for h in d.hopf])
    np.testing.assert_array_equal(ds.V.values, d.branches[0].x[:, 3])
    assert list(ds.hopf_criticality.values) == ["supercritical"] * 2
    assert ds.attrs["param"] == "v_in" and "qmemristor_version" in ds.attrs


def test_bad_parameters_are_rejected():
    with pytest.raises(ParameterError, match="choose one of: v_in, r_m, gamma, alpha, z_t"):
        param_index("R_m")
    with pytest.raises(ParameterError, match="z_t must be in"):
        equilibrium_diagram(P, "z_t", (0.0, 1.5))
    with pytest.raises(ParameterError, match="lo < hi"):
        equilibrium_diagram(P, "v_in", (2.0, 2.0))
    with pytest.raises(ParameterError, match="must differ"):
        hopf_curves(P, ("r_m", "r_m"))


# --------------------------------------------------------------------------- two parameters
@pytest.mark.slow
def test_hopf_curve_in_the_vin_rm_plane():
    box = ((0.0, 8.0), (0.0, 10.0))
    (curve,) = hopf_curves(P, ("v_in", "r_m"), box)
    assert curve.ok and curve.ends == ("bound", "bound")
    assert np.all(curve.l1 < 0)  # supercritical along the whole boundary
    # every 10th point: the equilibrium there has a pair with Re λ = 0 (independent path)
    for i in range(0, len(curve.params), 10):
        v_in, r_m = curve.params[i]
        q = P.replace(v_in=float(v_in), r_m=float(r_m))
        eq = min(equilibria(q), key=lambda e: abs(e.V - curve.x[i, 3]))
        lam = np.linalg.eigvals(jacobian(eq.state, q))
        pair = lam[np.argmin(np.abs(lam - 1j * curve.omega[i]))]
        assert abs(pair.real) < 1e-8 and abs(pair.imag - curve.omega[i]) < 1e-8
    # it crosses R_m = 5 exactly at the two Hopf points along V_in
    v, r = curve.params[:, 0], curve.params[:, 1]
    j = np.flatnonzero((r[:-1] - 5.0) * (r[1:] - 5.0) <= 0)
    found = [v[k] + (5.0 - r[k]) * (v[k + 1] - v[k]) / (r[k + 1] - r[k]) for k in j]
    crossings = np.unique(np.round(found, 9))  # the start point (R_m = 5 exactly) ends 2 segments
    hs = hopf_points(P, "v_in", box[0])
    assert len(crossings) == len(hs) == 2
    # linear interpolation between curve points ≤ 0.3 apart: error ≲ κ h²/8 ~ 1e-2
    np.testing.assert_allclose(sorted(crossings), [h.value for h in hs], atol=2e-2)
    # below the lowest R_m of the curve no Hopf point exists along V_in; just above, two
    nose = curve.params[np.argmin(curve.params[:, 1])]
    assert not hopf_points(P.replace(r_m=float(nose[1]) - 0.05), "v_in", box[0])
    assert len(hopf_points(P.replace(r_m=float(nose[1]) + 0.05), "v_in", box[0])) == 2


@pytest.mark.slow
def test_fold_curve_passes_through_the_cusp():
    box = ((0.0, 8.0), (0.0, 10.0))
    (curve,) = fold_curves(P, ("v_in", "r_m"), box)
    (cp,) = curve.points("CP")
    ref = primary_cusp(P, +1)
    # cusp on the fold curve (Brent on ⟨w, B(v, v)⟩) vs φ' = φ'' = 0 (Brent, 1e-12): 1e-6
    assert cp.p[1] == pytest.approx(ref.r_m, abs=1e-6)
    assert cp.p[0] == pytest.approx(ref.v_in, abs=1e-6)
    # points of the curve are folds of the analytic §N3 construction at their R_m
    for i in range(0, len(curve.params), 15):
        v_in, r_m = curve.params[i]
        folds = fold_points(P.replace(r_m=float(r_m)))
        assert min(abs(f.v_in - v_in) for f in folds) < 1e-8
