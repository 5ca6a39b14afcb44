"""Two coupled neurons: the model against the single neuron, the exchange symmetry, the
Floquet multipliers of the in-phase cycle against a variational integration (SciPy), and
the width of the 1:1 locking region against the weak-coupling (Adler) prediction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from qmemristor.errors import ParameterError
from qmemristor.neuron import NeuronParams
from qmemristor.neuron.coupled import (
    V_1,
    CoupledParams,
    coupled_model,
    in_phase_state,
)
from qmemristor.neuron.model import ode_model

BASE = NeuronParams(v_in=1.73)  # the Fig. 4 neuron (R_m = 5, Γ = 0.1) at its largest span


@pytest.fixture(scope="module")
def single_cycle():
    from qmemristor.neuron.coupled_orbits import single_orbit

    return single_orbit(BASE)


def _dop853(f, y0, t, jac=None):
    sol = solve_ivp(f, (t[0], t[-1]), y0, method="DOP853", t_eval=t, rtol=1e-11, atol=1e-13)
    assert sol.status == 0
    return sol.y.T


def test_params_validated():
    with pytest.raises(ParameterError, match="g_c must be ≥ 0"):
        CoupledParams(BASE, BASE, -0.1)
    with pytest.raises(ParameterError, match="same device lengths"):
        CoupledParams(BASE, BASE.replace(l=0.4), 1.0)
    p = CoupledParams.detuned(BASE, 0.5, delta_omega=0.02, delta_v_in=0.1)
    assert p.second.omega == BASE.omega + 0.02 and p.second.v_in == BASE.v_in + 0.1
    assert CoupledParams.from_pvec(p.pvec) == p
    with pytest.raises(ParameterError):  # the model validates through the dataclass
        coupled_model().params(alpha_2=3.0)


def test_jacobians_match_finite_differences():
    m = coupled_model()
    p = CoupledParams.detuned(BASE, 0.7, delta_omega=0.1, delta_v_in=0.3)
    rng = np.random.default_rng(3)
    y = np.concatenate([rng.uniform(-0.4, 0.4, 3), [1.1], rng.uniform(-0.4, 0.4, 3), [1.3]])
    # fourth-order central differences with steps ~1e-4: truncation ~h^4 f^(5) ~ 1e-10, round-
    # off ~ε/h ~ 1e-12; the analytic forms must agree to well below 1e-7.
    jfd = m._fd(y[None], p.pvec[None], 0.0, wrt_state=True)[0]
    jpfd = m._fd(y[None], p.pvec[None], 0.0, wrt_state=False)[0]
    np.testing.assert_allclose(m.jacobian(y, p.pvec), jfd, atol=1e-7)
    np.testing.assert_allclose(m.jacobian_p(y, p.pvec), jpfd, atol=1e-7)


def test_zero_coupling_is_two_independent_neurons():
    """g_c = 0: each half of the coupled pair is the single neuron with its own parameters."""
    p = CoupledParams.detuned(BASE, 0.0, delta_omega=0.3, delta_v_in=-0.5)
    single = ode_model()
    coupled = coupled_model()
    rng = np.random.default_rng(7)
    y = np.concatenate([[0.1, -0.05, 0.98, 1.0], [-0.08, 0.1, 0.97, 0.8]])
    # the field, at random states: the same arithmetic compiled in two functions; a few ulps
    # (fused multiply-adds may differ between the two compilations)
    for _ in range(5):
        y = y + rng.normal(0, 0.05, 8)
        f = coupled.rhs(0.0, y, p.pvec)
        np.testing.assert_allclose(f[:4], single.rhs(0.0, y[:4], p.first.pvec), rtol=1e-14,
                                   atol=1e-15)  # fmt: skip
        np.testing.assert_allclose(f[4:], single.rhs(0.0, y[4:], p.second.pvec), rtol=1e-14,
                                   atol=1e-15)  # fmt: skip
    # trajectories: three separate DOP853 runs (rtol 1e-11) whose step sequences differ (the
    # error norm sees 8 or 4 components); each is accurate to ~1e-9 over t = 30, so 1e-8
    t = np.linspace(0.0, 30.0, 301)
    y0 = np.array([0.1, 0.0, 0.99, 1.2, 0.0, 0.1, 0.99, 0.9])
    pair = _dop853(coupled.scipy_functions(p.pvec)[0], y0, t)
    one = _dop853(single.scipy_functions(p.first.pvec)[0], y0[:4], t)
    two = _dop853(single.scipy_functions(p.second.pvec)[0], y0[4:], t)
    np.testing.assert_allclose(pair[:, :4], one, atol=1e-8)
    np.testing.assert_allclose(pair[:, 4:], two, atol=1e-8)


def test_in_phase_set_is_invariant():
    """Identical neurons started in phase stay in phase (the coupling current is zero on
    y_1 = y_2 and both halves are computed by the same arithmetic)."""
    from qmemristor.solvers.batched import IntegratorOptions, Schedule, integrate_batch

    p = CoupledParams(BASE, BASE, 1.5)
    m = coupled_model()
    y0 = in_phase_state([0.2, -0.1, 0.95, 1.1])
    y = _dop853(m.scipy_functions(p.pvec)[0], y0, np.linspace(0.0, 50.0, 501))
    # round-off: the two halves see identical operations, so any difference stays at the
    # ulp level of O(1) numbers (1e-13 leaves room for it to be amplified a little)
    assert np.max(np.abs(y[:, :4] - y[:, 4:])) <= 1e-13
    assert np.ptp(y[250:, 3]) > 0.01  # it does oscillate: the test is not of a rest state
    sol = integrate_batch(m, p.pvec[None], y0[None], Schedule.fixed(1, 50.0, 40.0, 1e-8),
                          IntegratorOptions(n_samples=1), observable=V_1)  # fmt: skip
    fs = sol.final_state[0]
    assert np.max(np.abs(fs[:4] - fs[4:])) <= 1e-13


def _variational_multipliers(p: CoupledParams, x0: np.ndarray, period: float) -> np.ndarray:
    """Eigenvalues of the monodromy matrix from dΦ/dt = J(y) Φ integrated over one period."""
    m = coupled_model()
    f, jac = m.scipy_functions(p.pvec)

    def rhs(t, z):
        y, phi = z[:8], z[8:].reshape(8, 8)
        return np.concatenate([f(t, y), (jac(t, y) @ phi).ravel()])

    z0 = np.concatenate([x0, np.eye(8).ravel()])
    sol = solve_ivp(rhs, (0.0, period), z0, method="DOP853", rtol=1e-12, atol=1e-14)
    return np.linalg.eigvals(sol.y[8:, -1].reshape(8, 8))


def test_in_phase_multipliers_against_variational_integration(single_cycle):
    from qmemristor.neuron.coupled_orbits import in_phase_orbit, relative_phase_multiplier

    p = CoupledParams(BASE, BASE, 1.0)
    orbit = in_phase_orbit(p, single_cycle)
    mu = orbit.multipliers
    # collocation 40 × degree 4 on a nearly harmonic cycle: the cycle is exact to ~1e-11, the
    # trivial multiplier (a check of the discretisation) to 1e-8 as for the single neuron
    assert abs(mu[0] - 1.0) < 1e-8
    ref = _variational_multipliers(p, orbit(0.0)[0], orbit.period)
    # match each collocation multiplier to the nearest variational one; both are accurate to
    # ~1e-9 (collocation error, DOP853 at rtol 1e-12): 1e-6 is a safe margin
    for z in mu:
        assert np.min(np.abs(ref - z)) < 1e-6
    # the exchange symmetry splits them: the single cycle's four and four antisymmetric
    # ones; the relative-phase multiplier is real, in (0, 1): the in-phase cycle is stable
    for z in single_cycle.multipliers:
        assert np.min(np.abs(mu - z)) < 1e-8
    rel = relative_phase_multiplier(orbit, single_cycle)
    assert abs(rel - mu[1].real) < 1e-12 and 0.9 < rel < 1.0  # the largest one at g_c = 1
    assert orbit.stable


def test_zero_coupling_in_phase_cycle_has_two_unit_multipliers(single_cycle):
    """g_c = 0: the relative phase is neutral — a second multiplier 1 (to 1e-8 as above)."""
    from qmemristor.neuron.coupled_orbits import in_phase_orbit

    mu = in_phase_orbit(CoupledParams(BASE, BASE, 0.0), single_cycle).multipliers
    assert np.sum(np.abs(mu - 1.0) < 1e-8) == 2


def test_locking_width_against_adler_prediction(single_cycle):
    """Weak coupling: the relative phase ψ obeys Adler's equation ψ' = Δν − K sin ψ, whose
    1:1 locking region is |Δν| ≤ K, and K is also the decay rate of ψ at Δν = 0, i.e.
    K = −ln(μ_rel)/T with μ_rel the relative-phase multiplier of the in-phase cycle.
    Integration (the sweep engine) must find the pair locked at Δν = 0.8 K and slipping at
    1.5 K.  Margins: the non-sinusoidal part of the coupling function and O(g_c) amplitude
    effects shift the edge; measured by continuation, the fold of cycles lies at 1.06 K for
    g_c = 1 (docs/theory.md), well inside [0.8 K, 1.5 K]."""
    from qmemristor.neuron.coupled_orbits import in_phase_orbit, relative_phase_multiplier
    from qmemristor.sweeps.locking import locking_model

    g_c = 1.0
    orbit = in_phase_orbit(CoupledParams(BASE, BASE, g_c), single_cycle)
    k_adler = -math.log(relative_phase_multiplier(orbit, single_cycle)) / orbit.period
    assert 0.005 < k_adler < 0.05
    model = locking_model()
    names = model.parameters
    base = dict(model.defaults) | {"g_c": g_c}
    pts = [base | {"omega_2": BASE.omega + f * k_adler} for f in (0.8, 1.5)]
    params = {n: np.array([pt[n] for pt in pts]) for n in names}
    out = model.evaluate(params, {"transient": 600.0, "window": 150.0})
    assert list(out["status"]) == [0, 0]
    assert out["state"][0] in (0, 2)  # locked: in phase or at another phase
    assert abs(out["ratio"][0] - 1.0) < 1e-5
    assert out["phase"][0] > 0  # the faster neuron 2 leads
    assert out["state"][1] == 3  # unlocked: phase slips
    assert out["ratio"][1] > 1.0


def test_tongue_edges_by_continuation_against_adler(single_cycle):
    """The folds of cycles (LPC) on the branch of locked cycles continued in Ω_2 are the
    edges of the 1:1 tongue; at weak coupling they approach ±K of Adler's equation (K from
    the relative-phase multiplier, as above).  The corrections are O(g_c) relative (measured:
    0.9 % at g_c = 0.25, 2 % at 0.5, 6 % at 1): 3 % at g_c = 0.25."""
    from dataclasses import replace

    from qmemristor.neuron.coupled_orbits import (
        COUPLED_CONTINUATION,
        in_phase_branch,
        in_phase_orbit,
        relative_phase_multiplier,
    )
    from qmemristor.results.coupled_neurons import lpc_values

    p = CoupledParams(BASE, BASE, 0.25)
    orbit = in_phase_orbit(p, single_cycle)
    k_adler = -math.log(relative_phase_multiplier(orbit, single_cycle)) / orbit.period
    fam = in_phase_branch(
        p, "omega_2", (6.9, 7.1), single=single_cycle,
        options=replace(COUPLED_CONTINUATION, max_steps=60),
    )  # fmt: skip
    edges = np.array(lpc_values(fam)) - BASE.omega
    assert edges.size == 2
    np.testing.assert_allclose(np.abs(edges), k_adler, rtol=0.03)
    # between the edges, the branch through the in-phase cycle is stable
    inside = np.abs(fam.mu - BASE.omega) < 0.5 * k_adler
    assert np.any(fam.stable[inside])
