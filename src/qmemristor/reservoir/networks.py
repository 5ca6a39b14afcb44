"""The memristor-network reservoir: N coupled quantum memristors on a graph.

Encoding and holds are those of the single memristors
(:class:`~qmemristor.reservoir.reservoirs.DecayEncoding`, the same code): during hold k node
i decays at the constant rate ``Γ_ik = γ0 (1 + a_i u_k)``, every node is re-excited by
``R_x(kick)`` at the start of each hold (after a reset to |g⟩ in the memoryless control), and
the nodes are read ``V`` times per hold.  What the network adds are the edges: the
collisional protocol of :mod:`qmemristor.network` (:func:`~qmemristor.network.density.
step_density`, exact 2^N × 2^N density matrix) runs ``steps_per_read`` steps between two
reads, each step being every node's collision (amplitude damping with
``κ_i = −Γ_ik Δt/2``) followed by every edge's gate ``exp(−iδG)`` in the network's order and
frame, with ``δ = coupling · Δt`` (``coupling`` = g, the rate of the continuous-time limit,
units of ω) and ``Δt = hold/(V · steps_per_read)``.  With ``coupling = 0`` the gates are the
identity and the network is ``N`` independent :class:`MemristorReservoir` nodes (tested to
round-off).

Features, per read (Schrödinger picture, the picture in which a device measures):

* per node, the :data:`~qmemristor.reservoir.reservoirs.MEMRISTOR_OBSERVABLES` chosen
  (default ⟨σx⟩, ⟨σy⟩, ⟨σz⟩).  ⟨I_i⟩ = k(d⟨σy_i⟩/dt − ω⟨σx_i⟩) includes the interaction term
  ``Σ_{e ∋ i} Tr(ρ_e i[H_e(t), σy_i])`` (:func:`qmemristor.network.measures.
  interaction_torque`), which needs the whole two-node state of every edge, so ``current``
  is accepted only with ``correlators="all"``;
* per edge (i, j), the correlators ``⟨σa_i σb_j⟩``: ``"same"`` (default) the three
  ``a = b ∈ {x, y, z}``, ``"all"`` the nine ``a, b ∈ {x, y, z}``, ``"none"``.

Measurement settings (circuits per read, every node measured at once in its own basis): the
three settings "every node in x / y / z" give every ⟨σa_i⟩ and every same-axis correlator, so
``"none"`` and ``"same"`` cost 3.  For ``"all"`` every edge needs all nine basis pairs: with a
proper colouring of the graph in c colours (greedy) and an orthogonal array
OA(3^m, (3^m − 1)/2, 3, 2) (the Rao–Hamming construction: m = 2 gives 9 runs for up to 4
colours, m = 3 gives 27 for up to 13), setting r measures every node of colour c in the
basis of row r, column c; any two columns show all nine pairs, so 3^m settings suffice
(9 for chains, rings and stars).  Shot noise draws every measured column independently
(:mod:`qmemristor.reservoir.shots`); a device that reads a node and a correlator from the
same shots has the same variance per column, with correlations between columns.

Cost of the exact simulation: one density matrix of ``16 · 4^N`` bytes, ``(N + E)`` reduced
states per read.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..conventions import IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_finite
from ..memristor.interactions import FRAMES, INTERACTIONS, Coupling
from ..memristor.model import ConstantDecay, MemristorParams
from .reservoirs import (
    DecayEncoding,
    Features,
    _check_int,
    check_observables,
    node_features,
)

__all__ = [
    "CORRELATORS",
    "MAX_NETWORK_NODES",
    "NetworkReservoir",
    "measurement_bases",
    "measurement_settings",
]

#: Which pair correlators are read on every edge.
CORRELATORS: dict[str, tuple[str, ...]] = {
    "none": (),
    "same": ("xx", "yy", "zz"),
    "all": tuple(a + b for a in "xyz" for b in "xyz"),
}

#: Largest network the reservoir accepts.  The density backend steps 4^N entries per gate:
#: one default task (3 200 holds, 4 reads each, ring) measured 4.4 s CPU at N = 6, 13 s at 7
#: and 50 s at 8 — the five tasks of the table fit its 10-minute budget up to N = 8, not 9.
MAX_NETWORK_NODES = 8

_PAULI = {"x": SIGMA_X, "y": SIGMA_Y, "z": SIGMA_Z, "i": IDENTITY}


def _greedy_colours(n: int, edges: tuple[tuple[int, int], ...]) -> list[int]:
    """Colour of every node in a greedy proper colouring (nodes in order 0 … n−1)."""
    colour: list[int] = []
    for k in range(n):
        used = {colour[j] for i, j in edges if i == k and j < k}
        used |= {colour[i] for i, j in edges if j == k and i < k}
        colour.append(next(c for c in range(n) if c not in used))
    return colour


def measurement_bases(
    n: int, edges: tuple[tuple[int, int], ...], correlators: str
) -> NDArray[np.str_]:
    """The measurement settings of one read: the basis of every node, shape (settings, n).

    ``"none"``/``"same"``: every node in x, then y, then z.  ``"all"``: an orthogonal array
    OA(3^m, (3^m − 1)/2, 3, 2) over a greedy proper colouring (module docstring): row ``r``
    of Z₃^m gives colour class c the basis ``"xyz"[r·w_c mod 3]``, ``w_c`` the c-th non-zero
    vector of Z₃^m whose first non-zero entry is 1.  Two such vectors are linearly
    independent, so any two colours — hence the ends of any edge — see all nine basis pairs.
    """
    if correlators != "all" or not edges:
        return np.array([[b] * n for b in "xyz"])
    colour = _greedy_colours(n, edges)
    c = max(colour) + 1
    m = 2
    while (3**m - 1) // 2 < c:
        m += 1
    rows = np.array(list(itertools.product(range(3), repeat=m)))
    cols = [w for w in rows if np.any(w) and w[np.flatnonzero(w)[0]] == 1][:c]
    table = (rows @ np.array(cols).T) % 3  # (3^m, c)
    return np.array(list("xyz"))[table[:, colour]]


def measurement_settings(n: int, edges: tuple[tuple[int, int], ...], correlators: str) -> int:
    """Circuits per read that give every node Pauli and the chosen correlators."""
    return len(measurement_bases(n, edges, correlators))


@dataclass(frozen=True, kw_only=True)
class NetworkReservoir(DecayEncoding):
    """N quantum memristors on a graph with the input in their decay rates (module docstring).

    Parameters
    ----------
    nodes, virtual_nodes, gamma0, gain, hold, kick, omega, reset, seed
        The hold protocol (:class:`~qmemristor.reservoir.reservoirs.DecayEncoding`);
        ``2 ≤ nodes ≤`` :data:`MAX_NETWORK_NODES`.
    topology : str
        ``chain``, ``ring``, ``star``, ``all`` or an edge list ``"0-1,1-2"``
        (:func:`qmemristor.network.topology_edges`).
    interaction : str
        Gate of every edge (:data:`qmemristor.memristor.coupled.INTERACTIONS`).
    coupling : float
        Coupling rate g (units of ω); the gate angle per step is ``δ = g·Δt``.
    frame, order : str
        Where the gates act and their order in a step (:class:`qmemristor.network.
        MemristorNetwork`).
    steps_per_read : int
        Collision steps between two reads.
    observables : tuple of str
        Node observables (``current`` needs ``correlators="all"``).
    correlators : {"none", "same", "all"}
        Pair correlators read on every edge.
    """

    nodes: int = 6
    topology: str = "ring"
    interaction: str = "xx"
    coupling: float = 0.6
    frame: str = "lab"
    order: str = "forward"
    steps_per_read: int = 1
    observables: tuple[str, ...] = ("sigma_x", "sigma_y", "sigma_z")
    correlators: str = "same"
    name: str = field(default="network", init=False)

    def __post_init__(self) -> None:
        _check_int("nodes", self.nodes, 2)
        if self.nodes > MAX_NETWORK_NODES:
            raise ParameterError(
                f"a network reservoir has at most {MAX_NETWORK_NODES} nodes (got {self.nodes}): "
                "its exact density matrix costs 4^N per gate and step"
            )
        self._check_encoding(min_nodes=2)
        _check_int("steps_per_read", self.steps_per_read, 1)
        check_finite("coupling", self.coupling)
        if self.interaction not in INTERACTIONS:
            raise ParameterError(
                f"unknown interaction {self.interaction!r}; choose one of: "
                f"{', '.join(INTERACTIONS)}"
            )
        if self.frame not in FRAMES:
            raise ParameterError(
                f"unknown frame {self.frame!r}; choose one of: {', '.join(FRAMES)}"
            )
        check_observables(self.observables)
        if self.correlators not in CORRELATORS:
            raise ParameterError(
                f"unknown correlators {self.correlators!r}; choose one of: {', '.join(CORRELATORS)}"
            )
        if "current" in self.observables and self.correlators != "all":
            raise ParameterError(
                "the current of a coupled node needs every pair correlator: "
                "use correlators='all' or leave 'current' out"
            )
        _ = self.network  # builds and checks topology, frame and order

    @property
    def step(self) -> float:
        """Collision step Δt = hold / (V · steps_per_read)."""
        return self.hold / (self.virtual_nodes * self.steps_per_read)

    @cached_property
    def network(self):  # -> MemristorNetwork (lazy import keeps numba out of `import`)
        """The :class:`~qmemristor.network.MemristorNetwork`: graph, gates, frame and order."""
        from ..network.model import MemristorNetwork

        return MemristorNetwork.build(
            self.nodes,
            self.topology,
            Coupling(self.interaction, self.coupling * self.step),
            # the rates are set hold by hold (step_density); γ0 is only their mean
            memristor=MemristorParams(
                gamma0=self.gamma0, omega=self.omega, decay=ConstantDecay(self.gamma0)
            ),
            frame=self.frame,
            order=self.order,
        )

    @property
    def edges(self) -> tuple[tuple[int, int], ...]:
        return tuple(self.network.pairs)

    @property
    def settings(self) -> int:
        """Measurement settings per read (module docstring)."""
        return measurement_settings(self.nodes, self.edges, self.correlators)

    @property
    def features_per_read(self) -> int:
        return self.nodes * len(self.observables) + len(self.edges) * len(
            CORRELATORS[self.correlators]
        )

    # ----------------------------------------------------------------------------------------
    def states(self, u: ArrayLike) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
        """Reduced states at every read (Schrödinger picture, paper order).

        Returns ``single`` (n, V, N, 2, 2) and ``pairs`` (n, V, E, 4, 4), pair ``e`` in the
        order ``kron(i, j)`` of edge ``(i, j)``.
        """
        from ..memristor.model import InitialState
        from ..network.density import (
            apply_plan,
            damping_factors,
            initial_density,
            reduced_from_flat,
            rotate_node,
            step_density,
        )
        from ..network.model import StepPlan, _Gates
        from ..network.states import pair_phases, single_phases, to_schrodinger

        gam = self.rates(u)
        n, nn, v, sp = gam.shape[0], self.nodes, self.virtual_nodes, self.steps_per_read
        net = self.network
        gates = _Gates(net)
        edges = self.edges
        dt = self.step
        kick = self.kick_matrix
        reset = damping_factors(np.full(nn, -np.inf))
        rho = initial_density([InitialState.from_angles(math.pi / 2, 0.0)] * nn)  # |g…g⟩
        single = np.empty((n, v, nn, 2, 2), dtype=complex)
        pairs = np.empty((n, v, len(edges), 4, 4), dtype=complex)
        for k in range(n):
            t0 = k * self.hold
            if self.reset:
                apply_plan(rho, nn, StepPlan((), ()), reset)
            # R_x acts on the Schrödinger-picture state: U0(t)† R_x U0(t) on the stored one
            ph = np.exp(1j * self.omega * t0)
            framed = np.array([[1.0, ph], [ph.conjugate(), 1.0]]) * kick
            for i in range(nn):
                rotate_node(rho, nn, i, framed)
            kappa = -0.5 * gam[k] * dt
            for j in range(v):
                for s in range(sp):
                    ta = t0 + (j * sp + s) * dt
                    step_density(rho, net, ta, ta + dt, kappa, gates)
                for i in range(nn):
                    single[k, j, i] = reduced_from_flat(rho, nn, (i,))
                for m, e in enumerate(edges):
                    pairs[k, j, m] = reduced_from_flat(rho, nn, e)
        t = self.read_times(n).reshape(-1)
        sph = single_phases(net, t).reshape(nn, n, v, 2).transpose(1, 2, 0, 3)
        single = to_schrodinger(single, sph)
        for m, (i, j) in enumerate(edges):
            pairs[:, :, m] = to_schrodinger(
                pairs[:, :, m], pair_phases(net, i, j, t).reshape(n, v, 4)
            )
        return single, pairs

    def transform(self, u: ArrayLike) -> Features:
        gam = self.rates(u)
        single, pairs = self.states(u)
        n, v, nn = single.shape[:3]
        bloch = np.einsum("kvnij,cji->kvnc", single, np.stack([SIGMA_X, SIGMA_Y, SIGMA_Z])).real
        names_c = CORRELATORS[self.correlators]
        ops = (
            np.stack([np.kron(_PAULI[ab[0]], _PAULI[ab[1]]) for ab in names_c]) if names_c else None
        )
        corr = (
            np.einsum("kveij,cji->kvec", pairs, ops).real
            if ops is not None
            else np.empty((n, v, len(self.edges), 0))
        )
        measured = np.concatenate(
            [bloch.reshape(n, v, -1), corr.reshape(n, v, -1)], axis=-1
        ).reshape(n, -1)
        reads = np.repeat(gam[:, None, :], v, axis=1)
        assemble = partial(_network_features, layout=self._layout(reads))
        names = tuple(
            name
            for j in range(v)
            for name in (
                *(f"m{i}.v{j + 1}.{o}" for i in range(nn) for o in self.observables),
                *(f"e{a}-{b}.v{j + 1}.{c}" for a, b in self.edges for c in names_c),
            )
        )
        return Features(assemble(measured), names, measured, assemble, self.settings, v)

    def _layout(self, reads: NDArray[np.float64]) -> _Layout:
        return _Layout(
            gamma=reads,
            observables=self.observables,
            params=MemristorParams(omega=self.omega),
            nodes=self.nodes,
            correlators=CORRELATORS[self.correlators],
            network=self.network if "current" in self.observables else None,
            times=self.read_times(reads.shape[0]),
            step=self.step,
        )

    def describe(self) -> dict[str, object]:
        return {
            "reservoir": self.name,
            **self.describe_encoding(),
            "topology": self.topology,
            "edges": ",".join(f"{i}-{j}" for i, j in self.edges),
            "interaction": self.interaction,
            "coupling": self.coupling,
            "delta_per_step": self.coupling * self.step,
            "frame": self.frame,
            "order": self.order,
            "steps_per_read": self.steps_per_read,
            "observables": ",".join(self.observables),
            "correlators": self.correlators,
            "settings_per_read": self.settings,
            "backend": "density (exact, qmemristor.network)",
        }


@dataclass(frozen=True)
class _Layout:
    """What :func:`_network_features` needs to turn measured values into features."""

    gamma: NDArray[np.float64]  # (n, V, N) Γ at every read
    observables: tuple[str, ...]
    params: MemristorParams
    nodes: int
    correlators: tuple[str, ...]
    network: object | None  # MemristorNetwork when the current is read
    times: NDArray[np.float64]  # (n, V)
    step: float


def _pair_states(
    bloch: NDArray[np.float64], corr: NDArray[np.float64], edges: tuple[tuple[int, int], ...]
) -> NDArray[np.complex128]:
    """Two-node states ``¼ Σ_ab ⟨σa⊗σb⟩ σa⊗σb`` (a, b ∈ {1, x, y, z}) from all nine correlators.

    ``bloch`` (..., N, 3), ``corr`` (..., E, 9) in the order of ``CORRELATORS["all"]``;
    returns (E, ..., 4, 4).
    """
    out = []
    for m, (i, j) in enumerate(edges):
        rho = np.kron(IDENTITY, IDENTITY) / 4 + 0j
        rho = np.broadcast_to(rho, (*bloch.shape[:-2], 4, 4)).copy()
        for c, a in enumerate("xyz"):
            rho += bloch[..., i, c, None, None] * np.kron(_PAULI[a], IDENTITY) / 4
            rho += bloch[..., j, c, None, None] * np.kron(IDENTITY, _PAULI[a]) / 4
        for c, ab in enumerate(CORRELATORS["all"]):
            rho += corr[..., m, c, None, None] * np.kron(_PAULI[ab[0]], _PAULI[ab[1]]) / 4
        out.append(rho)
    return np.stack(out)


def _network_features(measured: NDArray[np.float64], *, layout: _Layout) -> NDArray[np.float64]:
    """Features (n, V·(N·O + E·C)) from measured values (n, V·(3N + E·C)) (module docstring)."""
    n, v, nn = layout.gamma.shape
    c = len(layout.correlators)
    per_read = measured.reshape(n, v, -1)
    bloch = per_read[..., : 3 * nn].reshape(n, v, nn, 3)
    corr = per_read[..., 3 * nn :].reshape(n, v, -1, c)
    torque = None
    if layout.network is not None:
        from ..network.measures import interaction_torque

        net = layout.network
        edges = tuple(net.pairs)  # type: ignore[attr-defined]
        ps = _pair_states(bloch, corr, edges).reshape(len(edges), n * v, 4, 4)
        tq = interaction_torque(
            net,  # type: ignore[arg-type]
            layout.times.reshape(-1),
            layout.step,
            [(m, False) for m in range(len(edges))],
            ps,
        )
        torque = tq.reshape(nn, n, v).transpose(1, 2, 0)
    node = node_features(
        bloch.reshape(n, -1),
        gamma=layout.gamma,
        observables=layout.observables,
        params=layout.params,
        torque=torque,
    )
    return np.concatenate([node.reshape(n, v, -1), corr.reshape(n, v, -1)], axis=-1).reshape(n, -1)
