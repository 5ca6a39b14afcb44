"""The density backend against the continuous-time limit (our SciPy reference and QuTiP's
``mesolve``), with the measured Trotter orders of the gate orders."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.memristor import InitialState, MemristorParams, time_grid
from qmemristor.memristor.coupled import Coupling
from qmemristor.network import MemristorNetwork, propagate_density
from qmemristor.network.lindblad import solve_network_lindblad
from qmemristor.network.states import pair_phases, single_phases, to_schrodinger

qutip = pytest.importorskip("qutip")

STATES = [
    InitialState.from_angles(math.pi / 4, 0.0),
    InitialState(0.2, 0.3, -0.4),
    InitialState.from_angles(0.3, 1.0),
    InitialState.from_angles(1.1, 2.0),
    InitialState(0.0, -0.5, 0.5),
]
G = 0.5  # coupling rate g = δ/Δt, held fixed as Δt → 0
PERIOD = 2 * math.pi


def _net(n, topology, name, dt, frame="interaction", order="forward", gamma0=0.2):
    mem = [MemristorParams(gamma0=gamma0 * (1 + 0.3 * k)) for k in range(n)]
    return MemristorNetwork.build(
        n, topology, Coupling(name, G * dt), memristor=mem, frame=frame, order=order
    )


def _qutip_states(net, states, t, dt):
    """QuTiP mesolve of the same limit, in the *interaction picture* (static coupling, the
    decay as a time-dependent dissipator), rotated back: an independent formulation."""
    n = net.n
    ops = {}
    for k in range(n):
        lst = [qutip.qeye(2)] * n
        lst[k] = qutip.Qobj(np.array([[0, 0], [1, 0]], dtype=complex))
        ops[k] = qutip.tensor(lst)
    dims = [[2] * n, [2] * n]
    hc = 0
    for e in net.edges:
        h = e.coupling.step_hamiltonian / dt
        big = np.zeros((2**n, 2**n), dtype=complex)
        # embed h on (i, j) through an explicit permutation of tensor factors
        rest = [k for k in range(n) if k not in (e.i, e.j)]
        op = np.kron(h, np.eye(2 ** (n - 2)))
        perm = [e.i, e.j, *rest]
        op = op.reshape((2,) * (2 * n))
        inv = np.argsort(perm)
        op = op.transpose([*inv, *(n + inv)])
        big = op.reshape(2**n, 2**n)
        hlab = qutip.Qobj(big, dims=dims)
        hc = hc + hlab
    rho0 = qutip.tensor([qutip.Qobj(s.density) for s in states])
    if net.frame == "interaction":
        h = hc
        c_ops = [[qutip.lindblad_dissipator(ops[k]), net.nodes[k].protocol.rate] for k in range(n)]
        h = qutip.liouvillian(h) + sum(
            [qutip.QobjEvo(c) for c in c_ops[1:]], qutip.QobjEvo(c_ops[0])
        )
    else:
        w = [m.omega for m in net.nodes]
        h0 = sum(w[k] * ops[k].dag() * ops[k] for k in range(n))
        c_ops = [[qutip.lindblad_dissipator(ops[k]), net.nodes[k].protocol.rate] for k in range(n)]
        h = qutip.liouvillian(h0 + hc) + sum(
            [qutip.QobjEvo(c) for c in c_ops[1:]], qutip.QobjEvo(c_ops[0])
        )
    res = qutip.mesolve(h, rho0, t, options={"atol": 1e-12, "rtol": 1e-10, "nsteps": 10**6})
    rho = np.stack([s.full() for s in res.states])
    single = np.stack([np.stack([s.ptrace(k).full() for s in res.states]) for k in range(n)])
    pairs = []
    for i, j in net.pairs:
        a, b = min(i, j), max(i, j)
        r = np.stack([s.ptrace([a, b]).full() for s in res.states])
        if i > j:
            r = r.reshape(-1, 2, 2, 2, 2).transpose(0, 2, 1, 4, 3).reshape(-1, 4, 4)
        pairs.append(r)
    pairs = np.stack(pairs)
    if net.frame == "interaction":  # rotate the interaction picture back
        single = to_schrodinger(single, single_phases(net, t))
        pairs = np.stack(
            [
                to_schrodinger(pairs[m], pair_phases(net, i, j, t))
                for m, (i, j) in enumerate(net.pairs)
            ]
        )
    return rho, single, pairs


@pytest.mark.parametrize(
    ("n", "topology", "name", "frame", "span"),
    [
        (3, "ring", "yy", "interaction", 1.0),
        (4, "chain", "xy", "lab", 1.0),
        # a quarter period at N = 5: both integrators cost ~20 s per period here (1024
        # unknowns at rtol 1e-10); in a quarter the coupling angle g·T/4 ≈ 0.8 rad and the
        # decay γ0·T/4 ≈ 0.3 are already far from small, so the check keeps its power
        pytest.param(5, "star", "cry", "interaction", 0.25, marks=pytest.mark.slow),
    ],
)
def test_lindblad_reference_matches_qutip(n, topology, name, frame, span):
    dt = PERIOD / 30
    net = _net(n, topology, name, dt, frame)
    t = np.linspace(0, span * PERIOD, 7)
    ours = solve_network_lindblad(net, STATES[:n], t, dt=dt, pairs=net.pairs)
    _, single, pairs = _qutip_states(net, STATES[:n], t, dt)
    # both integrate to rtol 1e-10 / atol 1e-12 over one period: agreement to ~1e-9
    np.testing.assert_allclose(ours.single, single, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.pair_states, pairs, rtol=0, atol=1e-8)


def _errors(n, topology, name, frame, order, ks):
    # g = δ/Δt = G for every Δt: one continuous-time reference serves the whole sweep
    dt0 = PERIOD / ks[0]
    ref = solve_network_lindblad(
        _net(n, topology, name, dt0, frame, order),
        STATES[:n],
        np.array([0.0, PERIOD]),
        dt=dt0,
        rtol=1e-12,
        atol=1e-14,
    )
    errs = []
    for k in ks:
        dt = PERIOD / k
        net = _net(n, topology, name, dt, frame, order)
        t = time_grid(1, k)
        d = propagate_density(net, STATES[:n], t, stride=0)
        errs.append(
            max(
                np.abs(d.single[:, -1] - ref.single[:, -1]).max(),
                np.abs(d.pair_states[:, -1] - ref.pair_states[:, -1]).max(),
            )
        )
    return np.array(errs)


def _slope(ks, errs):
    return -np.polyfit(np.log(ks), np.log(errs), 1)[0]


KS = np.array([16, 32, 64])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("n", "topology", "name", "frame"),
    [(3, "ring", "yy", "interaction"), (3, "chain", "xy", "lab"), (4, "ring", "crx", "lab")],
)
def test_trotter_orders(n, topology, name, frame):
    """Error at t = T against the continuous limit: slope 1 for forward/reverse, 2 for the
    symmetric (Strang) order.  The fit over a factor 8 in Δt is within ±0.1 of the
    asymptotic order (the leading term dominates from 16 steps per period on)."""
    for order, expected in (("forward", 1.0), ("reverse", 1.0), ("symmetric", 2.0)):
        errs = _errors(n, topology, name, frame, order, KS)
        assert abs(_slope(KS, errs) - expected) < 0.1, (order, errs)


def test_density_converges_to_qutip_at_small_steps():
    """Symmetric order at 256 steps per period against QuTiP directly.  The Strang error of
    this network is 9e-6 at 128 steps per period (measured with the slope-2 fit above), so
    ~2e-6 here; 3e-5 bounds it with room for the xy constant and QuTiP's 1e-10 tolerance."""
    k = 256
    dt = PERIOD / k
    net = _net(3, "ring", "xy", dt, "interaction", "symmetric")
    t = time_grid(1, k)
    d = propagate_density(net, STATES[:3], t, pairs=net.pairs)
    _, single, pairs = _qutip_states(net, STATES[:3], t[:: k // 8], dt)
    np.testing.assert_allclose(d.single[:, :: k // 8], single, rtol=0, atol=3e-5)
    np.testing.assert_allclose(d.pair_states[:, :: k // 8], pairs, rtol=0, atol=3e-5)


def test_edge_order_error_is_first_order():
    """Forward vs reverse on a chain of non-commuting gates (xy): the difference of the two
    orders halves with Δt (O(δ²) per step, O(Δt) over a fixed time)."""
    diffs = []
    for k in (16, 32, 64):
        dt = PERIOD / k
        t = time_grid(1, k)
        a = propagate_density(_net(3, "chain", "xy", dt, order="forward"), STATES[:3], t)
        b = propagate_density(_net(3, "chain", "xy", dt, order="reverse"), STATES[:3], t)
        diffs.append(np.abs(a.pair_states[:, -1] - b.pair_states[:, -1]).max())
    assert diffs[0] > 1e-4  # the orders do differ
    assert abs(_slope(np.array([16, 32, 64]), np.array(diffs)) - 1.0) < 0.15, diffs
