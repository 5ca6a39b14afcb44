"""N quantum memristors on a graph: model, exact density and quantum-jump backends, measures.

:mod:`~qmemristor.network.model` (nodes, edges, frames, gate orders),
:mod:`~qmemristor.network.density` (exact 2^N × 2^N density matrix),
:mod:`~qmemristor.network.trajectories` (quantum-jump unravelling of the collisions),
:mod:`~qmemristor.network.lindblad` (continuous-time reference, N ≤ 5),
:mod:`~qmemristor.network.measures` (⟨V⟩, ⟨I⟩, loops, concurrence, negativities, ...).
Physics only: arrays and frozen result objects; datasets are assembled in
:mod:`qmemristor.results.network`.
"""

from __future__ import annotations

from .density import MAX_DENSITY_NODES, density_memory_bytes, propagate_density
from .measures import NetworkResult, network_measures
from .model import (
    DEFAULT_FRAME,
    ORDERS,
    TOPOLOGIES,
    Edge,
    MemristorNetwork,
    parse_edges,
    step_plan,
    topology_edges,
)
from .simulate import BACKENDS, simulate_network
from .states import NetworkStates

__all__ = [
    "BACKENDS",
    "DEFAULT_FRAME",
    "MAX_DENSITY_NODES",
    "ORDERS",
    "TOPOLOGIES",
    "Edge",
    "MemristorNetwork",
    "NetworkResult",
    "NetworkStates",
    "density_memory_bytes",
    "network_measures",
    "parse_edges",
    "propagate_density",
    "simulate_network",
    "step_plan",
    "topology_edges",
]
