"""The step-by-step entry points of the density backend: one-node gates and given collisions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import unitary_group

from qmemristor.errors import ParameterError
from qmemristor.memristor.coupled import Coupling
from qmemristor.memristor.model import ConstantDecay, InitialState, MemristorParams
from qmemristor.network import MemristorNetwork, propagate_density
from qmemristor.network.density import initial_density, rotate_node, step_density


def _random_density(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(2**n, 2**n)) + 1j * rng.normal(size=(2**n, 2**n))
    rho = a @ a.conj().T
    return rho / np.trace(rho)


def test_rotate_node_is_the_kronecker_embedding():
    n = 4
    rho = _random_density(n, 0)
    for k in range(n):
        u = unitary_group.rvs(2, random_state=k)
        big = np.kron(np.kron(np.eye(2**k), u), np.eye(2 ** (n - k - 1)))
        flat = rho.reshape(-1).copy()
        rotate_node(flat, n, k, u)
        # in-place 2×2 kernel vs a 16×16 matrix product: round-off only (measured 3e-17)
        np.testing.assert_allclose(flat.reshape(2**n, 2**n), big @ rho @ big.conj().T, atol=1e-14)


def test_given_collisions_reproduce_a_constant_decay():
    gammas = (0.3, 0.7, 1.1)
    nodes = [MemristorParams(gamma0=g, decay=ConstantDecay(g)) for g in gammas]
    net = MemristorNetwork.build(3, "ring", Coupling("xx", 0.2), memristor=nodes, frame="lab")
    t = np.linspace(0.0, 2.0, 9)
    ref = propagate_density(net, InitialState.from_angles(0.4, 1.0), t).info["rho_final"]
    rho = initial_density([InitialState.from_angles(0.4, 1.0)] * 3)
    for a, b in itertools.pairwise(t):
        step_density(rho, net, a, b, -0.5 * np.array(gammas) * (b - a))
    # κ = −Γ Δt/2 given here vs the protocol's ∫Γ = γ0 (t1 − t0): the same numbers up to the
    # round-off of κ (measured identical on this machine; a few ulps of slack for others)
    np.testing.assert_allclose(rho.reshape(8, 8), ref, atol=1e-14)


def test_infinite_decay_resets_and_bad_kappas_are_refused():
    net = MemristorNetwork.build(2, "chain", Coupling("xx", 0.0))
    rho = _random_density(2, 3).reshape(-1)
    step_density(rho, net, 0.0, 0.1, np.array([-np.inf, -np.inf]))
    expect = np.zeros((4, 4))
    expect[3, 3] = 1.0  # |gg⟩⟨gg|
    np.testing.assert_allclose(rho.reshape(4, 4), expect, atol=1e-15)
    with pytest.raises(ParameterError, match="kappa must be 2 numbers ≤ 0"):
        step_density(rho, net, 0.0, 0.1, np.array([0.1, -0.1]))
    with pytest.raises(ParameterError, match="kappa must be 2 numbers ≤ 0"):
        step_density(rho, net, 0.0, 0.1, np.array([-0.1]))
