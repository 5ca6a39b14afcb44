"""Graphs, edge lists and the validation of network parameters."""

from __future__ import annotations

import pytest

from qmemristor.errors import ParameterError
from qmemristor.memristor import MemristorParams
from qmemristor.memristor.coupled import Coupling
from qmemristor.network import Edge, MemristorNetwork, step_plan, topology_edges


def test_named_topologies():
    assert topology_edges("chain", 4) == ((0, 1), (1, 2), (2, 3))
    assert topology_edges("ring", 4) == ((0, 1), (1, 2), (2, 3), (3, 0))
    assert topology_edges("ring", 2) == ((0, 1),)  # a two-node ring is one edge, not two
    assert topology_edges("star", 4) == ((0, 1), (0, 2), (0, 3))
    assert topology_edges("all", 3) == ((0, 1), (0, 2), (1, 2))
    assert topology_edges(" 2-0, 1-2 ", 3) == ((2, 0), (1, 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0-3", "node 3 is out of range 0…2"),
        ("0-1,1-0", "edge 1-0 is repeated"),
        ("1-1", "self-loop"),
        ("mesh", "unknown topology 'mesh'"),
        ("0-1,", "unknown topology"),
    ],
)
def test_bad_edge_lists(text, message):
    with pytest.raises(ParameterError, match=message):
        topology_edges(text, 3)


def test_validation():
    m = MemristorParams()
    with pytest.raises(ParameterError, match="unknown frame"):
        MemristorNetwork((m, m), (Edge(0, 1),), frame="rotating")
    with pytest.raises(ParameterError, match="unknown order"):
        MemristorNetwork((m, m), (Edge(0, 1),), order="random")
    with pytest.raises(ParameterError, match="out of range"):
        MemristorNetwork((m, m), (Edge(0, 2),))
    with pytest.raises(ParameterError, match="2 couplings for 3 edges"):
        MemristorNetwork.build(3, "ring", [Coupling(), Coupling()])


def test_symmetric_plan_is_half_gates_around_the_collisions():
    net = MemristorNetwork.build(3, "chain", Coupling("xy", 0.4), order="symmetric")
    plan = step_plan(net, 0.0, 0.1)
    assert [(g.i, g.j) for g in plan.before] == [(0, 1), (1, 2)]
    assert [(g.i, g.j) for g in plan.after] == [(1, 2), (0, 1)]
    full = Coupling("xy", 0.4).matrix
    half = plan.before[0].u
    assert abs(half @ half - full).max() < 1e-14  # two half gates make the full gate
