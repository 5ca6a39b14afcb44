"""N quantum memristors on a graph: nodes, edges, frames and the gate order of one step.

A network has ``N`` memristors (nodes ``0 … N−1``), each a two-level system with its own
decay protocol Γ_k(t), frequency ω_k and scale ``k_k`` (:class:`~qmemristor.memristor.
MemristorParams`), and a list of edges ``(i, j)``, each with a two-body interaction
(:class:`~qmemristor.memristor.coupled.Coupling`: ``xx``, ``yy``, ``zz``, ``crx``, ``cry``,
``crz``, ``pswap``, ``xy`` or any 4×4 unitary) acting on ``kron(node i, node j)`` — node ``i``
is the *first* memristor of the pair, so in a controlled rotation ``i`` controls.

Basis: node 0 is the left-most tensor factor (the most significant bit), each node in the
paper order ``(|e⟩, |g⟩)``; for two nodes this is exactly the order of
:mod:`qmemristor.memristor.coupled` (``ee, eg, ge, gg``).

**One step** ``t_n → t_{n+1}`` (uniform step ``Δt``) of the collisional protocol, in the
interaction picture of the free Hamiltonian ``H0 = Σ_k ω_k n_k``:

1. every node's collision (amplitude damping with ``κ_k = −½ ∫ Γ_k`` over the step, exact);
2. every edge's gate ``A_e = exp(−i H_A,e)`` (``H_A = δ G``), in the order ``order``:

``forward`` (default)
    the edges in their listed order, each after all the collisions — for two nodes this is
    the coupled protocol (:mod:`qmemristor.digital.coupled`) exactly;
``reverse``
    the edges in reverse order;
``symmetric``
    a Strang splitting: the half gates ``exp(−i H_A,e/2)`` in listed order *before* the
    collisions, and the half gates in reverse order *after* them.  Time-symmetric, so its
    error against the continuous-time limit is second order in ``Δt`` (the other two are
    first order; ``tests/network/test_lindblad.py`` measures both slopes).

Gates on edges that share no node commute; on a graph where edges share nodes the forward and
reverse orders differ by ``O(δ²)`` per step, i.e. by ``O(Δt)`` over a fixed time.

**Frames** (those of the coupled case, :data:`~qmemristor.memristor.coupled.FRAMES`):
``interaction`` — the gate acts on the interaction-picture state as it is (the paper);
``lab`` — on the Schrödinger-picture state, i.e. in the interaction picture the gate is
``U0(t)† A U0(t)`` with ``U0(t) = exp(−i H0 t)`` restricted to the pair, at ``t = t_{n+1}``
(for the symmetric order the half gates before the collisions use ``t_n``).

**Continuous-time limit** (``g = δ/Δt`` fixed, ``Δt → 0``), Schrödinger picture::

    dρ/dt = −i[H0 + Σ_e H_e(t), ρ] + Σ_k Γ_k(t) D[σ−_k] ρ
    H_e(t) = U0(t) (H_A,e/Δt) U0(t)†   (interaction frame),   H_A,e/Δt   (lab frame)

(:mod:`qmemristor.network.lindblad`).  The memristive current of node ``k`` (generator rule
of :mod:`qmemristor.memristor.coupled`)::

    ⟨I_k⟩ = Γ_k ⟨V_k⟩ + k ⟨i[H_int(t), σy_k]⟩,    H_int = Σ_{e ∋ k} H_e(t)

so only the edges that touch ``k`` enter, each through the reduced state of its pair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from ..memristor.coupled import (
    DEFAULT_DELTA,
    FRAMES,
    LIBRARY_PRESET,
    CoupledPreset,
    Coupling,
    get_preset,
)
from ..memristor.model import MemristorParams

__all__ = [
    "DEFAULT_FRAME",
    "ORDERS",
    "TOPOLOGIES",
    "Edge",
    "GateSlot",
    "MemristorNetwork",
    "PairGate",
    "StepPlan",
    "collision_kappas",
    "pair_energies",
    "parse_edges",
    "plan_slots",
    "step_plan",
    "topology_edges",
]

#: Named graphs (:func:`topology_edges`); anything else is read as an edge list "0-1,1-2,...".
TOPOLOGIES = ("chain", "ring", "star", "all")

#: Gate orders of one step (module docstring).
ORDERS = ("forward", "reverse", "symmetric")

#: Frame used when none is given: the coupled case's (the paper's) convention.  Kept as an
#: explicit parameter everywhere so that the default can follow the coupled case's preset.
DEFAULT_FRAME = "interaction"

_EDGE = re.compile(r"^\s*(-?\d+)\s*-\s*(-?\d+)\s*$")


def topology_edges(topology: str, n: int) -> tuple[tuple[int, int], ...]:
    """Edges of a named graph on ``n`` nodes, or of an explicit list ``"0-1,1-2,..."``.

    ``chain``: ``(k, k+1)``; ``ring``: the chain closed by ``(n−1, 0)`` (for ``n ≥ 3``; for
    two nodes the ring is the chain); ``star``: ``(0, k)``, node 0 the hub; ``all``: every
    ``(i, j)`` with ``i < j``, in lexicographic order.  An explicit list keeps its order and
    direction (``"1-0"`` makes node 1 the first memristor of the pair).
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ParameterError(f"nodes must be an integer ≥ 1 (got {n!r})")
    n = int(n)
    key = str(topology).strip().lower()
    if key == "chain":
        return tuple((k, k + 1) for k in range(n - 1))
    if key == "ring":
        chain = tuple((k, k + 1) for k in range(n - 1))
        return (*chain, (n - 1, 0)) if n >= 3 else chain
    if key == "star":
        return tuple((0, k) for k in range(1, n))
    if key == "all":
        return tuple((i, j) for i in range(n) for j in range(i + 1, n))
    return parse_edges(str(topology), n)


def parse_edges(text: str, n: int) -> tuple[tuple[int, int], ...]:
    """An explicit edge list ``"0-1,1-2,..."`` on nodes ``0 … n−1``, checked.

    Refuses malformed items, nodes out of range, self-loops and repeated edges (``0-1`` and
    ``1-0`` are the same pair).
    """
    items = [s for s in str(text).split(",")]
    if not str(text).strip() or any(not s.strip() for s in items):
        raise ParameterError(
            f"unknown topology {text!r}; choose one of: {', '.join(TOPOLOGIES)} or an edge list "
            "like '0-1,1-2'"
        )
    edges: list[tuple[int, int]] = []
    seen: set[frozenset[int]] = set()
    for item in items:
        m = _EDGE.match(item)
        if m is None:
            raise ParameterError(
                f"unknown topology {text!r}; choose one of: {', '.join(TOPOLOGIES)} or an edge "
                "list like '0-1,1-2'"
            )
        i, j = int(m.group(1)), int(m.group(2))
        for k in (i, j):
            if not 0 <= k < n:
                raise ParameterError(f"edge {i}-{j}: node {k} is out of range 0…{n - 1}")
        if i == j:
            raise ParameterError(f"edge {i}-{j} is a self-loop")
        pair = frozenset((i, j))
        if pair in seen:
            raise ParameterError(f"edge {i}-{j} is repeated")
        seen.add(pair)
        edges.append((i, j))
    return tuple(edges)


@dataclass(frozen=True)
class Edge:
    """One interaction: the gate of ``coupling`` on ``kron(node i, node j)`` after every step."""

    i: int
    j: int
    coupling: Coupling = field(default_factory=lambda: Coupling("yy", DEFAULT_DELTA))

    def __post_init__(self) -> None:
        for name in ("i", "j"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
                raise ParameterError(f"edge node {name} must be an integer ≥ 0 (got {v!r})")
        if self.i == self.j:
            raise ParameterError(f"edge {self.i}-{self.j} is a self-loop")
        if not isinstance(self.coupling, Coupling):
            raise ParameterError("an edge's coupling must be a Coupling")


@dataclass(frozen=True)
class MemristorNetwork:
    """N memristors, the edges between them, the frame and the gate order of one step.

    Parameters
    ----------
    nodes : sequence of MemristorParams
        One per node: Γ_k(t), ω_k and the scale k of ⟨V⟩, ⟨I⟩.
    edges : sequence of Edge
        Interactions, in the order of ``order="forward"``; at most one edge per pair of nodes.
    frame : {"interaction", "lab"}
        Where the gates act (module docstring).
    order : {"forward", "reverse", "symmetric"}
        Gate order of one step (module docstring).
    """

    nodes: tuple[MemristorParams, ...]
    edges: tuple[Edge, ...] = ()
    frame: str = DEFAULT_FRAME
    order: str = "forward"

    def __post_init__(self) -> None:
        nodes = tuple(self.nodes)
        edges = tuple(self.edges)
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "edges", edges)
        if not nodes:
            raise ParameterError("a network needs at least one node")
        for k, m in enumerate(nodes):
            if not isinstance(m, MemristorParams):
                raise ParameterError(f"node {k} must be MemristorParams")
        seen: set[frozenset[int]] = set()
        for e in edges:
            if not isinstance(e, Edge):
                raise ParameterError("edges must be Edge objects")
            for k in (e.i, e.j):
                if k >= len(nodes):
                    raise ParameterError(
                        f"edge {e.i}-{e.j}: node {k} is out of range 0…{len(nodes) - 1}"
                    )
            pair = frozenset((e.i, e.j))
            if pair in seen:
                raise ParameterError(f"edge {e.i}-{e.j} is repeated")
            seen.add(pair)
        if self.frame not in FRAMES:
            raise ParameterError(
                f"unknown frame {self.frame!r}; choose one of: {', '.join(FRAMES)}"
            )
        if self.order not in ORDERS:
            raise ParameterError(
                f"unknown order {self.order!r}; choose one of: {', '.join(ORDERS)}"
            )

    @classmethod
    def build(
        cls,
        n: int,
        topology: str | Sequence[tuple[int, int]] = "chain",
        coupling: Coupling | str | Sequence[Coupling] | None = None,
        *,
        memristor: MemristorParams | Sequence[MemristorParams] | None = None,
        frame: str | None = None,
        order: str = "forward",
        preset: CoupledPreset | str | None = None,
    ) -> MemristorNetwork:
        """A network of ``n`` nodes on a named graph (or edge list) with one coupling per edge.

        ``coupling`` is one :class:`Coupling` for every edge, one per edge, or an interaction
        name (``"yy"``, ...) whose δ comes from the preset; ``memristor`` one parameter set for
        every node or one per node (default γ0 = 0.02, the coupled case's).  ``preset`` (a
        :class:`~qmemristor.memristor.coupled.CoupledPreset` or its name, e.g. ``"paper"``)
        fixes the frame and δ as for two coupled memristors; an explicit ``frame`` or a
        :class:`Coupling` overrides it.  Without a preset: the library defaults, the
        interaction frame and ``Coupling("yy", DEFAULT_DELTA)``.
        """
        pairs = (
            topology_edges(topology, n)
            if isinstance(topology, str)
            else parse_edges(",".join(f"{i}-{j}" for i, j in topology), n)
        )
        chosen = (
            get_preset(preset)
            if isinstance(preset, str)
            else (preset if preset is not None else LIBRARY_PRESET)
        )
        if not isinstance(chosen, CoupledPreset):
            raise ParameterError(f"preset must be a CoupledPreset or a name (got {preset!r})")
        if coupling is None:
            coupling = "yy"
        if isinstance(coupling, str):
            coupling = Coupling(coupling.strip().lower(), chosen.delta)
        cps = [coupling] * len(pairs) if isinstance(coupling, Coupling) else list(coupling)
        if len(cps) != len(pairs):
            raise ParameterError(f"{len(cps)} couplings for {len(pairs)} edges")
        if memristor is None:
            memristor = MemristorParams(gamma0=0.02)
        ms = [memristor] * n if isinstance(memristor, MemristorParams) else list(memristor)
        if len(ms) != n:
            raise ParameterError(f"{len(ms)} memristor parameter sets for {n} nodes")
        edges = tuple(Edge(i, j, c) for (i, j), c in zip(pairs, cps, strict=True))
        return cls(tuple(ms), edges, chosen.frame if frame is None else frame, order)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        """The edges as ``(i, j)``."""
        return tuple((e.i, e.j) for e in self.edges)

    def edges_of(self, k: int) -> tuple[int, ...]:
        """Indices of the edges that touch node ``k``."""
        return tuple(m for m, e in enumerate(self.edges) if k in (e.i, e.j))

    def as_attrs(self) -> dict[str, Any]:
        """Flat, serialisable description (stored with results)."""
        out: dict[str, Any] = {"nodes": self.n, "frame": self.frame, "order": self.order}
        out["edges"] = ",".join(f"{e.i}-{e.j}" for e in self.edges)
        names = {e.coupling.name for e in self.edges}
        deltas = {e.coupling.delta for e in self.edges if e.coupling.unitary is None}
        out["interaction"] = names.pop() if len(names) == 1 else "mixed"
        if len(deltas) == 1:
            out["delta"] = float(deltas.pop())
        out["edge_interactions"] = [e.coupling.name for e in self.edges]
        out["edge_deltas"] = [
            float(e.coupling.delta) if e.coupling.unitary is None else math.nan for e in self.edges
        ]
        out["gamma0"] = [m.gamma0 for m in self.nodes]
        out["omega"] = [m.omega for m in self.nodes]
        out["decay"] = [str(m.protocol.describe().get("decay_formula", "")) for m in self.nodes]
        return out


# --------------------------------------------------------------------------------------------
# one step
# --------------------------------------------------------------------------------------------


def pair_energies(network: MemristorNetwork, i: int, j: int) -> NDArray[np.float64]:
    """Diagonal of ``ω_i n_i + ω_j n_j`` in the local order ``ee, eg, ge, gg``."""
    wi, wj = network.nodes[i].omega, network.nodes[j].omega
    return np.array([wi + wj, wi, wj, 0.0])


def _unitary(h: NDArray[np.complex128], scale: float) -> NDArray[np.complex128]:
    w, v = np.linalg.eigh(h)
    return (v * np.exp(-1j * scale * w)) @ v.conj().T


@dataclass(frozen=True)
class PairGate:
    """A two-node unitary ``u`` (4×4, local order ``kron(i, j)``) in the interaction picture."""

    i: int
    j: int
    u: NDArray[np.complex128]


@dataclass(frozen=True)
class StepPlan:
    """The gates of one step: ``before`` the collisions and ``after`` them, in application order."""

    before: tuple[PairGate, ...]
    after: tuple[PairGate, ...]


class _Gates:
    """Each edge's full and half gate (paper order), built once per run."""

    def __init__(self, network: MemristorNetwork) -> None:
        self.full = []
        self.half = []
        for e in network.edges:
            c = e.coupling
            self.full.append(c.matrix)
            self.half.append(_unitary(c.step_hamiltonian, 0.5))
        self.energies = [pair_energies(network, e.i, e.j) for e in network.edges]


def _framed(
    network: MemristorNetwork, gates: _Gates, m: int, u: NDArray[np.complex128], t: float
) -> NDArray[np.complex128]:
    if network.frame == "interaction":
        return u
    ph = np.exp(1j * gates.energies[m] * t)  # U0(t)† A U0(t), U0 = diag(e^{−iEt})
    return ph[:, None] * u * ph.conj()[None, :]


@dataclass(frozen=True)
class GateSlot:
    """One gate of a step, by edge: ``half`` gate or full, framed at the step's start (``t0``)
    or end (``t1``).  The same for every step; :func:`step_plan` fills in the matrices."""

    edge: int
    half: bool
    at: str  # "t0" or "t1"


def plan_slots(network: MemristorNetwork) -> tuple[tuple[GateSlot, ...], tuple[GateSlot, ...]]:
    """The gates ``before`` and ``after`` the collisions of every step, in application order.

    The single description of the gate orders (module docstring), shared by
    :func:`step_plan` and the circuits of :mod:`qmemristor.digital.network`.
    """
    idx = list(range(len(network.edges)))
    if network.order == "symmetric":
        before = tuple(GateSlot(m, True, "t0") for m in idx)
        after = tuple(GateSlot(m, True, "t1") for m in idx[::-1])
        return before, after
    seq = idx if network.order == "forward" else idx[::-1]
    return (), tuple(GateSlot(m, False, "t1") for m in seq)


def step_plan(
    network: MemristorNetwork, t0: float, t1: float, gates: _Gates | None = None
) -> StepPlan:
    """The gate sequence of the step ``t0 → t1`` (module docstring: orders and frames)."""
    g = _Gates(network) if gates is None else gates
    e = network.edges

    def gate(slot: GateSlot) -> PairGate:
        u = g.half[slot.edge] if slot.half else g.full[slot.edge]
        t = t0 if slot.at == "t0" else t1
        return PairGate(e[slot.edge].i, e[slot.edge].j, _framed(network, g, slot.edge, u, t))

    before, after = plan_slots(network)
    return StepPlan(tuple(gate(s) for s in before), tuple(gate(s) for s in after))


def collision_kappas(network: MemristorNetwork, t: ArrayLike) -> NDArray[np.float64]:
    """``κ_k,n = −½ ∫_{t_n}^{t_{n+1}} Γ_k`` of every node and step, shape ``(N, len(t) − 1)``."""
    t = np.asarray(t, dtype=float)
    out = np.stack([-0.5 * m.protocol.integral(t[:-1], t[1:]) for m in network.nodes])
    if np.any(out > 0) or not np.all(np.isfinite(out)):
        raise ParameterError("every decay rate Γ_k(t) must be finite and ≥ 0")
    return out
