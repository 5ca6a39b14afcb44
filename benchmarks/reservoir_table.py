"""Speed of the reservoir benchmarks: the neuron integrator, the readout, the whole table.

Ratios against named baselines, in one process (CPU time, so a busy machine does not hide
them; the wall time of the table is printed too):

1. neuron reservoir, one hold of length 1 read 4 times — baseline: one SciPy ``solve_ivp``
   (DOP853, rtol 1e-8, compiled field) per hold; compared: the fixed-step numba RK4
   (``qmemristor.reservoir._neuron_kernel``);
2. network reservoir (6 memristors on a ring, lab-frame σx⊗σx, 4 reads per hold) — baseline:
   the same protocol with dense 64 × 64 matrices (Kronecker-embedded Kraus operators and
   gates, ``scipy.linalg.expm`` once per run); compared: the network backend's in-place
   kernels (``qmemristor.reservoir.networks``);
3. readout of the memory capacity (2000 rows, 128 features, 100 delays) — baseline:
   scikit-learn ``RidgeCV(cv=TimeSeriesSplit(5))`` per delay (needs scikit-learn);
   compared: ``qmemristor.reservoir.readout.fit_readout`` (one SVD per fold);
4. the whole table (``qmemristor reservoir table``): tasks × reservoirs × shot budgets.

Run from the repository root::

    PYTHONPATH=src python benchmarks/reservoir_table.py [--quick]
"""

from __future__ import annotations

import sys
import time

import numpy as np


def _cpu(fn, *args):
    t0 = time.process_time()
    out = fn(*args)
    return time.process_time() - t0, out


def neuron_ratio(holds: int) -> None:
    from qmemristor.neuron.dynamics import integrate_trajectory
    from qmemristor.reservoir import NeuronReservoir

    res = NeuronReservoir(nodes=1, virtual_nodes=4)
    u = np.random.default_rng(0).uniform(-1, 1, holds)
    res.transform(u[:3])  # compile (or load) the kernel once

    def scipy_holds():
        y = res.initial_state()[0]
        for v in res.inputs(u)[:, 0]:
            y = integrate_trajectory(res.neuron.replace(v_in=float(v)), y,
                                     [0, 0.25, 0.5, 0.75, 1.0])[-1]  # fmt: skip

    base, _ = _cpu(scipy_holds)
    ours, _ = _cpu(res.states, u)
    print(f"neuron, {holds} holds: solve_ivp per hold (baseline) {base / holds * 1e3:.2f} ms/hold,"
          f" RK4 kernel {ours / holds * 1e6:.0f} µs/hold  → ×{base / ours:.0f}")  # fmt: skip


def _dense_network_holds(res, u) -> None:
    """The network reservoir's holds with dense 2^N matrices (lab frame, one step per read)."""
    from scipy import linalg

    n, v = res.nodes, res.virtual_nodes
    dt = res.hold / v
    eye, sx = np.eye(2), np.array([[0, 1], [1, 0]], dtype=complex)
    sm = np.array([[0.0, 0.0], [1.0, 0.0]])  # σ− = |g⟩⟨e|, basis (|e⟩, |g⟩)

    def site(op, k):
        out = np.ones((1, 1))
        for m in range(n):
            out = np.kron(out, op if m == k else eye)
        return out

    h0 = sum(res.omega * site(np.diag([1.0, 0.0]), k) for k in range(n))
    free = linalg.expm(-1j * h0 * dt)
    gates = [linalg.expm(-1j * res.coupling * dt * site(sx, i) @ site(sx, j)) for i, j in res.edges]
    kick = linalg.expm(-0.5j * res.kick * sum(site(sx, k) for k in range(n)))
    gam = res.rates(u)
    rho = np.zeros((2**n, 2**n), dtype=complex)
    rho[-1, -1] = 1.0
    for k in range(u.size):
        rho = kick @ rho @ kick.conj().T
        for _ in range(v):
            for m in range(n):
                e = np.exp(-0.5 * gam[k, m] * dt)
                k0, k1 = site(np.diag([e, 1.0]), m), site(np.sqrt(1 - e * e) * sm, m)
                rho = k0 @ rho @ k0.T + k1 @ rho @ k1.T
            rho = free @ rho @ free.conj().T
            for g in gates:
                rho = g @ rho @ g.conj().T
            for m in range(n):
                np.trace(rho @ site(sx, m))  # one read (the kernel path reads every node and edge)


def network_ratio(holds: int) -> None:
    from qmemristor.reservoir import NetworkReservoir

    res = NetworkReservoir()
    u = np.random.default_rng(0).uniform(-1, 1, holds)
    res.transform(u[:3])  # compile (or load) the kernels once
    base, _ = _cpu(_dense_network_holds, res, u)
    ours, _ = _cpu(res.transform, u)
    print(f"network ({res.nodes} nodes), {holds} holds: dense 2^N matrices (baseline) "
          f"{base / holds * 1e3:.2f} ms/hold, kernels {ours / holds * 1e3:.2f} ms/hold "
          f"→ ×{base / ours:.1f}")  # fmt: skip


def readout_ratio(delays: int) -> None:
    from qmemristor.reservoir.readout import ALPHAS, fit_readout

    try:
        from sklearn.linear_model import RidgeCV
        from sklearn.model_selection import TimeSeriesSplit
    except ImportError:
        print("readout: scikit-learn not installed, skipped")
        return
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2000, 128)), rng.normal(size=(2000, delays))

    def sk():
        for j in range(delays):
            RidgeCV(alphas=ALPHAS, cv=TimeSeriesSplit(5),
                    scoring="neg_mean_squared_error").fit(x, y[:, j])  # fmt: skip

    base, _ = _cpu(sk)
    ours, _ = _cpu(fit_readout, x, y)
    print(
        f"readout, {delays} delays: RidgeCV per delay (baseline) {base:.2f} s, "
        f"fit_readout {ours:.2f} s  → ×{base / ours:.0f}"
    )


def table(quick: bool) -> None:
    from qmemristor.reservoir.benchmark import BenchmarkConfig, run_table

    cfg = BenchmarkConfig.quick() if quick else BenchmarkConfig()
    wall = time.perf_counter()
    cpu, result = _cpu(run_table, cfg)
    wall = time.perf_counter() - wall
    print(
        f"table ({'quick' if quick else 'default'} sizes, {len(result.scores)} scores): "
        f"{cpu:.1f} s CPU, {wall:.1f} s wall"
    )


def main() -> None:
    from threadpoolctl import threadpool_limits

    quick = "--quick" in sys.argv
    with threadpool_limits(limits=1, user_api="blas"):
        neuron_ratio(50 if quick else 400)
        network_ratio(20 if quick else 200)
        readout_ratio(5 if quick else 100)
    table(quick)


if __name__ == "__main__":
    main()
