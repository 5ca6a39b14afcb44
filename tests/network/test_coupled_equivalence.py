"""Two nodes are the coupled case: the network's density backend against the coupled
memristors' own density propagation (:func:`qmemristor.digital.coupled.propagate_coupled`,
16×16 superoperators built from the circuits' operators) and generator derivative
(:func:`qmemristor.memristor.coupled_lindblad.coupled_trajectories`)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import unitary_group

from qmemristor.analysis.entanglement import wootters_quantity
from qmemristor.digital.coupled import (
    build_coupled_protocol,
    propagate_coupled,
    schrodinger_states,
)
from qmemristor.memristor import InitialState, MemristorParams, time_grid
from qmemristor.memristor.coupled import FRAMES, INTERACTIONS, CoupledMemristors, Coupling
from qmemristor.memristor.coupled_lindblad import coupled_trajectories
from qmemristor.memristor.observables import current, voltage
from qmemristor.network import Edge, MemristorNetwork, network_measures, propagate_density

S1 = InitialState.from_angles(math.pi / 4, 0.3)
S2 = InitialState(0.3, -0.2, 0.5)  # mixed
M1 = MemristorParams(gamma0=0.05)
M2 = MemristorParams(gamma0=0.02, omega=1.3)
T = time_grid(3, 30)
# Both paths multiply 90 unitary/Kraus steps in double precision with different summation
# orders (16×16 superoperators vs the fused 16-entry kernel): agreement to a few 1e-15 per
# step; 1e-12 leaves a factor ~100 and is the requirement.
TOL = 1e-12


def _compare(coupling: Coupling, frame: str) -> None:
    system = CoupledMemristors(M1, M2, coupling, frame)
    proto = build_coupled_protocol(system, S1, S2, T)
    rho = schrodinger_states(proto, propagate_coupled(proto))
    traj = coupled_trajectories(system, T, rho, dt=proto.dt)
    net = MemristorNetwork((M1, M2), (Edge(0, 1, coupling),), frame)
    res = network_measures(net, propagate_density(net, (S1, S2), T))
    np.testing.assert_allclose(res.states.pair_states[0], rho, rtol=0, atol=TOL)
    for k, (tr, m) in enumerate(zip(traj, (M1, M2), strict=True)):
        np.testing.assert_allclose(res.V[k], voltage(tr.sigma_y, m.k), rtol=0, atol=TOL)
        i_ref = current(tr.sigma_x, tr.dsigma_y_dt, m.k, m.omega)
        np.testing.assert_allclose(res.I[k], i_ref, rtol=0, atol=TOL)
    # W's λ are square roots of eigenvalues: where one is 0, a 1e-15 change of ρ moves it by
    # ~3e-8 (the square root of the perturbation), hence 1e-7 here rather than 1e-12
    np.testing.assert_allclose(res.wootters[0], wootters_quantity(rho), rtol=0, atol=1e-7)


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("name", list(INTERACTIONS))
def test_two_nodes_equal_the_coupled_case(name, frame):
    _compare(Coupling(name, 0.13), frame)


@pytest.mark.parametrize("frame", FRAMES)
def test_two_nodes_equal_the_coupled_case_for_a_user_unitary(frame):
    u = unitary_group.rvs(4, random_state=np.random.default_rng(5))
    _compare(Coupling.from_unitary(u), frame)


def test_reversed_edge_makes_the_second_node_control():
    """``1-0`` with a controlled rotation: node 1 controls, i.e. the coupled case with the
    memristors exchanged (an independent check of the pair orientation)."""
    c = Coupling("cry", 0.2)
    fwd = MemristorNetwork((M2, M1), (Edge(0, 1, c),))
    rev = MemristorNetwork((M1, M2), (Edge(1, 0, c),))
    a = network_measures(fwd, propagate_density(fwd, (S2, S1), T))
    b = network_measures(rev, propagate_density(rev, (S1, S2), T))
    np.testing.assert_allclose(a.V[::-1], b.V, rtol=0, atol=TOL)
    np.testing.assert_allclose(a.I[::-1], b.I, rtol=0, atol=TOL)
