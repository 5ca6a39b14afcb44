"""The quantum-jump backend averages to the exact density backend within its standard errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.errors import ParameterError
from qmemristor.memristor import InitialState, MemristorParams, time_grid
from qmemristor.memristor.coupled import Coupling
from qmemristor.network import MemristorNetwork, simulate_network

STATES = [
    InitialState.from_angles(math.pi / 4, 0.0),
    InitialState(0.2, 0.3, -0.4),  # mixed: sampled per trajectory from its eigenbasis
    InitialState.from_angles(0.3, 1.0),
]


@pytest.fixture(scope="module")
def runs():
    net = MemristorNetwork.build(
        3, "ring", Coupling("xy", 0.15), memristor=MemristorParams(gamma0=0.15), order="forward"
    )
    t = time_grid(2, 16)
    exact = simulate_network(net, STATES, t)
    traj = simulate_network(net, STATES, t, backend="trajectories", trajectories=1500, seed=7)
    return net, exact, traj


def _z(est, ref, se):
    """|est − ref| in standard errors, less a 1e-12 round-off floor: where every trajectory
    agrees (pure initial states at t = 0) the standard error is 0 up to round-off."""
    ok = se > 0
    return np.maximum(np.abs(est - ref)[ok] - 1e-12, 0) / se[ok]


def test_linear_estimates_within_five_standard_errors(runs):
    """⟨σx, σy, σz⟩ and ⟨I⟩ of every node at every time: |traj − exact| ≤ 5 SE.  With ~300
    estimates a Gaussian exceeds 5σ with probability ~2e-4 overall; the seed is fixed."""
    _, exact, traj = runs
    assert _z(traj.bloch, exact.bloch, traj.errors["single"]).max() < 5
    assert _z(traj.I, exact.I, traj.errors["current"]).max() < 5


def test_pair_measures_within_five_standard_errors(runs):
    """Concurrence and the negativities are nonlinear: their jackknife errors cover the
    statistical spread; where the exact value is far from the kink at 0 (≥ 0.02) the
    estimator's O(1/M) bias is small against 5 SE."""
    _, exact, traj = runs
    far = exact.wootters > 0.02
    assert far.any()
    z = np.abs(traj.wootters - exact.wootters)[far] / traj.errors["wootters"][far]
    assert z.max() < 5
    zn = _z(traj.negativity, exact.negativity, traj.errors["negativity"])
    assert zn.max() < 5
    zt = _z(traj.tripartite, exact.tripartite, traj.errors["tripartite"])
    assert zt.max() < 5


def test_same_seed_same_numbers():
    net = MemristorNetwork.build(3, "chain", Coupling("yy", 0.1))
    t = time_grid(1, 8)
    a = simulate_network(net, STATES, t, backend="trajectories", trajectories=20, seed=3)
    b = simulate_network(net, STATES, t, backend="trajectories", trajectories=20, seed=3)
    np.testing.assert_array_equal(a.V, b.V)  # same code, same inputs: bit-identical
    c = simulate_network(net, STATES, t, backend="trajectories", trajectories=20, seed=4)
    assert not np.array_equal(a.V, c.V)


def test_trajectory_size_limits():
    net = MemristorNetwork.build(3, "chain")
    t = time_grid(1, 8)
    with pytest.raises(ParameterError, match="trajectories must be"):
        simulate_network(net, STATES, t, backend="trajectories", trajectories=1)
    big = MemristorNetwork.build(22, "chain")
    with pytest.raises(ParameterError, match="GiB"):
        simulate_network(big, STATES[0], t, backend="trajectories", trajectories=10**4)
