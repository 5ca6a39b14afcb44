"""The memristor-network reservoir against independent references, and its protocol."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import linalg

from qmemristor.errors import ParameterError
from qmemristor.network import topology_edges
from qmemristor.reservoir import LinearWindow, MemristorReservoir, Reservoir, sample_features
from qmemristor.reservoir.benchmark import BenchmarkConfig, run_benchmark, score_features
from qmemristor.reservoir.networks import (
    CORRELATORS,
    NetworkReservoir,
    measurement_bases,
    measurement_settings,
)
from qmemristor.reservoir.tasks import Split, make_task

I2 = np.eye(2, dtype=complex)
P = {
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.diag([1.0 + 0j, -1.0]),
}
SM = np.array([[0, 0], [1, 0]], dtype=complex)  # σ− = |g⟩⟨e|, basis (|e⟩, |g⟩)
NE = np.diag([1.0 + 0j, 0.0])  # n = |e⟩⟨e|


def _site(op: np.ndarray, k: int, n: int) -> np.ndarray:
    """``op`` on node k of n (node 0 the left-most factor), by Kronecker products."""
    out = np.ones((1, 1), dtype=complex)
    for m in range(n):
        out = np.kron(out, op if m == k else I2)
    return out


def _embed(g4: np.ndarray, i: int, j: int, n: int) -> np.ndarray:
    """A 4×4 operator on kron(i, j) as a 2^n matrix, through its Pauli decomposition."""
    basis = {"i": I2, **P}
    out = np.zeros((2**n, 2**n), dtype=complex)
    for a, b in itertools.product(basis, repeat=2):
        c = np.trace(np.kron(basis[a], basis[b]).conj().T @ g4) / 4
        if abs(c) > 0:
            out += c * _site(basis[a], i, n) @ _site(basis[b], j, n)
    return out


def _dense_reference(res: NetworkReservoir, u: np.ndarray):
    """Node Paulis, correlators and currents by dense 2^N matrices (Schrödinger picture).

    One step of Δt: every node's amplitude damping (Kraus, κ = −ΓΔt/2), the free evolution
    exp(−iH0Δt), then every edge gate in order — ``exp(−iδG)`` as it is in the lab frame, or
    ``U0(t) exp(−iδG) U0(t)†`` at the end of the step in the interaction frame (the gate acts
    on the interaction-picture state there).  ⟨I⟩ from dρ/dt of the continuous-time limit.
    """
    n, v, sp = res.nodes, res.virtual_nodes, res.steps_per_read
    dt = res.hold / (v * sp)
    edges = topology_edges(res.topology, n)
    gens = {
        "xx": np.kron(P["x"], P["x"]),
        "yy": np.kron(P["y"], P["y"]),
        "zz": np.kron(P["z"], P["z"]),
    }
    g_big = [_embed(gens[res.interaction], i, j, n) for i, j in edges]
    h0 = sum(res.omega * _site(NE, k, n) for k in range(n))
    free = linalg.expm(-1j * h0 * dt)
    kick = np.ones((1, 1), dtype=complex)
    for _ in range(n):
        kick = np.kron(kick, linalg.expm(-0.5j * res.kick * P["x"]))
    gam = res.rates(u)
    rho = np.zeros((2**n, 2**n), dtype=complex)
    rho[-1, -1] = 1.0  # |g…g⟩
    node = np.empty((u.size, v, n, 3))
    corr = np.empty((u.size, v, len(edges), 9))
    dsy = np.empty((u.size, v, n))
    t = 0.0
    for k in range(u.size):
        rho = kick @ rho @ kick.conj().T
        for j in range(v):
            for _ in range(sp):
                for m in range(n):
                    e = math.exp(-0.5 * gam[k, m] * dt)
                    k0 = _site(np.diag([e, 1.0]), m, n)
                    k1 = _site(math.sqrt(1 - e * e) * SM, m, n)
                    rho = k0 @ rho @ k0.conj().T + k1 @ rho @ k1.conj().T
                rho = free @ rho @ free.conj().T
                t += dt
                u0 = linalg.expm(-1j * h0 * t)
                for g in g_big:
                    a = linalg.expm(-1j * res.coupling * dt * g)
                    if res.frame == "interaction":
                        a = u0 @ a @ u0.conj().T
                    rho = a @ rho @ a.conj().T
            h = h0.copy()
            for g in g_big:
                h += res.coupling * (g if res.frame == "lab" else u0 @ g @ u0.conj().T)
            drho = -1j * (h @ rho - rho @ h)
            for m in range(n):
                lm = _site(SM, m, n)
                drho += gam[k, m] * (
                    lm @ rho @ lm.conj().T - 0.5 * (_site(NE, m, n) @ rho + rho @ _site(NE, m, n))
                )
            for m in range(n):
                node[k, j, m] = [np.trace(rho @ _site(P[c], m, n)).real for c in "xyz"]
                dsy[k, j, m] = np.trace(drho @ _site(P["y"], m, n)).real
            for e_, (a_, b_) in enumerate(edges):
                corr[k, j, e_] = [
                    np.trace(rho @ _site(P[c], a_, n) @ _site(P[d], b_, n)).real
                    for c, d in CORRELATORS["all"]
                ]
    kk = 1 / math.sqrt(2)  # k = sqrt(mħω/2) with ħ = m = ω = 1
    current = kk * (dsy - res.omega * node[..., 0])
    return node, corr, current


@pytest.mark.parametrize(
    ("interaction", "frame", "topology"),
    [("xx", "lab", "ring"), ("yy", "interaction", "chain"), ("zz", "lab", "ring")],
)
def test_network_features_match_a_dense_propagation(interaction, frame, topology):
    res = NetworkReservoir(
        nodes=3, virtual_nodes=2, steps_per_read=2, topology=topology, interaction=interaction,
        frame=frame, coupling=0.8, gamma0=0.5, hold=1.3, kick=1.1, seed=4,
        observables=("sigma_x", "sigma_y", "sigma_z", "current"), correlators="all",
    )  # fmt: skip
    u = np.random.default_rng(0).uniform(-1, 1, 12)
    node, corr, current = _dense_reference(res, u)
    f = res.transform(u).values.reshape(12, 2, -1)
    e = len(res.edges)
    got_node = f[..., : 3 * 4].reshape(12, 2, 3, 4)
    got_corr = f[..., 3 * 4 :].reshape(12, 2, e, 9)
    # compiled in-place kernels in the interaction picture vs dense Kraus/expm products in
    # the Schrödinger picture: the same map, so round-off only (measured ≤ 1.7e-14)
    np.testing.assert_allclose(got_node[..., :3], node, atol=1e-12)
    np.testing.assert_allclose(got_corr, corr, atol=1e-12)
    np.testing.assert_allclose(got_node[..., 3], current, atol=1e-12)
    a, b = res.edges[0]  # the coupling correlates the pair: not a product state
    prod = np.einsum("kvc,kvd->kvcd", node[:, :, a], node[:, :, b]).reshape(12, 2, 9)
    assert np.abs(corr[:, :, 0] - prod).max() > 1e-2


@pytest.mark.parametrize("frame", ["lab", "interaction"])
def test_zero_coupling_is_independent_memristors(frame):
    obs = ("sigma_x", "sigma_y", "sigma_z", "current")
    kw = dict(nodes=4, virtual_nodes=3, gamma0=0.4, hold=0.9, kick=1.3, seed=11, observables=obs)
    net = NetworkReservoir(topology="ring", coupling=0.0, correlators="all", frame=frame, **kw)
    single = MemristorReservoir(**kw)
    u = np.random.default_rng(5).uniform(-1, 1, 150)
    fn = net.transform(u).values.reshape(150, 3, -1)
    fs = single.transform(u).values.reshape(150, 3, 4, 4)
    node = fn[..., :16].reshape(150, 3, 4, 4)
    corr = fn[..., 16:].reshape(150, 3, 4, 9)
    # same physics through two codes (interaction-picture kernels with phases vs Schrödinger
    # Kraus steps); the hold map contracts, so round-off does not grow: measured ≤ 7.4e-14
    np.testing.assert_allclose(node, fs, atol=1e-12)
    bloch = fs[..., :3]
    for m, (i, j) in enumerate(net.edges):
        # no coupling, product initial state: the pair stays a product state
        prod = np.einsum("kva,kvb->kvab", bloch[:, :, i], bloch[:, :, j]).reshape(150, 3, 9)
        np.testing.assert_allclose(corr[:, :, m], prod, atol=1e-12)


def test_memoryless_network_is_no_better_than_the_linear_window_on_narma10():
    task = make_task("narma10", Split(washout=100, n_train=1000, n_test=1000), seed=7)
    u = task.scaled_input()
    res = NetworkReservoir(nodes=3, virtual_nodes=2, frame="lab", coupling=1.0, reset=True)
    feats = res.transform(u)
    v = res.transform(np.array([0.3, -0.5, 0.3])).values
    # after the reset only the current input matters: with lab-frame gates (static in the
    # Schrödinger picture) every hold after a reset is the same map of |g…g⟩, so equal inputs
    # give equal rows (the same operations on the same state)
    np.testing.assert_allclose(v[2], v[0], atol=1e-14)
    assert not np.allclose(v[1], v[0])
    window = LinearWindow(window=feats.count).transform(u)
    nm_reset = score_features(task, feats.values).nmse_test
    nm_window = score_features(task, window.values).nmse_test
    assert nm_reset >= nm_window, (nm_reset, nm_window)


def test_seeded_network_runs_are_bit_identical():
    cfg = BenchmarkConfig.quick(seed=12)
    a = run_benchmark("narma10", "network", shots=300, config=cfg).as_dict()
    b = run_benchmark("narma10", "network", shots=300, config=cfg).as_dict()
    assert a == b  # same code, same inputs, same seed
    c = run_benchmark("narma10", "network", shots=300, config=BenchmarkConfig.quick(13))
    assert c.as_dict()["nmse_test"] != a["nmse_test"]


def test_finite_shot_correlators_converge_as_one_over_sqrt_shots():
    res = NetworkReservoir(nodes=3, virtual_nodes=2, frame="lab", coupling=1.0)
    feats = res.transform(np.random.default_rng(0).uniform(-1, 1, 400))
    corr = np.array([".xx" in s or ".yy" in s or ".zz" in s for s in feats.names])
    assert corr.sum() == 2 * 3 * 3
    shots = np.array([100, 1000, 10_000, 100_000])
    rng = np.random.default_rng(1)
    err = [
        np.sqrt(((sample_features(feats, int(s), rng) - feats.values)[:, corr] ** 2).mean())
        for s in shots
    ]
    slope = np.polyfit(np.log(shots), np.log(err), 1)[0]
    # 7200 noisy correlator entries per budget: the RMS is known to ≈ 1 %, the slope to ≈ 0.005
    assert slope == pytest.approx(-0.5, abs=0.02)


def test_measurement_settings_show_every_edge_all_nine_basis_pairs():
    for n, topology in ((4, "chain"), (3, "ring"), (5, "ring"), (5, "star"), (6, "all")):
        edges = topology_edges(topology, n)
        bases = measurement_bases(n, edges, "all")
        for i, j in edges:
            assert len(set(zip(bases[:, i], bases[:, j], strict=True))) == 9
        assert measurement_settings(n, edges, "same") == 3
    # OA(9, 4, 3, 2) serves up to four colours, OA(27, 13, 3, 2) up to thirteen
    assert measurement_settings(4, topology_edges("chain", 4), "all") == 9
    assert measurement_settings(6, topology_edges("all", 6), "all") == 27


def test_network_meets_the_protocol_and_counts_its_features():
    res = NetworkReservoir(nodes=4, virtual_nodes=2, topology="chain")
    assert isinstance(res, Reservoir)
    f = res.transform(np.linspace(-1, 1, 10))
    # per read: 4 nodes × 3 Paulis + 3 edges × 3 same-axis correlators
    assert f.values.shape == (10, 2 * (12 + 9)) and len(f.names) == f.count
    assert f.settings_per_read == 3 and res.describe()["reservoir"] == "network"


def test_bad_network_parameters():
    with pytest.raises(ParameterError, match="nodes must be an integer ≥ 2"):
        NetworkReservoir(nodes=1)
    with pytest.raises(ParameterError, match="at most 8 nodes"):
        NetworkReservoir(nodes=9)
    with pytest.raises(ParameterError, match="unknown topology 'moebius'"):
        NetworkReservoir(topology="moebius")
    with pytest.raises(ParameterError, match="correlators='all'"):
        NetworkReservoir(observables=("sigma_x", "current"))
    with pytest.raises(ParameterError, match="unknown interaction 'qq'"):
        NetworkReservoir(interaction="qq")
    with pytest.raises(ParameterError, match="unknown correlators"):
        NetworkReservoir(correlators="some")
