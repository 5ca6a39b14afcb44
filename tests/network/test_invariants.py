"""Invariants of the exact backend on random networks (Hypothesis): the whole state stays a
density matrix, reduced states agree with their parents, and sizes are refused up front."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmemristor.analysis.entanglement import partial_trace
from qmemristor.errors import ParameterError
from qmemristor.memristor import InitialState, MemristorParams, time_grid
from qmemristor.memristor.coupled import INTERACTIONS, Coupling
from qmemristor.network import MemristorNetwork, propagate_density, topology_edges
from qmemristor.network.density import MAX_DENSITY_NODES

bloch = st.tuples(*(st.floats(-1, 1),) * 3).filter(lambda r: sum(x * x for x in r) <= 1)


@st.composite
def networks(draw):
    n = draw(st.integers(2, 5))
    topo = draw(st.sampled_from(["chain", "ring", "star", "all"]))
    pairs = topology_edges(topo, n)
    cps = [
        Coupling(draw(st.sampled_from(list(INTERACTIONS))), draw(st.floats(-1.5, 1.5)))
        for _ in pairs
    ]
    mem = [MemristorParams(gamma0=draw(st.floats(0, 2))) for _ in range(n)]
    frame = draw(st.sampled_from(["interaction", "lab"]))
    order = draw(st.sampled_from(["forward", "reverse", "symmetric"]))
    net = MemristorNetwork.build(n, pairs, cps, memristor=mem, frame=frame, order=order)
    states = [InitialState(*draw(bloch)) for _ in range(n)]
    return net, states


@given(networks())
def test_state_stays_a_density_matrix(case):
    """Trace 1, Hermitian and positive after 12 steps.  Every map is CPTP; the round-off of
    12 × (N collisions + E gates) in-place updates is ~1e-15 per step, so 1e-12 bounds it."""
    net, states = case
    out = propagate_density(net, states, time_grid(1, 12), stride=0)
    rho = out.info["rho_final"]
    assert abs(np.trace(rho) - 1) < 1e-12
    assert np.abs(rho - rho.conj().T).max() < 1e-12
    assert np.linalg.eigvalsh(rho).min() > -1e-12
    # the stored reduced states are those of the whole state (the final one is in the
    # interaction picture: compare populations, which U0 leaves alone)
    for k in range(net.n):
        red = partial_trace(rho, [k])
        assert abs(red[0, 0] - out.single[k, -1, 0, 0]) < 1e-12


def test_refuses_a_network_that_does_not_fit():
    net = MemristorNetwork.build(MAX_DENSITY_NODES + 1, "chain")
    with pytest.raises(ParameterError, match="GiB per state"):
        propagate_density(net, InitialState(0, 0, 1), time_grid(1, 4))
