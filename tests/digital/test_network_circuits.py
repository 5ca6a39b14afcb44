"""Networks on circuits (:mod:`qmemristor.digital.network`) against the density backend.

Oracles: qiskit.quantum_info's ``DensityMatrix`` simulation of the actual circuits (resets
included, ancillas and purifier traced out), Aer's own density-matrix simulator, and the
binomial law of the shot noise.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from qiskit.quantum_info import DensityMatrix
from qiskit.quantum_info import partial_trace as qiskit_partial_trace
from scipy.stats import unitary_group

from qmemristor.conventions import (
    SIGMA_X,
    SIGMA_Y,
    SIGMA_Z,
    to_qiskit_basis,
    two_qubit_to_paper,
)
from qmemristor.digital.network import (
    build_network_protocol,
    estimate_network_run,
    network_aer_method,
    network_probabilities,
    network_protocol_circuit,
    run_network_protocol,
    simulate_network_circuits,
    tomography_settings,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import InitialState, MemristorParams, time_grid
from qmemristor.memristor.coupled import Coupling
from qmemristor.network import Edge, MemristorNetwork, network_measures, propagate_density
from qmemristor.network.states import default_pairs
from qmemristor.options import Execution

TILTED = InitialState.from_angles(math.pi / 4, 0.3)
MIXED = InitialState(0.3, -0.2, 0.5)
PLUS = InitialState.from_angles(math.pi / 2, 0.0)
NODES = (MemristorParams(gamma0=0.05), MemristorParams(gamma0=0.02, omega=1.3), MemristorParams())
# a triangle with three different gates (a user unitary among them: its half gate is the
# principal square root), large δ so that the gates matter within a few steps
USER = Coupling.from_unitary(unitary_group.rvs(4, random_state=7))
EDGES = (Edge(0, 1, Coupling("cry", 0.5)), Edge(1, 2, Coupling("xy", 0.4)), Edge(0, 2, USER))
STATES = (TILTED, MIXED, PLUS)
# Both sides multiply the same ≤ 3 steps of 1- and 2-qubit maps in double precision in
# different orders (dense 2^q density matrices with resets vs the fused Pauli-vector kernel):
# round-off of a few 1e-16 per operation; 1e-10 is the requirement.
EXACT = 1e-10


def _network(frame: str, order: str) -> MemristorNetwork:
    return MemristorNetwork(NODES, EDGES, frame, order)


@pytest.mark.parametrize(("frame", "order"), [("interaction", "forward"), ("lab", "symmetric")])
@pytest.mark.parametrize("layout", ["reset", "shared"])
def test_circuits_equal_the_density_backend(layout, frame, order):
    """The unmeasured circuits (setting zzz: the readout is the free-evolution phase alone,
    back to the Schrödinger picture) simulated by qiskit.quantum_info: every node's state and
    every pair's state equal the density backend's."""
    net = _network(frame, order)
    t = time_grid(1, 12)[:4]
    ref = propagate_density(net, STATES, t)
    proto = build_network_protocol(net, STATES, t)
    for index in (1, 3):
        qc = network_protocol_circuit(proto, index, "zzz", layout, measure=False)
        rho = DensityMatrix(qc)
        rest = list(range(3, qc.num_qubits))
        for k in range(3):
            red = qiskit_partial_trace(rho, [q for q in range(3) if q != k] + rest).data
            np.testing.assert_allclose(
                to_qiskit_basis(red), ref.single[k, index], rtol=0, atol=EXACT
            )
        for q, (i, j) in enumerate(ref.pairs):
            other = [m for m in range(3) if m not in (i, j)]
            red = qiskit_partial_trace(rho, other + rest).data  # qubits (min, max) kept
            pair = two_qubit_to_paper(red)
            if i > j:  # stored as kron(i, j): swap the two nodes
                pair = pair.reshape(2, 2, 2, 2).transpose(1, 0, 3, 2).reshape(4, 4)
            np.testing.assert_allclose(pair, ref.pair_states[q, index], rtol=0, atol=EXACT)


@pytest.mark.parametrize("layout", ["reset", "shared"])
def test_exact_outcome_distributions_of_the_sampled_backend(layout):
    """``sampled`` draws from the exact distributions of the measured circuits: they equal the
    probabilities of the circuits themselves (qiskit.quantum_info, every node measured after
    its basis change; outcome bit k = node k)."""
    net = _network("lab", "forward")
    t = time_grid(1, 12)[:3]
    proto = build_network_protocol(net, STATES, t)
    settings = ("xyz", "zzy", "yxx")
    probs = network_probabilities(proto, settings)
    for index in range(3):
        for s, setting in enumerate(settings):
            qc = network_protocol_circuit(proto, index, setting, layout, measure=False)
            p = DensityMatrix(qc).probabilities(qargs=[0, 1, 2])
            np.testing.assert_allclose(probs[index, s], p, rtol=0, atol=EXACT)


@pytest.mark.parametrize(
    ("n", "topology", "count"),
    [(2, "chain", 9), (4, "ring", 9), (5, "ring", 27), (9, "ring", 9), (12, "star", 9)],
)
def test_tomography_settings_cover_every_pair(n, topology, count):
    """Every pair needed (all pairs up to 8 nodes, else the edges) sees all nine letter
    combinations: 9 settings for graphs of at most four colours, 27 for all pairs of five
    nodes (instead of 3^N)."""
    net = MemristorNetwork.build(n, topology, "yy")
    pairs = default_pairs(net)
    settings = tomography_settings(n, pairs)
    assert len(settings) == count
    for i, j in pairs:
        assert {(s[i], s[j]) for s in settings} == set(itertools.product("xyz", repeat=2))


def test_aer_density_matrix_simulator_equals_the_density_backend():
    """Aer's density-matrix method with an exact save of the register (no shots): the node
    states equal the density backend's (a simulator independent of qiskit.quantum_info)."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    net = _network("interaction", "forward")
    t = time_grid(1, 12)[:4]
    ref = propagate_density(net, STATES, t)
    proto = build_network_protocol(net, STATES, t)
    qc = network_protocol_circuit(proto, 3, "zzz", "shared", measure=False)
    qc.save_density_matrix(qubits=[0, 1, 2])
    sim = AerSimulator(method="density_matrix")
    rho = np.asarray(sim.run(transpile(qc, sim)).result().data()["density_matrix"])
    for k in range(3):
        red = qiskit_partial_trace(DensityMatrix(rho), [m for m in range(3) if m != k]).data
        np.testing.assert_allclose(to_qiskit_basis(red), ref.single[k, 3], rtol=0, atol=EXACT)


def _within(est, exact, err, k=5.0):
    """|estimate − exact| ≤ k standard errors (plus 1e-12 where the error is 0)."""
    bad = np.abs(est - exact) > k * err + 1e-12
    return bad.sum(), bad.size


@pytest.mark.parametrize("backend", ["sampled", "aer"])
def test_shot_estimates_within_the_binomial_bound(backend):
    """Every node's ⟨σx, σy, σz⟩ within 5 standard errors of the exact value (the SE is the
    binomial one, pooled over the settings: with ~45 estimates a 5σ miss has probability
    ~3e-5); the same seed gives the same counts (same code, same inputs)."""
    net = MemristorNetwork.build(3, "ring", "yy", memristor=MemristorParams(gamma0=0.05))
    t = time_grid(1, 4)
    ref = propagate_density(net, TILTED, t)
    ex = Execution(backend=backend, layout="shared", shots=2000, seed=11)
    st = simulate_network_circuits(net, TILTED, t, ex)
    sig = np.stack([SIGMA_X, SIGMA_Y, SIGMA_Z])
    exact = np.real(np.einsum("ktij,aji->kta", ref.single, sig))
    # the estimates are projected onto physical states; near the Bloch sphere's surface the
    # projection moves them by less than their noise, so the raw SE bounds the difference
    est = np.real(np.einsum("ktij,aji->kta", st.single, sig))
    bad, size = _within(est, exact, st.errors["single"])
    assert bad == 0, f"{bad}/{size} beyond 5 SE"
    assert np.all(st.errors["single"][:, 1:] > 0)
    again = run_network_protocol(net, TILTED, t, ex)
    first = run_network_protocol(net, TILTED, t, ex)
    np.testing.assert_array_equal(again.measurements.counts, first.measurements.counts)
    res = network_measures(net, st)
    assert res.V.shape == (3, t.size) and np.isnan(res.negativity).all()


def test_density_execution_is_the_density_backend():
    net = MemristorNetwork.build(3, "chain", "zz")
    t = time_grid(1, 6)
    st = simulate_network_circuits(net, TILTED, t, Execution(backend="density"))
    assert st.backend == propagate_density(net, TILTED, t).backend
    assert np.isfinite(st.negativity).all()


def test_aer_method_by_size_and_refusals():
    assert network_aer_method(10) == "density_matrix"
    assert network_aer_method(11) == "statevector"
    assert network_aer_method(25) == "matrix_product_state"
    net = MemristorNetwork.build(3, "chain", "yy")
    t = time_grid(1, 6)
    est, n_set = estimate_network_run(net, TILTED, t, Execution(backend="aer", layout="reset"))
    assert n_set == 9 and est.qubits == 6 and est.circuits == 9 * t.size
    est, _ = estimate_network_run(net, MIXED, t, Execution(backend="aer", layout="shared"))
    assert est.qubits == 3 + 1 + 3  # nodes, one ancilla, one purifier per mixed node
    with pytest.raises(ParameterError, match="reset layouts"):
        estimate_network_run(net, TILTED, t, Execution(backend="aer", layout="paper"))
    with pytest.raises(ParameterError, match="runs no circuits"):
        run_network_protocol(net, TILTED, t, Execution(backend="density"))
    proto = build_network_protocol(net, TILTED, t)
    with pytest.raises(ParameterError, match="one letter x, y or z per node"):
        network_protocol_circuit(proto, 1, "xq")
    with pytest.raises(ParameterError, match="index must be in"):
        network_protocol_circuit(proto, 99, "xyz")
    big = MemristorNetwork.build(14, "ring", "yy")
    with pytest.raises(ParameterError, match="outcome tables"):
        ex = Execution(backend="sampled", layout="reset")
        estimate_network_run(big, TILTED, time_grid(100, 30), ex)


def _chi2_pvalue(counts, p, shots):
    """χ² goodness of fit of every circuit's 2^N-outcome counts (cells with p > 0)."""
    from scipy import stats

    exp = shots * p
    ok = exp > 1e-9
    chi2 = np.sum((counts[ok] - exp[ok]) ** 2 / exp[ok])
    dof = int(ok.sum()) - int(np.prod(counts.shape[:-1]))
    return stats.chi2.sf(chi2, dof)


def test_backendv2_samplerv2_and_a_noisy_fake_device():
    """An AerSimulator as BackendV2 and Aer's SamplerV2 draw from the exact distributions
    (χ² p-value > 1e-4: a false alarm once in 10^4); the noisy FakeManilaV2 (shared layout:
    4 of its 5 qubits) is close but not exact: ~1 % CX and 2–4 % readout error move single
    outcome probabilities by up to 0.15–0.16 within two steps, 0.021 on average (measured,
    seeds 2 and 3); bounds 0.3 and 0.05 leave margin and still fail for a wrong circuit."""
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import SamplerV2

    net = MemristorNetwork.build(
        3, "chain", Coupling("cry", 0.5), memristor=MemristorParams(gamma0=0.1)
    )
    t = time_grid(1, 10)[:3]
    proto = build_network_protocol(net, TILTED, t)
    runs = {}
    for key, backend in (
        ("backend", AerSimulator()),
        ("sampler", SamplerV2(seed=2)),
        ("fake", "fake:manila"),
    ):
        ex = Execution(backend=backend, layout="shared", shots=4000, seed=2)
        runs[key] = run_network_protocol(net, TILTED, t, ex)
    settings = runs["fake"].settings
    p = network_probabilities(proto, settings).reshape(-1, 8)
    for key in ("backend", "sampler"):
        counts = runs[key].measurements.counts[0]
        assert _chi2_pvalue(counts, p, 4000) > 1e-4, key
    dev = np.abs(runs["fake"].measurements.counts[0] / 4000 - p)
    assert np.max(dev) < 0.3 and np.mean(dev) < 0.05
    assert _chi2_pvalue(runs["fake"].measurements.counts[0], p, 4000) < 1e-6  # noise is there
