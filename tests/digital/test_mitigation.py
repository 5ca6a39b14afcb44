"""Error mitigation: estimators against closed forms and Monte Carlo, readout correction and ZNE
on noise models with known errors, every strategy on a fake device and on local primitives."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.digital import paper_expectations, run_protocol, simulate_coupled
from qmemristor.digital.collision import get_layout
from qmemristor.digital.execute import estimate_resources
from qmemristor.digital.mitigation import (
    ReadoutCalibration,
    assignment_matrix,
    calibration_circuits,
    extrapolate,
    extrapolate_shared,
    extrapolation_weights,
    linear_estimates,
    measured_qubits,
    parity_functionals,
    runtime_estimator_options,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import exact_solution, time_grid
from qmemristor.options import Execution, Mitigation
from tests.helpers import FIG4, PAPER_STATE, coupled_system

# --- extrapolations against closed forms ----------------------------------------------------


def test_richardson_is_exact_on_polynomials_of_its_degree():
    """Lagrange weights at 0 reproduce any polynomial of degree S − 1 (to round-off: the
    weights are O(1), so ~1e-15); (1, 3, 5) gives the textbook (15/8, −5/4, 3/8)."""
    np.testing.assert_allclose(
        extrapolation_weights((1, 3, 5), "richardson"), [15 / 8, -5 / 4, 3 / 8], rtol=1e-14
    )
    lam = np.array([1.0, 1.5, 2.0, 3.0])
    coeffs = np.array([[0.3, -0.2, 0.05, -0.01], [-0.7, 0.1, 0.0, 0.002]])  # two columns
    y = np.stack([np.polyval(c[::-1], lam) for c in coeffs], axis=1)
    value, error, fallback = extrapolate(lam, y, np.full_like(y, 0.01), "richardson")
    np.testing.assert_allclose(value, coeffs[:, 0], rtol=0, atol=1e-13)
    c = extrapolation_weights(lam, "richardson")
    np.testing.assert_allclose(error, 0.01 * np.sqrt(np.sum(c**2)), rtol=1e-14)
    assert not fallback.any()


def test_linear_and_exponential_are_exact_on_their_models():
    lam = np.array([1.0, 2.0, 3.0])
    line = 0.4 - 0.07 * lam
    value, _, _ = extrapolate(lam, line[:, None], np.full((3, 1), 1e-3), "linear")
    assert value[0] == pytest.approx(0.4, abs=1e-14)
    decay = -0.6 * np.exp(-0.25 * lam)
    value, error, fallback = extrapolate(lam, decay[:, None], np.full((3, 1), 1e-3), "exponential")
    assert value[0] == pytest.approx(-0.6, rel=1e-13) and not fallback[0]
    # delta method: δA = |A| sqrt(Σ c_j² (δ_j/E_j)²) with the line's weights
    c = extrapolation_weights(lam, "linear")
    assert error[0] == pytest.approx(0.6 * np.sqrt(np.sum((c * 1e-3 / decay) ** 2)), rel=1e-12)
    # a sign change cannot be fitted in ln|E|: the line is used and flagged
    bad = np.array([[0.02], [-0.01], [0.03]])
    value, _, fallback = extrapolate(lam, bad, np.full((3, 1), 1e-3), "exponential")
    assert fallback[0] and value[0] == pytest.approx(np.sum(c * bad[:, 0]))


def test_unfolded_circuits_are_averaged_not_extrapolated():
    """A circuit with no step (t = 0) has realised scale 1 at every nominal scale."""
    lam = np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 5.0]])
    y = np.array([[0.5, 0.9], [0.52, 0.7], [0.48, 0.5]])
    value, error, _ = extrapolate(lam, y, np.full_like(y, 0.01), "richardson")
    assert value[0] == pytest.approx(0.5) and error[0] == pytest.approx(0.01 / np.sqrt(3))
    assert value[1] == pytest.approx(15 / 8 * 0.9 - 5 / 4 * 0.7 + 3 / 8 * 0.5)


def test_shared_exponential_recovers_a_common_decay_through_zero_crossings():
    """E_i(λ) = A_i e^{−κ s_i λ} with values of both signs and near zero: one κ fits all;
    exact data give A to round-off, noisy data a κ within its error."""
    rng = np.random.default_rng(1)
    steps = np.arange(20)
    amp = 0.8 * np.cos(0.5 * steps)  # crosses zero
    lam = np.array([1.0, 2.0, 3.0])
    amount = lam[:, None] * steps[None, :]
    y = amp[None, :, None] * np.exp(-0.03 * amount)[:, :, None]
    dy = np.full_like(y, 1e-3)
    value, _, kappa, fallback = extrapolate_shared(amount, y, dy)
    np.testing.assert_allclose(value[:, 0], amp, rtol=0, atol=1e-12)
    assert kappa[0] == pytest.approx(0.03, rel=1e-10) and not fallback.any()
    noisy = y + 0.01 * rng.standard_normal(y.shape)
    value, error, kappa, _ = extrapolate_shared(amount, noisy, np.full_like(y, 0.01))
    z = (value[:, 0] - amp) / error[:, 0]
    assert np.max(np.abs(z)) < 5 and abs(kappa[0] - 0.03) < 0.01


def test_propagated_extrapolation_error_matches_monte_carlo():
    """Σ c_j² δ_j² against the spread of 4000 extrapolations of Gaussian data: agree to the
    Monte Carlo's own ~2 % relative error on a standard deviation (√(1/(2·4000)) ≈ 1.1 %)."""
    rng = np.random.default_rng(7)
    lam = np.array([1.0, 3.0, 5.0])
    truth = 0.5 * np.exp(-0.1 * lam)
    dy = np.array([0.01, 0.015, 0.02])
    draws = truth[:, None] + dy[:, None] * rng.standard_normal((3, 4000))
    for method in ("richardson", "linear"):
        value, error, _ = extrapolate(lam, draws, np.broadcast_to(dy[:, None], draws.shape), method)
        assert value.std() == pytest.approx(error[0], rel=0.04)


# --- readout correction ---------------------------------------------------------------------


def test_assignment_matrix_and_calibration_circuits():
    m = assignment_matrix([0.02, 0.05], [0.1, 0.2])
    a0 = np.array([[0.98, 0.1], [0.02, 0.9]])
    a1 = np.array([[0.95, 0.2], [0.05, 0.8]])
    np.testing.assert_allclose(m, np.kron(a1, a0), rtol=0, atol=1e-15)  # bit 0 = qubit 0
    np.testing.assert_allclose(m.sum(axis=0), 1.0, rtol=0, atol=1e-15)  # columns: P(·|prep)
    zero, one = calibration_circuits([3, 1], 5)
    assert measured_qubits(zero) == measured_qubits(one) == (3, 1)
    assert one.count_ops()["x"] == 2 and "x" not in zero.count_ops()
    with pytest.raises(ParameterError, match="distinct and < 5"):
        calibration_circuits([1, 1], 5)


def test_linear_estimates_variance_matches_monte_carlo_with_calibration_noise():
    """Corrected ⟨Z⟩ of one qubit: the propagated error (shots of the circuit and of the
    calibration) against the spread over 3000 simulated experiments (±6 %: the Monte Carlo
    standard deviation's relative error is √(1/6000) ≈ 1.3 %, plus the first-order
    linearisation of the calibration's effect)."""
    rng = np.random.default_rng(3)
    e0, e1, shots, p_true = 0.05, 0.12, 2000, 0.3  # p_true = P(0)
    p_meas = (1 - e0) * p_true + e1 * (1 - p_true)
    values, errors = [], []
    for _ in range(3000):
        cal = ReadoutCalibration(
            (0,),
            np.array([rng.binomial(shots, e0) / shots]),
            np.array([rng.binomial(shots, e1) / shots]),
            shots,
        )
        n0 = rng.binomial(shots, p_meas)
        v, err = linear_estimates([[n0, shots - n0]], shots, parity_functionals(1), cal)
        values.append(v[0, 0])
        errors.append(err[0, 0])
    values = np.array(values)
    assert abs(values.mean() - (2 * p_true - 1)) < 4 * values.std() / np.sqrt(values.size)
    assert np.mean(errors) == pytest.approx(values.std(), rel=0.06)


@pytest.fixture(scope="module")
def readout_noise():
    from qiskit_aer.noise import NoiseModel, ReadoutError

    model = NoiseModel()
    model.add_all_qubit_readout_error(ReadoutError([[0.94, 0.06], [0.10, 0.90]]))
    return model


@pytest.mark.slow
def test_readout_correction_is_unbiased_on_a_known_readout_error(readout_noise):
    """Aer with only readout error (P(1|0) = 0.06, P(0|1) = 0.10): over 20 seeds the corrected
    ⟨σ⟩ agree with the closed form within 5 standard errors of their mean, and the errors are
    calibrated (z-scores of unit spread, ±25 % for 280 samples); the raw ⟨σ⟩ are off by
    many standard errors (so the test can fail)."""
    t = time_grid(1, 6)
    ex = exact_solution(FIG4, PAPER_STATE, t)
    z, z_raw = [], []
    for seed in range(20):
        execution = Execution(
            backend="aer",
            layout="reset",
            noise_model=readout_noise,
            shots=2000,
            seed=seed,
            mitigation=Mitigation(readout=True),
        )
        run = run_protocol(FIG4, PAPER_STATE, t, execution)
        got = paper_expectations(run)
        raw = paper_expectations(
            run_protocol(FIG4, PAPER_STATE, t, execution.replace(mitigation=Mitigation()))
        )
        for o in "xy":
            exact = getattr(ex, f"sigma_{o}")
            z.append((got[o][0] - exact) / got[o][1])
            z_raw.append((raw[o][0] - exact) / raw[o][1])
        cal = run.measurements.calibrations[0]
        assert abs(cal.e0[0] - 0.06) < 5 * np.sqrt(0.06 * 0.94 / 2000)
        assert abs(cal.e1[0] - 0.10) < 5 * np.sqrt(0.10 * 0.90 / 2000)
    z, z_raw = np.array(z), np.array(z_raw)  # (seeds × obs, n_t)
    assert np.max(np.abs(z.mean(axis=0) * np.sqrt(z.shape[0]))) < 5
    assert 0.75 < z.std() < 1.25
    assert np.max(np.abs(z_raw.mean(axis=0) * np.sqrt(z.shape[0]))) > 10


# --- zero-noise extrapolation ---------------------------------------------------------------


@pytest.mark.parametrize("extrapolation", ["richardson", "exponential-shared"])
def test_zne_recovers_the_exact_values_on_a_depolarising_model(extrapolation):
    """2 % two-qubit depolarising noise on every CNOT of the collisions (the only noisy gates,
    so all the noise is foldable): the extrapolated ⟨σx⟩, ⟨σy⟩ agree with the closed form
    within 5 propagated standard errors, while the raw ones miss by more than 10."""
    from qiskit_aer.noise import NoiseModel, depolarizing_error

    model = NoiseModel()
    model.add_all_qubit_quantum_error(depolarizing_error(0.02, 2), ["cx"])
    t = time_grid(1, 6)
    ex = exact_solution(FIG4, PAPER_STATE, t)
    execution = Execution(backend="aer", layout="reset", noise_model=model, shots=20000, seed=5)
    zne = Mitigation(zne=True, scale_factors=(1, 3, 5), extrapolation=extrapolation)
    got = paper_expectations(run_protocol(FIG4, PAPER_STATE, t, execution.replace(mitigation=zne)))
    raw = paper_expectations(run_protocol(FIG4, PAPER_STATE, t, execution))
    for o in "xy":
        exact = getattr(ex, f"sigma_{o}")
        assert np.max(np.abs((got[o][0] - exact) / got[o][1])) < 5, o
    z_raw = [(raw[o][0] - getattr(ex, f"sigma_{o}")) / raw[o][1] for o in "xy"]
    assert np.max(np.abs(z_raw)) > 10


def test_zne_on_the_sampled_backend_is_unbiased_and_spends_the_shots():
    """Noise-free sampled: folding changes nothing, so ZNE is an unbiased (noisier) estimate;
    scale 1 reuses the unmitigated draw; the accounting counts every circuit and shot."""
    t = time_grid(1, 8)
    ex = exact_solution(FIG4, PAPER_STATE, t)
    base = Execution(backend="sampled", shots=4000, seed=11)
    plain = run_protocol(FIG4, PAPER_STATE, t, base)
    zne = Mitigation(zne=True, scale_factors=(1, 3, 5))
    run = run_protocol(FIG4, PAPER_STATE, t, base.replace(mitigation=zne))
    np.testing.assert_array_equal(run.counts0, plain.counts0)
    got = paper_expectations(run)
    for o in "xy":
        assert np.max(np.abs((got[o][0] - getattr(ex, f"sigma_{o}")) / got[o][1])) < 5
    rec = run.info["mitigation"]
    assert rec["circuits"] == 3 * t.size * 2 and rec["shots"] == 3 * t.size * 2 * 4000


# --- every strategy on a fake device and on local primitives -------------------------------

STRATEGIES = ["readout", "zne", "dd", "twirl", "readout+zne+dd+twirl"]


def _twice(execution):
    t = time_grid(1, 4)[:4]  # 3 steps keep the noisy simulations to a few seconds
    a = run_protocol(FIG4, PAPER_STATE, t, execution)
    b = run_protocol(FIG4, PAPER_STATE, t, execution)
    return a, b


@pytest.mark.slow
@pytest.mark.parametrize("strategies", STRATEGIES)
def test_every_strategy_runs_on_a_fake_device_seeded_and_reproducibly(strategies):
    """Same seed, same numbers (same code on the same inputs: bit-identical); the result is
    within the noisy-device tolerance of the closed form (5σ + 0.1 for FakeManilaV2)."""
    m = Mitigation.parse(strategies, scale_factors=(1, 3), twirls=2)
    ex = Execution(backend="fake:manila", layout="reset", shots=1000, seed=9, mitigation=m)
    a, b = _twice(ex)
    np.testing.assert_array_equal(a.expectation, b.expectation)
    np.testing.assert_array_equal(a.expectation_err, b.expectation_err)
    exact = exact_solution(FIG4, PAPER_STATE, a.t)
    got = paper_expectations(a)
    for o in "xy":
        assert np.all(np.abs(got[o][0] - getattr(exact, f"sigma_{o}")) < 5 * got[o][1] + 0.1)
    rec = a.info["mitigation"]
    assert rec["strategies"] == str(m) and rec["total_shots"] >= 8 * 1000


@pytest.mark.slow
def test_every_strategy_runs_on_a_local_runtime_sampler():
    """All strategies at once through IBM Runtime's SamplerV2 in local testing mode (a fake
    device as ``mode``; circuits transpiled by a given pass manager); its own seed (shots) and
    the execution's (twirls) make runs reproducible."""
    from qiskit.transpiler import generate_preset_pass_manager
    from qiskit_ibm_runtime import SamplerV2
    from qiskit_ibm_runtime.fake_provider import FakeManilaV2

    device = FakeManilaV2()
    sampler = SamplerV2(mode=device, options={"simulator": {"seed_simulator": 21}})
    pm = generate_preset_pass_manager(optimization_level=1, backend=device, seed_transpiler=2)
    m = Mitigation.parse("readout+zne+dd+twirl", scale_factors=(1, 3), twirls=2)
    ex = Execution(
        backend=sampler, layout="reset", shots=2000, seed=5, pass_manager=pm, mitigation=m
    )
    a, b = _twice(ex)
    np.testing.assert_array_equal(a.expectation, b.expectation)
    assert a.backend == "sampler:SamplerV2"


@pytest.mark.parametrize("strategies", ["readout", "zne", "twirl"])
def test_strategies_on_aer_samplerv2_and_dd_needs_timing(strategies):
    """Aer's SamplerV2 (seeded) runs the strategies that need no timing; dd is refused with
    the reason before anything runs."""
    from qiskit_aer.primitives import SamplerV2

    m = Mitigation.parse(strategies, scale_factors=(1, 3), twirls=2)
    ex = Execution(backend=SamplerV2(seed=4), layout="reset", shots=1000, seed=4, mitigation=m)
    a, b = _twice(ex)
    np.testing.assert_array_equal(a.expectation, b.expectation)
    exact = exact_solution(FIG4, PAPER_STATE, a.t)
    got = paper_expectations(a)
    for o in "xy":  # noise-free: within 5σ of the closed form
        dev = np.abs(got[o][0] - getattr(exact, f"sigma_{o}"))
        assert np.all(dev <= 5 * got[o][1] + 1e-12)
    with pytest.raises(ParameterError, match="dd needs a backend that reports gate durations"):
        run_protocol(FIG4, PAPER_STATE, time_grid(1, 4), ex.replace(mitigation=Mitigation(dd=True)))


def test_coupled_protocol_with_mitigation_on_sampled():
    """Readout + ZNE on the coupled protocol's tomography (sampled: noise-free, so the
    mitigated ⟨σ⟩ stay within 5σ of the exact density run) and the dataset carries them."""
    t = time_grid(1, 6)
    system = coupled_system("yy", delta=0.3)
    exact = simulate_coupled(system, PAPER_STATE, PAPER_STATE, t)
    ex = Execution(
        backend="sampled", shots=4000, seed=2, mitigation=Mitigation.parse("readout+zne")
    )
    ds = simulate_coupled(system, PAPER_STATE, PAPER_STATE, t, ex, bootstrap=20)
    assert ds.attrs["mitigation"] == "readout+zne"
    for v in ("V", "sigma_x", "sigma_y"):
        if f"{v}_err" in ds:
            z = (ds[v] - exact[v]) / ds[f"{v}_err"]
            assert float(np.abs(z.isel(t=slice(1, None))).max()) < 5, v


# --- IBM Runtime estimator ------------------------------------------------------------------


def test_runtime_estimator_options_map_the_strategies():
    opts = runtime_estimator_options(
        Mitigation(
            readout=True, zne=True, dd=True, scale_factors=(1, 3, 5), extrapolation="richardson"
        )
    )
    assert opts["resilience_level"] == 0
    assert opts["resilience"]["measure_mitigation"] and opts["resilience"]["zne_mitigation"]
    assert opts["resilience"]["zne"] == {
        "noise_factors": (1.0, 3.0, 5.0),
        "extrapolator": "polynomial_degree_2",
    }
    assert opts["dynamical_decoupling"] == {"enable": True, "sequence_type": "XX"}
    default = runtime_estimator_options(Mitigation(zne=True))  # shared exponential → exponential
    assert default["resilience"]["zne"]["extrapolator"] == "exponential"
    extra = {"resilience": {"zne": {"extrapolator": "exponential"}}}
    merged = runtime_estimator_options(
        Mitigation(zne=True, scale_factors=(1, 3, 5), runtime_options=extra)
    )
    assert merged["resilience"]["zne"]["extrapolator"] == "exponential"
    assert merged["resilience"]["zne"]["noise_factors"] == (1.0, 3.0, 5.0)


@pytest.mark.slow
def test_runtime_estimator_in_local_mode_gets_the_resilience_options():
    """EstimatorV2 with a fake device as ``mode`` runs locally on Aer: the options reach the
    primitive (the local mode says it ignores them; that warning is kept in the record), and
    the expectations are within the noisy tolerance of the closed form."""
    from qiskit_ibm_runtime import EstimatorV2
    from qiskit_ibm_runtime.fake_provider import FakeManilaV2

    estimator = EstimatorV2(mode=FakeManilaV2())
    t = time_grid(1, 4)
    m = Mitigation(readout=True, zne=True, scale_factors=(1, 3, 5))
    run = run_protocol(
        FIG4,
        PAPER_STATE,
        t,
        Execution(backend=estimator, layout="reset", shots=2000, seed=3, mitigation=m),
    )
    assert estimator.options.resilience.zne_mitigation is True
    assert estimator.options.resilience.measure_mitigation is True
    assert run.info["mitigation"]["applied_by"].startswith("IBM Runtime")
    assert any("no effect in local testing mode" in w for w in run.info["runtime_warnings"])
    exact = exact_solution(FIG4, PAPER_STATE, t)
    got = paper_expectations(run)
    for o in "xy":
        assert np.all(np.abs(got[o][0] - getattr(exact, f"sigma_{o}")) < 5 * got[o][1] + 0.1)


def test_generic_estimator_gets_local_zne_and_refuses_readout():
    from qiskit_aer.primitives import EstimatorV2

    t = time_grid(1, 4)
    est = EstimatorV2(options={"run_options": {"seed": 1}})
    ex = Execution(backend=est, layout="reset", shots=4000, mitigation=Mitigation(zne=True))
    run = run_protocol(FIG4, PAPER_STATE, t, ex)
    exact = exact_solution(FIG4, PAPER_STATE, t)
    got = paper_expectations(run)
    for o in "xy":  # noise-free Aer: within 5σ
        assert np.all(np.abs(got[o][0] - getattr(exact, f"sigma_{o}")) <= 5 * got[o][1] + 1e-12)
    with pytest.raises(ParameterError, match="only zne can be applied"):
        run_protocol(FIG4, PAPER_STATE, t, ex.replace(mitigation=Mitigation(readout=True)))


# --- resource estimates ---------------------------------------------------------------------


def test_resource_estimate_counts_and_refuses_impossible_runs():
    ex = Execution(
        backend="fake:brisbane",
        layout="reset",
        shots=1000,
        mitigation=Mitigation(zne=True, scale_factors=(1, 3, 5)),
    )
    est = estimate_resources(ex, get_layout("reset"), 60, 2)
    assert (est.qubits, est.circuits, est.shots) == (2, 61 * 2 * 3, 61 * 2 * 3 * 1000)
    assert est.method == "density_matrix" and est.memory_bytes == 16 * 4**2
    paper = Execution(backend="fake:brisbane", layout="paper")
    with pytest.raises(ParameterError, match=r"paper layout needs .* use the reset layout"):
        estimate_resources(paper, get_layout("paper"), 30, 2)
    with pytest.raises(ParameterError, match=r"paper layout needs .* use the reset layout"):
        run_protocol(FIG4, PAPER_STATE, time_grid(1, 30), paper)
