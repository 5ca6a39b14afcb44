"""Backends of the digital memristor: exact, sampled, Aer, fake devices, BackendV2, SamplerV2."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from qmemristor.digital import (
    collision_kraus,
    fake_backend,
    initial_density,
    paper_expectations,
    run_protocol,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    ConstantDecay,
    MemristorParams,
    exact_solution,
    time_grid,
)
from qmemristor.options import Execution
from tests.helpers import FIG4, MIXED_STATE, PAPER_STATE, exact_p0


def z_scores(counts0, shots, p0):
    """(n0 − N p)/sqrt(N p (1 − p)) where the variance is nonzero (p ∈ (0, 1))."""
    var = shots * p0 * (1 - p0)
    ok = var > 1e-9
    assert np.all(counts0[~ok] == np.round(shots * p0[~ok]))  # certain outcomes stay certain
    return (counts0[ok] - shots * p0[ok]) / np.sqrt(var[ok])


def chi2_pvalue(z):
    """p-value of Σ z² against χ² with len(z) degrees of freedom (binomial → normal, N=5000)."""
    return stats.chi2.sf(np.sum(z**2), z.size)


# --- density: exact ------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["paper", "reset"])
@pytest.mark.parametrize("state", [PAPER_STATE, MIXED_STATE], ids=["pure", "mixed"])
def test_density_equals_the_exact_solution(layout, state):
    """5 periods × 30 points (150 collisions): the circuits' Kraus operators composed step by
    step reproduce the closed form to ≲ 150 × 1e-16 per component; measured ~1e-15."""
    t = time_grid(5, 30)
    run = run_protocol(
        FIG4, state, t, Execution(backend="density", layout=layout), observables="xyz"
    )
    ex = exact_solution(FIG4, state, t)
    got = paper_expectations(run)
    for o in "xyz":
        np.testing.assert_allclose(got[o][0], getattr(ex, f"sigma_{o}"), rtol=0, atol=1e-12)
        assert np.all(got[o][1] == 0)
    assert run.shots is None and run.counts0 is None and run.layout == layout


def test_density_on_a_long_nonuniform_grid_with_constant_decay():
    """600 collisions on a random grid: the error stays at round-off (linear accumulation)."""
    params = MemristorParams(gamma0=0.1, decay=ConstantDecay(0.1))
    dt = np.random.default_rng(7).uniform(0.01, 0.4, 600)
    t = np.concatenate([[0.0], np.cumsum(dt)])
    run = run_protocol(params, PAPER_STATE, t, Execution(backend="density"))
    np.testing.assert_allclose(run.p0, exact_p0(params, PAPER_STATE, t), rtol=0, atol=1e-12)


def test_density_uses_the_circuit_operators():
    """The vectorised Kraus operators are the Qiskit Operator of the step circuit at each angle
    (checked directly at random angles), and ρ(0) is the preparation circuit's state."""
    from qiskit.quantum_info import Operator

    from qmemristor.conventions import to_qiskit_basis
    from qmemristor.digital import collision_step

    phis = np.random.default_rng(1).uniform(0, math.pi, 5)
    for phi, k in zip(phis, collision_kraus(phis), strict=True):
        u = Operator(collision_step(phi)).data.reshape(2, 2, 2, 2)
        np.testing.assert_allclose(k, u[:, :, 0, :], atol=1e-15)
    for s in (PAPER_STATE, MIXED_STATE):
        np.testing.assert_allclose(initial_density(s), to_qiskit_basis(s.density), atol=1e-15)


# --- sampled ------------------------------------------------------------------------------------


def test_sampled_is_bit_identical_for_a_seed_and_differs_across_seeds():
    t = time_grid(2, 30)
    a = run_protocol(FIG4, PAPER_STATE, t, Execution(backend="sampled", seed=11))
    b = run_protocol(FIG4, PAPER_STATE, t, Execution(backend="sampled", seed=11))
    c = run_protocol(FIG4, PAPER_STATE, t, Execution(backend="sampled", seed=12))
    assert np.array_equal(a.counts0, b.counts0) and not np.array_equal(a.counts0, c.counts0)
    assert a.counts0.dtype == np.int64 and a.counts0.shape == (61, 2) and a.shots == 5000


@pytest.mark.parametrize("layout", ["paper", "reset"])
def test_sampled_agrees_with_exact_within_5_sigma(layout):
    """Binomial counts: every point within 5σ (P(|z| > 5) ≈ 6e-7 per point, seeded) and the
    whole run consistent with χ² (p > 1e-4)."""
    t = time_grid(3, 30)
    run = run_protocol(FIG4, PAPER_STATE, t, Execution(backend="sampled", layout=layout, seed=2022))
    z = z_scores(run.counts0, 5000, exact_p0(FIG4, PAPER_STATE, t))
    assert np.max(np.abs(z)) < 5 and chi2_pvalue(z) > 1e-4
    np.testing.assert_allclose(run.p0, exact_p0(FIG4, PAPER_STATE, t), atol=1e-12)


# --- aer ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "periods", "ppp"), [("paper", 1, 10), ("reset", 2, 15)], ids=["paper", "reset"]
)
def test_aer_runs_the_circuits_and_agrees_with_exact_and_with_sampled(layout, periods, ppp):
    """The real circuits on qiskit-aer (paper layout ≤ 11 qubits to stay fast): every point
    within 5σ of the exact probability, and Aer's and the sampled backend's counts from the
    same distribution (two-sample χ² on the 2×2 tables of all circuits, p > 1e-4)."""
    t = time_grid(periods, ppp)
    aer = run_protocol(FIG4, PAPER_STATE, t, Execution(backend="aer", layout=layout, seed=5))
    smp = run_protocol(FIG4, PAPER_STATE, t, Execution(backend="sampled", layout=layout, seed=6))
    p0 = exact_p0(FIG4, PAPER_STATE, t)
    z = z_scores(aer.counts0, 5000, p0)
    assert np.max(np.abs(z)) < 5 and chi2_pvalue(z) > 1e-4
    # homogeneity: (n_a − n_s)/sqrt(2 N p̂(1 − p̂)) with the pooled p̂ is ~N(0, 1) per circuit
    pooled = (aer.counts0 + smp.counts0) / 10000
    ok = (pooled > 0) & (pooled < 1)
    zz = (aer.counts0 - smp.counts0)[ok] / np.sqrt(2 * 5000 * pooled[ok] * (1 - pooled[ok]))
    assert chi2_pvalue(zz) > 1e-4 and np.max(np.abs(zz)) < 5
    assert aer.info["method"] == ("automatic" if layout == "paper" else "density_matrix")
    assert aer.info["max_qubits"] == (periods * ppp + 1 if layout == "paper" else 2)


def test_aer_mixed_state_uses_the_purifier():
    t = time_grid(1, 6)
    run = run_protocol(FIG4, MIXED_STATE, t, Execution(backend="aer", layout="reset", seed=9))
    z = z_scores(run.counts0, 5000, exact_p0(FIG4, MIXED_STATE, t))
    assert np.max(np.abs(z)) < 5 and run.info["max_qubits"] == 3


def test_aer_paper_layout_refuses_a_statevector_that_cannot_fit(monkeypatch):
    from qmemristor.digital import execute

    monkeypatch.setattr(execute, "_memory_bytes", lambda: 2**19)  # a 512 KiB machine
    with pytest.raises(ParameterError, match=r"16-qubit statevector of 1 MiB .* has 512 KiB"):
        run_protocol(FIG4, PAPER_STATE, time_grid(1, 15), Execution(backend="aer", layout="paper"))


# --- fake devices, BackendV2 and SamplerV2 --------------------------------------------------------


def noisy_tolerance(p0):
    """A noisy device is not exact: allow 5σ of shot noise plus 0.08 in probability for
    FakeManilaV2's errors (readout ≈ 2–4 %, CX ≈ 1 % per gate, ≤ 12 CX + decoherence here)."""
    return 5 * np.sqrt(p0 * (1 - p0) / 5000) + 0.08


@pytest.mark.slow
def test_fake_device_by_name_runs_transpiled_noisy_circuits():
    t = time_grid(1, 6)
    run = run_protocol(
        FIG4, PAPER_STATE, t, Execution(backend="fake:manila", layout="reset", seed=3)
    )
    p0 = exact_p0(FIG4, PAPER_STATE, t)
    dev = np.abs(run.counts0 / 5000 - p0)
    assert np.all(dev < noisy_tolerance(p0))
    assert run.backend == "fake:fake_manila" and run.info["device"] == "fake_manila"
    # noise is there: the counts are not binomial around the exact probabilities
    assert chi2_pvalue(z_scores(run.counts0, 5000, p0)) < 1e-6


def test_fake_device_names():
    assert fake_backend("FakeManilaV2").name == fake_backend("manila").name == "fake_manila"
    with pytest.raises(
        ParameterError, match=r"unknown fake device 'atlantis'; e\.g\. FakeBrisbane"
    ):
        fake_backend("atlantis")


@pytest.mark.slow
def test_any_backendv2_and_any_samplerv2():
    """A BackendV2 object (transpiled + BackendSamplerV2) and Aer's SamplerV2 (pubs directly)."""
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import SamplerV2
    from qiskit_ibm_runtime.fake_provider import FakeManilaV2

    t = time_grid(1, 5)
    p0 = exact_p0(FIG4, PAPER_STATE, t)
    sampler = SamplerV2(seed=4)
    run = run_protocol(FIG4, PAPER_STATE, t, Execution(backend=sampler, layout="paper", seed=4))
    assert run.backend == "sampler:SamplerV2"
    assert np.max(np.abs(z_scores(run.counts0, 5000, p0))) < 5
    ideal = run_protocol(
        FIG4, PAPER_STATE, t, Execution(backend=AerSimulator(), layout="reset", seed=4)
    )
    assert ideal.backend == "backend:aer_simulator"
    assert np.max(np.abs(z_scores(ideal.counts0, 5000, p0))) < 5
    noisy = run_protocol(
        FIG4, PAPER_STATE, t, Execution(backend=FakeManilaV2(), layout="reset", seed=4)
    )
    assert np.all(np.abs(noisy.counts0 / 5000 - p0) < noisy_tolerance(p0))


def test_backend_without_reset_is_refused_for_the_reset_layout():
    from qiskit.providers.fake_provider import GenericBackendV2
    from qiskit.transpiler import Target

    class NoReset(GenericBackendV2):
        @property
        def target(self):
            return Target.from_configuration(["cx", "rz", "sx", "x", "measure"], num_qubits=2)

    backend = NoReset(num_qubits=2, seed=1)
    with pytest.raises(ParameterError, match="does not support mid-circuit reset"):
        run_protocol(FIG4, PAPER_STATE, time_grid(1, 4), Execution(backend=backend, layout="reset"))


def test_circuits_wider_than_the_backend_are_refused_with_a_remedy():
    from qiskit.providers.fake_provider import GenericBackendV2

    # the paper layout measures t_8 with 9 qubits: more than the device's 3
    backend = GenericBackendV2(num_qubits=3, seed=1)
    with pytest.raises(ParameterError, match=r"needs 9 qubits .* has 3; use the reset"):
        run_protocol(FIG4, PAPER_STATE, time_grid(1, 8), Execution(backend=backend, layout="paper"))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"backend": "qpu"}, "unknown backend 'qpu'; choose one of: density, sampled, aer"),
        ({"backend": "fake:"}, "unknown backend"),
        ({"backend": 3}, "backend must be"),
        ({"layout": "ring"}, "unknown layout 'ring'; choose one of: paper, reset, shared"),
        ({"shots": 0}, "shots must be a positive integer"),
        ({"shots": -5}, "shots must be a positive integer"),
        ({"shots": 2.5}, "shots must be a positive integer"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"observables": ("x", "x")}, "observables must be"),
        ({"backend": "fake:atlantis"}, "unknown fake device"),
    ],
)
def test_bad_input_raises_parameter_error(kwargs, fragment):
    observables = kwargs.pop("observables", ("x", "y"))
    with pytest.raises(ParameterError, match=fragment):
        run_protocol(
            FIG4, PAPER_STATE, time_grid(1, 4), Execution(**kwargs), observables=observables
        )
