"""The coupled protocol on circuits: exact propagation, layouts, backends, tomography."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.quantum_info import DensityMatrix
from qiskit.quantum_info import partial_trace as qiskit_partial_trace
from scipy import stats
from scipy.linalg import expm

from qmemristor.analysis import concurrence
from qmemristor.conventions import SIGMA_X, SIGMA_Y, SIGMA_Z, two_qubit_to_paper
from qmemristor.digital import (
    SETTINGS,
    build_coupled_protocol,
    coupled_protocol_circuit,
    density_from_paulis,
    physical_density,
    run_coupled_protocol,
    simulate_coupled,
    two_qubit_paulis,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    amplitude_damping_kraus,
    exact_solution,
    interaction_generator,
    kappa,
    partial_trace,
    time_grid,
)
from qmemristor.options import Execution
from tests.helpers import MIXED_STATE, PLUS, TILTED, coupled_system

PAULI = {"i": np.eye(2), "x": SIGMA_X, "y": SIGMA_Y, "z": SIGMA_Z}


def trotter_reference(sysm, s1, s2, t):
    """The protocol written out in NumPy, paper basis, no Qiskit: amplitude-damping Kraus
    operators of each memristor, then expm(−iδG) (conjugated by the free evolution in the lab
    frame); Schrödinger picture at the end.  Shares only the closed-form κ with the package."""
    eye = np.eye(2)
    a = expm(-1j * sysm.coupling.delta * interaction_generator(sysm.coupling.name))
    kraus = [amplitude_damping_kraus(kappa(m.protocol, t[1:], t[:-1])) for m in sysm.memristors]

    def u0(time):
        return np.kron(np.diag([np.exp(-1j * time), 1]), np.diag([np.exp(-1j * time), 1]))

    rho = np.kron(s1.density, s2.density)
    out = [rho]
    for i in range(t.size - 1):
        rho = sum(np.kron(k, eye) @ rho @ np.kron(k, eye).conj().T for k in kraus[0][i])
        rho = sum(np.kron(eye, k) @ rho @ np.kron(eye, k).conj().T for k in kraus[1][i])
        step = a if sysm.frame == "interaction" else u0(t[i + 1]).conj().T @ a @ u0(t[i + 1])
        rho = step @ rho @ step.conj().T
        out.append(rho)
    return np.array([u0(ti) @ r @ u0(ti).conj().T for ti, r in zip(t, out, strict=True)])


@pytest.mark.parametrize("frame", ["interaction", "lab"])
@pytest.mark.parametrize("name", ["xx", "cry", "crz", "pswap"])
def test_density_backend_equals_a_numpy_trotter_map(name, frame):
    """Two implementations of the same splitting (circuit operators in Qiskit's basis vs
    NumPy Kraus maps in the paper's) agree to round-off: 60 steps × ~1e-16 per step."""
    t = time_grid(2, 30)
    sysm = coupled_system(name, frame=frame)
    run = run_coupled_protocol(sysm, TILTED, MIXED_STATE, t, Execution(backend="density"))
    np.testing.assert_allclose(run.rho, trotter_reference(sysm, TILTED, MIXED_STATE, t), atol=1e-12)
    assert run.shots is None and run.counts is None and run.probabilities.shape == (61, 9, 4)


@pytest.mark.parametrize("frame", ["interaction", "lab"])
@pytest.mark.parametrize(("name", "s2"), [("cry", MIXED_STATE), ("xy", PLUS), ("zz", TILTED)])
def test_the_three_layouts_give_the_same_two_qubit_states(name, s2, frame):
    """The actual circuits of every layout (unmeasured, simulated as density matrices by
    qiskit.quantum_info, ancillas and purifier traced out) against the density backend:
    round-off only (1e-12)."""
    t = time_grid(1, 12)[:4]
    sysm = coupled_system(name, delta=0.5, frame=frame)
    exact = run_coupled_protocol(sysm, TILTED, s2, t, Execution(backend="density")).rho
    proto = build_coupled_protocol(sysm, TILTED, s2, t)
    for index in (1, 3):
        states = {}
        for layout in ("paper", "reset", "shared"):
            qc = coupled_protocol_circuit(proto, index, "zz", layout, measure=False)
            # setting zz: the readout is the free-evolution phase alone (Schrödinger picture)
            red = qiskit_partial_trace(DensityMatrix(qc), list(range(2, qc.num_qubits))).data
            states[layout] = two_qubit_to_paper(red)
        np.testing.assert_allclose(states["paper"], states["reset"], atol=1e-12)
        np.testing.assert_allclose(states["shared"], states["reset"], atol=1e-12)
        np.testing.assert_allclose(states["reset"], exact[index], atol=1e-12)


def test_layout_qubit_counts():
    t = time_grid(1, 10)
    proto = build_coupled_protocol(coupled_system(), PLUS, MIXED_STATE, t)
    for i in (0, 1, 5):
        paper = coupled_protocol_circuit(proto, i, "xy", "paper")
        reset = coupled_protocol_circuit(proto, i, "xy", "reset")
        assert paper.num_qubits == 2 * i + 2 + 1  # + the purifier of the mixed state
        assert reset.num_qubits == (4 if i else 2) + 1
        assert reset.count_ops().get("reset", 0) == 2 * max(i - 1, 0)
        assert paper.num_clbits == 2


def test_without_coupling_each_memristor_follows_its_exact_solution():
    """δ = 0: a product of the two single-memristor solutions (closed form), no entanglement."""
    t = time_grid(3, 30)
    sysm = coupled_system("yy", delta=0.0)
    run = run_coupled_protocol(sysm, TILTED, MIXED_STATE, t, Execution(backend="density"))
    for k, (m, s) in enumerate(zip(sysm.memristors, (TILTED, MIXED_STATE), strict=True), start=1):
        red = partial_trace(run.rho, k)
        ex = exact_solution(m, s, t)
        np.testing.assert_allclose(
            np.einsum("ij,nji->n", SIGMA_Y, red).real, ex.sigma_y, atol=1e-12
        )
        np.testing.assert_allclose(
            np.einsum("ij,nji->n", SIGMA_X, red).real, ex.sigma_x, atol=1e-12
        )
    assert np.all(concurrence(run.rho) <= 1e-12)


@pytest.mark.parametrize("name", ["xx", "yy", "zz"])
def test_symmetric_coupling_of_identical_memristors_gives_identical_curves(name):
    """Identical memristors in identical states under a SWAP-symmetric gate stay exchange
    symmetric, so their reduced states — and I–V curves — coincide to round-off."""
    t = time_grid(4, 30)
    ds = simulate_coupled(coupled_system(name, 0.02, 0.02, 0.02), PLUS, PLUS, t)
    for var in ("V", "I", "form_factor", "pinch_offset"):
        a, b = ds[var].sel(memristor=1).values, ds[var].sel(memristor=2).values
        np.testing.assert_allclose(a, b, atol=1e-12 * np.max(np.abs(a)))


def test_controlled_rotation_makes_the_memristors_differ():
    t = time_grid(4, 30)
    ds = simulate_coupled(coupled_system("cry", 0.02, 0.02, 0.02), PLUS, PLUS, t)
    i1, i2 = ds.I.sel(memristor=1).values, ds.I.sel(memristor=2).values
    assert np.max(np.abs(i1 - i2)) > 0.1 * np.max(np.abs(i1))


def test_partial_swap_changes_nothing_for_identical_memristors_but_xy_does():
    t = time_grid(4, 30)
    free = simulate_coupled(coupled_system("pswap", 0.0, 0.02, 0.02), PLUS, PLUS, t)
    pswap = simulate_coupled(coupled_system("pswap", 0.3, 0.02, 0.02), PLUS, PLUS, t)
    xy = simulate_coupled(coupled_system("xy", 0.3, 0.02, 0.02), PLUS, PLUS, t)
    np.testing.assert_allclose(pswap.rho_real, free.rho_real, atol=1e-12)
    np.testing.assert_allclose(pswap.rho_imag, free.rho_imag, atol=1e-12)
    assert np.max(np.abs(xy.V - free.V)) > 0.1 * np.max(np.abs(free.V))
    assert float(xy.concurrence.max()) > 0.1 and float(pswap.concurrence.max()) < 1e-12


# --- tomography -------------------------------------------------------------------------------


def exact_paulis(rho):
    return np.array(
        [
            [np.einsum("ij,nji->n", np.kron(PAULI[a], PAULI[b]), rho).real for b in "ixyz"]
            for a in "ixyz"
        ]
    ).transpose(2, 0, 1)


def test_tomography_of_exact_probabilities_recovers_the_states():
    """Linear in the probabilities: counts = N·p (no noise) give T_ij = Tr(ρ σi⊗σj) and the
    state itself to round-off; the projection leaves a physical state unchanged."""
    t = time_grid(2, 30)
    run = run_coupled_protocol(
        coupled_system("cry", frame="lab"), TILTED, MIXED_STATE, t, Execution(backend="density")
    )
    n = 1_000_000
    tt, err = two_qubit_paulis(run.probabilities * n, n, SETTINGS)
    np.testing.assert_allclose(tt, exact_paulis(run.rho), atol=1e-12)
    np.testing.assert_allclose(density_from_paulis(tt), run.rho, atol=1e-12)
    np.testing.assert_allclose(physical_density(run.rho), run.rho, atol=1e-12)
    assert np.all(err[:, 0, 0] == 0) and np.all(err[:, 1:, 1:] > 0)


def test_physical_density_is_the_closest_state():
    rng = np.random.default_rng(3)
    h = rng.normal(size=(50, 4, 4)) + 1j * rng.normal(size=(50, 4, 4))
    h = 0.1 * (h + h.conj().transpose(0, 2, 1)) + np.eye(4) / 4
    h = h - (np.trace(h, axis1=1, axis2=2).real - 1)[:, None, None] * np.eye(4) / 4  # trace 1
    rho = physical_density(h)
    w = np.linalg.eigvalsh(rho)
    assert np.all(w >= -1e-14)
    np.testing.assert_allclose(np.trace(rho, axis1=1, axis2=2), 1, atol=1e-12)
    # closer than any other physical state tried (the eigenvalue-clipped-and-renormalised one)
    clipped = np.linalg.eigh(h)
    lam = np.clip(clipped[0], 0, None)
    lam /= lam.sum(axis=1, keepdims=True)
    other = (clipped[1] * lam[:, None, :]) @ clipped[1].conj().transpose(0, 2, 1)
    d_best = np.linalg.norm(rho - h, axis=(1, 2))
    assert np.all(d_best <= np.linalg.norm(other - h, axis=(1, 2)) + 1e-14)


def test_two_qubit_paulis_bad_input():
    with pytest.raises(ParameterError, match="nine settings"):
        two_qubit_paulis(np.zeros((3, 4)), 10, ["xx", "yy", "zz"])
    with pytest.raises(ParameterError, match="sum to shots"):
        two_qubit_paulis(np.ones((9, 4)), 10, SETTINGS)


# --- sampled and circuit-running backends -------------------------------------------------------


def multinomial_pvalue(counts, p, shots):
    """χ² goodness of fit of all circuits' 4-outcome counts (cells with p > 0)."""
    exp = shots * p
    ok = exp > 1e-9
    chi2 = np.sum((counts[ok] - exp[ok]) ** 2 / exp[ok])
    dof = int(ok.sum()) - int(np.prod(counts.shape[:-1]))
    return stats.chi2.sf(chi2, dof)


def test_sampled_backend_is_seeded_and_unbiased():
    t = time_grid(2, 15)
    sysm = coupled_system("yy", 0.3)
    a = run_coupled_protocol(sysm, TILTED, PLUS, t, Execution(backend="sampled", seed=4))
    b = run_coupled_protocol(sysm, TILTED, PLUS, t, Execution(backend="sampled", seed=4))
    c = run_coupled_protocol(sysm, TILTED, PLUS, t, Execution(backend="sampled", seed=5))
    assert np.array_equal(a.counts, b.counts) and not np.array_equal(a.counts, c.counts)
    assert a.counts.shape == (31, 9, 4) and np.all(a.counts.sum(axis=-1) == 5000)
    # multinomial counts around the exact probabilities: χ² p-value far from 0 (seeded)
    assert multinomial_pvalue(a.counts, a.probabilities, 5000) > 1e-4


def test_sampled_dataset_has_errors_and_estimates_within_5_sigma():
    t = time_grid(2, 15)
    sysm = coupled_system("cry", 0.3)
    exact = simulate_coupled(sysm, TILTED, PLUS, t)
    ds = simulate_coupled(sysm, TILTED, PLUS, t, backend="sampled", seed=11, bootstrap=60)
    for var in ("sigma_x", "sigma_y", "sigma_z", "V"):
        dev = np.abs(ds[var] - exact[var]).values
        # 5σ per point: P ≈ 6e-7 each, seeded; +1e-15 for exactly-known points
        assert np.all(dev <= 5 * ds[f"{var}_err"].values + 1e-15), var
    assert ds.attrs["derivative"].startswith("numpy.gradient")
    assert exact.attrs["derivative"].startswith("generator")
    assert ds.counts.dims == ("t", "setting", "outcome")
    # concurrence from projected tomography: within 5 bootstrap σ plus the known positive bias
    # of estimating C near separable states (≈ sqrt of the noise, ≤ 0.1 at 5000 shots)
    dev = np.abs(ds.concurrence - exact.concurrence).values
    assert np.all(dev <= 5 * ds.concurrence_err.values + 0.1)


@pytest.mark.parametrize(("layout", "n_t"), [("paper", 3), ("reset", 6)])
def test_aer_runs_the_tomography_circuits(layout, n_t):
    """The real circuits on qiskit-aer (paper layout ≤ 6 qubits: 2 steps) follow the exact
    outcome probabilities (χ² p > 1e-4, seeded)."""
    t = time_grid(1, 10)[:n_t]
    sysm = coupled_system("cry", 0.5)
    run = run_coupled_protocol(
        sysm, TILTED, MIXED_STATE, t, Execution(backend="aer", layout=layout, seed=3)
    )
    exact = run_coupled_protocol(sysm, TILTED, MIXED_STATE, t, Execution(backend="density"))
    assert run.counts.shape == (n_t, 9, 4)
    assert multinomial_pvalue(run.counts, exact.probabilities, 5000) > 1e-4
    assert run.info["max_qubits"] == (2 * (n_t - 1) + 2 + 1 if layout == "paper" else 5)


@pytest.mark.slow
def test_fake_device_backendv2_and_samplerv2():
    """Noisy fake device (reset layout: 4 qubits), an AerSimulator as BackendV2, Aer's
    SamplerV2.  The ideal ones pass χ²; the noisy one is close but not exact: FakeManilaV2 is
    a line of 5 qubits, so the ~16 CX of two steps gain SWAPs (depth 39), and with ~1 % CX and
    2–4 % readout error single probabilities move by up to ~0.2 (measured 0.17–0.19) while the
    mean deviation stays ~0.03; bounds 0.3 and 0.06 leave margin and still fail for a wrong
    circuit (deviations of order 0.5)."""
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import SamplerV2

    t = time_grid(1, 10)[:3]
    sysm = coupled_system("xx", 0.5)
    p = run_coupled_protocol(sysm, PLUS, TILTED, t, Execution(backend="density")).probabilities
    ideal = run_coupled_protocol(
        sysm, PLUS, TILTED, t, Execution(backend=AerSimulator(), layout="reset", seed=2)
    )
    assert ideal.backend == "backend:aer_simulator"
    assert multinomial_pvalue(ideal.counts, p, 5000) > 1e-4
    smp = run_coupled_protocol(
        sysm, PLUS, TILTED, t, Execution(backend=SamplerV2(seed=2), layout="paper")
    )
    assert smp.backend == "sampler:SamplerV2"
    assert multinomial_pvalue(smp.counts, p, 5000) > 1e-4
    noisy = run_coupled_protocol(
        sysm, PLUS, TILTED, t, Execution(backend="fake:manila", layout="reset", seed=2)
    )
    assert noisy.backend == "fake:fake_manila"
    dev = np.abs(noisy.counts / 5000 - p)
    assert np.max(dev) < 0.3 and np.mean(dev) < 0.06
    assert multinomial_pvalue(noisy.counts, p, 5000) < 1e-6  # the noise is really there


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"backend": "qpu"}, "unknown backend 'qpu'"),
        ({"layout": "ring"}, "unknown layout 'ring'"),
        ({"shots": 0}, "shots must be a positive integer"),
        ({"seed": -2}, "seed must be a non-negative integer"),
    ],
)
def test_bad_input_raises_parameter_error(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        run_coupled_protocol(coupled_system(), PLUS, PLUS, time_grid(1, 4), Execution(**kwargs))


def test_grid_and_setting_checks():
    with pytest.raises(ParameterError, match="must be uniform"):
        run_coupled_protocol(coupled_system(), PLUS, PLUS, np.array([0.0, 0.1, 0.3]))
    proto = build_coupled_protocol(coupled_system(), PLUS, PLUS, time_grid(1, 4))
    with pytest.raises(ParameterError, match="tomography setting"):
        coupled_protocol_circuit(proto, 1, "xq")
    with pytest.raises(ParameterError, match=r"index must be in \[0, 4\]"):
        coupled_protocol_circuit(proto, 5, "xx")


def test_aer_paper_layout_refuses_a_statevector_that_cannot_fit(monkeypatch):
    """8 steps in the paper layout: 2·8 + 2 = 18 qubits, a 4 MiB statevector."""
    from qmemristor.digital import execute

    monkeypatch.setattr(execute, "_memory_bytes", lambda: 2**19)  # a 512 KiB machine
    with pytest.raises(ParameterError, match=r"18-qubit statevector of 4 MiB .* has 512 KiB"):
        run_coupled_protocol(
            coupled_system(), PLUS, PLUS, time_grid(1, 8), Execution(backend="aer", layout="paper")
        )
