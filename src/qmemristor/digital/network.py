"""N memristors on a graph as circuits: reset layouts, local tomography, any backend.

The circuits of :mod:`qmemristor.network.model`'s protocol, built from the same blocks as one
memristor and two coupled ones — :func:`~.collision.append_collision`,
:func:`~.collision.append_preparation`, :func:`~.collision.append_readout` and
:func:`~.coupled.append_coupling_gate` (the native gates of :mod:`.interactions`) — so no gate
is written twice.  One step ``t_s → t_{s+1}``, in the order of
:func:`~qmemristor.network.model.plan_slots`::

    the gates before the collisions (symmetric order: half gates, framed at t_s)
    the collision of every node with its ancilla (node order)
    the gates after the collisions (framed at t_{s+1}; the edge order of the network)

In the ``lab`` frame each gate is wrapped in the free evolution of its time, as for two
memristors.  Everything runs in the interaction picture; before the readout every node gets
its phase ``P(−ω_k t_i)`` back to the Schrödinger picture.

**Layouts** (:data:`~.collision.LAYOUTS`): ``reset`` — one ancilla per node, reset before it is
used again: ``2N`` qubits; ``shared`` — one ancilla for all nodes, reset before every collision
but the first: ``N + 1`` qubits.  (A mixed initial state adds one purifier qubit.)  Registers:
``sys`` (``sys[k]`` = node ``k``), ``anc``, ``pur``, and the classical ``c`` (``c[k]`` = node
``k``).  The paper's layout (a fresh ancilla per collision) is not offered: ``N(i + 1)`` qubits
at ``t_i``.

**Tomography of the reduced states, not of the register.**  The measures need every node's
state and the two-node states of some pairs (every edge, for ⟨I⟩; every pair up to N = 8 for
the concurrence).  One *setting* measures every node at once, node ``k`` in ``σ_{b_k}``, so a
setting gives every node's ⟨σ_{b_k}⟩ and every pair's ``⟨σ_{b_i} ⊗ σ_{b_j}⟩``.  The settings
of :func:`tomography_settings` give every needed pair all nine combinations: the nodes are
coloured so that the two nodes of a needed pair differ, each colour is a direction ``v`` of
``Z_3^d`` (no two parallel), and setting ``x ∈ Z_3^d`` measures node ``k`` in letter
``⟨v_k, x⟩ mod 3``.  Then every needed pair sees each of the nine combinations in ``3^{d−2}``
settings and every node each axis in ``3^{d−1}``: ``3^d`` settings, with ``d = 2`` (9
settings) whenever four colours suffice — chains, rings, stars and any planar graph of edges —
and ``d = 3`` (27) for all pairs of 5…13 nodes.  A run has ``n_t · 3^d`` circuits; the
estimates pool every setting that measures a quantity.

**Backends** (:class:`qmemristor.options.Execution`): ``density`` — the exact density backend
of :mod:`qmemristor.network.density`; ``sampled`` — the exact outcome distribution of every
circuit (its all-node measurement on the exact state, :func:`~qmemristor.network.pauli.
measurement_probabilities`), then seeded multinomial shots; ``aer`` (method chosen by size:
``density_matrix`` to 10 qubits, ``statevector`` to 24, else ``matrix_product_state``),
``fake:NAME``, any ``BackendV2`` or ``SamplerV2`` — the circuits themselves, with the
mitigation of the execution.  A resource estimate (qubits, circuits, shots, simulator work)
is made before anything is built, and an impossible run is refused with one line.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Qubit

from ..conventions import QISKIT_PAULI_SIGN
from ..errors import ParameterError
from ..memristor import InitialState, kappa
from ..memristor.coupled import Coupling
from ..network.measures import edge_hamiltonian
from ..network.model import GateSlot, MemristorNetwork, _unitary, plan_slots
from ..network.pauli import PAULIS, measurement_probabilities
from ..network.states import (
    NetworkStates,
    check_grid,
    check_partitions,
    check_states,
    merge_pairs,
    nan_array,
)
from ..options import Execution
from .collision import (
    Layout,
    append_preparation,
    append_readout,
    collision_angle,
    get_layout,
    is_pure,
)
from .coupled import append_coupling_gate
from .estimate import physical_density
from .execute import (
    ResourceEstimate,
    _fmt_bytes,
    _is_estimator,
    estimate_resources,
    execute_circuits,
    sampled_measurements,
)
from .folding import realised_scale, step_folds
from .mitigation import Measurements

__all__ = [
    "NETWORK_LAYOUTS",
    "NetworkProtocol",
    "NetworkRun",
    "build_network_protocol",
    "estimate_network_run",
    "network_aer_method",
    "network_protocol_circuit",
    "network_protocol_circuits",
    "network_states_from_run",
    "run_network_protocol",
    "simulate_network_circuits",
    "tomography_settings",
]

#: The layouts a network runs in (module docstring).
NETWORK_LAYOUTS = ("reset", "shared")
#: Largest outcome tables kept in memory (counts of every circuit, scale and outcome).
MAX_COUNT_BYTES = 2 * 2**30
#: Bootstrap resamplings of the tomography for the standard error of the Wootters quantity.
BOOTSTRAP = 100


# --------------------------------------------------------------------------------------------
# settings
# --------------------------------------------------------------------------------------------


def _directions(d: int) -> list[tuple[int, ...]]:
    """Points of the projective space over ``Z_3^d``: nonzero vectors, first nonzero = 1."""
    out = []
    for v in itertools.product(range(3), repeat=d):
        nz = [x for x in v if x]
        if nz and nz[0] == 1:
            out.append(v)
    return out


def _colouring(n: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """A proper colouring of the graph of ``pairs`` (largest degree first, smallest free colour)."""
    nbr: list[set[int]] = [set() for _ in range(n)]
    for i, j in pairs:
        nbr[i].add(j)
        nbr[j].add(i)
    colour = [-1] * n
    for k in sorted(range(n), key=lambda k: (-len(nbr[k]), k)):
        used = {colour[j] for j in nbr[k]}
        colour[k] = next(c for c in itertools.count() if c not in used)
    return colour


def tomography_settings(n: int, pairs: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """Measurement settings (one letter x/y/z per node) for the nodes and ``pairs`` of a network.

    ``3^d`` settings; every node sees each letter in ``3^{d−1}`` of them and every pair of
    ``pairs`` each of the nine letter combinations in ``3^{d−2}`` (module docstring).
    """
    colour = _colouring(n, pairs) if n else []
    ncol = max(colour, default=0) + 1
    d = 1 if not pairs else 2
    while (3**d - 1) // 2 < ncol:
        d += 1
    dirs = _directions(d)
    vecs = [dirs[c] for c in colour]
    out = tuple(
        "".join("xyz"[sum(a * b for a, b in zip(v, x, strict=True)) % 3] for v in vecs)
        for x in itertools.product(range(3), repeat=d)
    )
    for i, j in pairs:  # the design's promise, checked
        if len({(s[i], s[j]) for s in out}) != 9:  # pragma: no cover - by construction
            raise RuntimeError(f"settings miss a combination of pair {i}-{j}")
    return out


# --------------------------------------------------------------------------------------------
# circuits
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkProtocol:
    """Everything the circuits of one network run need.

    Attributes
    ----------
    network : MemristorNetwork
    states : tuple of InitialState
        One per node.
    t : ndarray, shape (n + 1,)
        Uniform grid from 0.
    phi : ndarray, shape (N, n)
        Collision angles of every node and step (``cos(φ/2) = e^κ``).
    lam : ndarray, shape (N, n + 1)
        Free-evolution phases ``−ω_k t_i``.
    before, after : tuple of GateSlot
        The gates of a step (:func:`~qmemristor.network.model.plan_slots`).
    full, half : tuple of Coupling
        Each edge's gate and half gate (``exp(−iδG/2)``; for a user unitary its principal
        square root), as couplings whose circuits :mod:`.interactions` builds.
    """

    network: MemristorNetwork
    states: tuple[InitialState, ...]
    t: NDArray[np.float64]
    phi: NDArray[np.float64]
    lam: NDArray[np.float64]
    before: tuple[GateSlot, ...]
    after: tuple[GateSlot, ...]
    full: tuple[Coupling, ...]
    half: tuple[Coupling, ...]

    @property
    def steps(self) -> int:
        return int(self.phi.shape[1])

    @property
    def dt(self) -> float:
        return float(self.t[1] - self.t[0]) if self.t.size > 1 else math.nan

    @property
    def num_mixed(self) -> int:
        return sum(not is_pure(s) for s in self.states)

    @property
    def blocks_per_step(self) -> int:
        """Collisions and gates of one step (for resource estimates)."""
        return self.network.n + len(self.before) + len(self.after)


def _half_coupling(c: Coupling) -> Coupling:
    if c.unitary is None:
        return Coupling(c.name, c.delta / 2)
    return Coupling.from_unitary(_unitary(c.step_hamiltonian, 0.5))


def build_network_protocol(
    network: MemristorNetwork, states: InitialState | Sequence[InitialState], t: ArrayLike
) -> NetworkProtocol:
    """Collision angles and phases of every node on the uniform grid ``t`` (from 0)."""
    sts = check_states(network, states)
    t, _ = check_grid(t)
    phi = np.stack([collision_angle(kappa(m.protocol, t[1:], t[:-1])) for m in network.nodes])
    lam = np.stack([-m.omega * t for m in network.nodes])
    before, after = plan_slots(network)
    full = tuple(e.coupling for e in network.edges)
    return NetworkProtocol(
        network, sts, t, phi, lam, before, after, full, tuple(_half_coupling(c) for c in full)
    )


def _check_layout(layout: str | Layout) -> Layout:
    lay = get_layout(layout)
    if lay.name not in NETWORK_LAYOUTS:
        raise ParameterError(
            f"a network runs in the reset layouts: reset (2N qubits) or shared (N + 1 qubits), "
            f"not {lay.name!r}"
        )
    return lay


def _check_setting(setting: str, n: int) -> str:
    if len(setting) != n or any(b not in "xyz" for b in setting):
        raise ParameterError(f"a setting is one letter x, y or z per node ({n}), got {setting!r}")
    return setting


def _registers(
    lay: Layout, n: int, steps: int, n_mixed: int, measure: bool
) -> tuple[QuantumCircuit, list[Qubit], list[list[Qubit]], list[Qubit]]:
    sys_reg = QuantumRegister(n, "sys")
    regs: list = [sys_reg]
    n_anc = lay.num_ancilla_qubits(steps, n)
    ancillas: list[list[Qubit]] = [[] for _ in range(n)]
    if n_anc:
        anc = QuantumRegister(n_anc, "anc")
        regs.append(anc)
        ancillas = [[anc[0]] if lay.shared else [anc[k]] for k in range(n)]
    pur = QuantumRegister(n_mixed, "pur") if n_mixed else None
    if pur is not None:
        regs.append(pur)
    if measure:
        regs.append(ClassicalRegister(n, "c"))
    return QuantumCircuit(*regs), list(sys_reg), ancillas, (list(pur) if pur is not None else [])


def network_protocol_circuit(
    protocol: NetworkProtocol,
    index: int,
    setting: str,
    layout: str | Layout = "reset",
    *,
    measure: bool = True,
    barriers: bool = False,
    fold: float = 1.0,
) -> QuantumCircuit:
    """The circuit that measures ``setting`` (one letter per node) at the time ``t[index]``.

    Preparation of every node, ``index`` steps (module docstring), the free-evolution phases,
    the basis changes, and (if ``measure``) every node into ``c``.  ``fold`` is the noise scale
    of zero-noise extrapolation: every collision and gate of step ``k`` is folded into
    :func:`~.folding.step_folds` copies (never a reset or a measurement).
    """
    lay = _check_layout(layout)
    net = protocol.network
    n = net.n
    setting = _check_setting(setting, n)
    if not 0 <= int(index) <= protocol.steps:
        raise ParameterError(f"index must be in [0, {protocol.steps}] (got {index})")
    index = int(index)
    qc, systems, ancillas, purifiers = _registers(lay, n, index, protocol.num_mixed, measure)
    pur = iter(purifiers)
    for q, state in zip(systems, protocol.states, strict=True):
        append_preparation(qc, state, q, None if is_pure(state) else next(pur))
    if barriers:
        qc.barrier()
    folds = step_folds(index, fold)
    lab = net.frame == "lab"

    def gates(slots: tuple[GateSlot, ...], circ: QuantumCircuit, k: int) -> None:
        for slot in slots:
            e = net.edges[slot.edge]
            col = k if slot.at == "t0" else k + 1
            lam = (float(protocol.lam[e.i, col]), float(protocol.lam[e.j, col])) if lab else None
            coupling = protocol.half[slot.edge] if slot.half else protocol.full[slot.edge]
            append_coupling_gate(
                circ, coupling, systems[e.i], systems[e.j], lam, fold=int(folds[k])
            )

    lay.append_steps(
        qc,
        systems,
        ancillas,
        list(protocol.phi[:, :index]),
        before=(lambda c, k: gates(protocol.before, c, k)) if protocol.before else None,
        between=lambda c, k: gates(protocol.after, c, k),
        barriers=barriers,
        fold=fold,
    )
    for k, (q, b) in enumerate(zip(systems, setting, strict=True)):
        append_readout(qc, protocol.lam[k, index], b, q)
    if measure:
        qc.measure(systems, list(qc.clbits))
    qc.name = f"network_{n}_{lay.name}_t{index}_{setting}"
    qc.metadata = {
        "index": index,
        "t": float(protocol.t[index]),
        "setting": setting,
        "layout": lay.name,
        "frame": net.frame,
        "order": net.order,
        "noise_scale": realised_scale(index, fold),
    }
    return qc


def network_protocol_circuits(
    protocol: NetworkProtocol,
    layout: str | Layout = "reset",
    settings: Sequence[str] | None = None,
    *,
    measure: bool = True,
    fold: float = 1.0,
) -> list[QuantumCircuit]:
    """All circuits of a run, time-major: ``[(t_0, s_0), (t_0, s_1), ..., (t_1, s_0), ...]``."""
    if settings is None:
        settings = tomography_settings(protocol.network.n, merge_pairs(protocol.network, None))
    return [
        network_protocol_circuit(protocol, i, s, layout, measure=measure, fold=fold)
        for i in range(protocol.steps + 1)
        for s in settings
    ]


# --------------------------------------------------------------------------------------------
# exact outcome distributions (sampled backend)
# --------------------------------------------------------------------------------------------


def _measured_axes(protocol: NetworkProtocol, index: int, setting: str) -> NDArray[np.float64]:
    """Axes ``(N, 3)`` on the interaction-picture state of a setting measured at ``t[index]``.

    The readout phase ``P(−ω t)`` turns a Schrödinger-picture σ into ``U0† σ U0``:
    ``σx → cos(ωt) σx − sin(ωt) σy``, ``σy → sin(ωt) σx + cos(ωt) σy``, ``σz → σz``.
    """
    axes = np.zeros((len(setting), 3))
    for k, b in enumerate(setting):
        wt = -float(protocol.lam[k, index])
        c, s = math.cos(wt), math.sin(wt)
        axes[k] = {"x": (c, -s, 0.0), "y": (s, c, 0.0), "z": (0.0, 0.0, 1.0)}[b]
    return axes


def _qiskit_flip(setting: str) -> int:
    """Bits to flip from "reads −1" (paper) to Qiskit's outcome bits (|1⟩ = |e⟩)."""
    return sum(1 << k for k, b in enumerate(setting) if QISKIT_PAULI_SIGN[b] < 0)


def network_probabilities(
    protocol: NetworkProtocol, settings: Sequence[str]
) -> NDArray[np.float64]:
    """Exact outcome distributions of every circuit, shape ``(n_t, n_settings, 2^N)``.

    Column ``c`` is the outcome whose bit ``k`` is ``c[k]`` (node ``k``), Qiskit's convention
    (after the basis changes, 0 = the +1 eigenvector of Qiskit's X, Y or Z).  From the exact
    state of :mod:`qmemristor.network.pauli`, stepped once through the run.
    """
    from ..network.density import damping_factors
    from ..network.model import collision_kappas
    from ..network.pauli import PauliStepper, initial_pauli

    net = protocol.network
    n = net.n
    out = np.empty((protocol.t.size, len(settings), 2**n))
    stepper = PauliStepper(net)
    factors = damping_factors(collision_kappas(net, protocol.t))
    r = initial_pauli(protocol.states)
    flips = [_qiskit_flip(s) for s in settings]
    outcomes = np.arange(2**n)
    for i in range(protocol.t.size):
        if i:
            stepper.step(r, float(protocol.t[i - 1]), float(protocol.t[i]), factors[:, i - 1])
        for j, s in enumerate(settings):
            p = measurement_probabilities(r, n, _measured_axes(protocol, i, s))
            out[i, j] = p[outcomes ^ flips[j]]
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------------


def network_aer_method(num_qubits: int) -> str:
    """Aer's method for circuits of ``num_qubits``: ``density_matrix`` (resets are exact, shots
    free) to 10 qubits (16·4^q bytes: 16 MiB), ``statevector`` to 24 (one pass per shot with
    resets; 256 MiB), else ``matrix_product_state``."""
    if num_qubits <= 10:
        return "density_matrix"
    if num_qubits <= 24:
        return "statevector"
    return "matrix_product_state"


@dataclass(frozen=True)
class NetworkRun:
    """Outcome statistics of every tomography circuit of a network run.

    Attributes
    ----------
    protocol : NetworkProtocol
    settings : tuple of str
        One letter per node and setting.
    pairs : tuple of (int, int)
        The pairs whose two-node states are estimated (every edge among them).
    shots : int or None
        Shots per circuit (``None``: exact probabilities were used).
    measurements : Measurements or None
        Counts of every circuit and noise scale (shape ``(S, n_t·n_settings, 2^N)``, time-major)
        and readout calibrations.
    probabilities : ndarray, shape (n_t, n_settings, 2^N), or None
        Exact outcome distributions (``sampled``).
    backend, layout : str
    seed : int or None
    info : dict
        Circuits, settings, qubits, method, resource estimate, mitigation accounting.
    """

    protocol: NetworkProtocol
    settings: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    shots: int | None
    measurements: Measurements | None
    probabilities: NDArray[np.float64] | None
    backend: str
    layout: str
    seed: int | None
    extrapolation: str = "exponential-shared"
    info: dict[str, Any] = field(default_factory=dict)


def _estimate(
    ex: Execution, lay: Layout, protocol: NetworkProtocol, n_set: int
) -> ResourceEstimate:
    """The run's resource estimate; ``sampled`` steps the exact state once (``8·4^N`` bytes,
    ``4^N`` updates per gate and step) and reads ``3^N`` entries per setting and time."""
    n = protocol.network.n
    est = estimate_resources(
        ex,
        lay,
        protocol.steps,
        n_set,
        mixed=protocol.num_mixed,
        systems=n,
        blocks_per_step=protocol.blocks_per_step,
        check=False,
    )
    if est.method == "matrix_product_state":
        # Aer's MPS cost depends on the entanglement (bond dimension), which is not known
        # before the run; with resets it runs once per shot.  Counted as statevector
        # trajectories of the same circuits, so that a run of hours is refused up front
        # rather than started (e.g. 13 nodes, 20 periods, 5000 shots: ~1e17 updates).
        sv = estimate_resources(
            ex.replace(aer_method="statevector"),
            lay,
            protocol.steps,
            n_set,
            mixed=protocol.num_mixed,
            systems=n,
            blocks_per_step=protocol.blocks_per_step,
            check=False,
        )
        return ResourceEstimate(est.qubits, est.circuits, est.shots, est.method, 0.0, sv.work)
    if ex.backend != "sampled":
        return est
    n_t = protocol.steps + 1
    work = float(n_t * (4**n * protocol.blocks_per_step + n_set * 3**n))
    return ResourceEstimate(est.qubits, est.circuits, est.shots, "exact", 8.0 * 4**n, work)


@dataclass(frozen=True)
class _Prepared:
    execution: Execution
    layout: Layout
    protocol: NetworkProtocol
    pairs: tuple[tuple[int, int], ...]
    settings: tuple[str, ...]
    estimate: ResourceEstimate


def _prepare(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    execution: Execution | None,
    pairs: Sequence[tuple[int, int]] | None,
) -> _Prepared:
    """Validate a circuit run and estimate it, before any circuit is built."""
    ex = execution if execution is not None else Execution(backend="sampled", layout="reset")
    if not isinstance(ex, Execution):
        raise ParameterError(f"execution must be an Execution (got {type(ex).__name__})")
    if ex.backend == "density":
        raise ParameterError("the density backend runs no circuits: use propagate_density")
    if _is_estimator(ex.backend):
        raise ParameterError(
            "a network is read out by tomography from counts: use a SamplerV2 or a BackendV2, "
            "not an EstimatorV2"
        )
    lay = _check_layout(ex.layout)
    protocol = build_network_protocol(network, states, t)
    pair_list = merge_pairs(network, pairs)
    settings = tomography_settings(network.n, pair_list)
    if ex.backend == "aer" and ex.aer_method is None:
        q = lay.num_qubits(protocol.steps, mixed=protocol.num_mixed, systems=network.n)
        ex = ex.replace(aer_method=network_aer_method(q))
    estimate = _estimate(ex, lay, protocol, len(settings))
    table = estimate.circuits * 2**network.n * 8
    if table > MAX_COUNT_BYTES:
        raise ParameterError(
            f"{network.n} nodes: the outcome tables of {estimate.circuits} circuits need "
            f"{_fmt_bytes(table)} (at most {_fmt_bytes(MAX_COUNT_BYTES)}); use fewer nodes, "
            "time points or pairs"
        )
    estimate.check(lay.name)
    return _Prepared(ex, lay, protocol, pair_list, settings, estimate)


def estimate_network_run(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    execution: Execution | None = None,
    *,
    pairs: Sequence[tuple[int, int]] | None = None,
) -> tuple[ResourceEstimate, int]:
    """The resource estimate of a circuit run and its number of tomography settings.

    Raises :class:`~qmemristor.errors.ParameterError` (one line) for a run that cannot be
    done; a device's own limits (width, reset) are checked when the run starts, before any
    circuit is built.
    """
    prep = _prepare(network, states, t, execution, pairs)
    return prep.estimate, len(prep.settings)


def run_network_protocol(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    execution: Execution | None = None,
    *,
    pairs: Sequence[tuple[int, int]] | None = None,
) -> NetworkRun:
    """Run the tomography circuits of a network on ``execution``'s backend (not ``density``).

    ``pairs`` are the pairs whose two-node states are measured (default
    :func:`~qmemristor.network.states.default_pairs`; every edge is always among them).  The
    resource estimate is checked before any circuit is built: a run beyond the machine's memory,
    the simulator work limit, the device's width or :data:`MAX_COUNT_BYTES` of outcome tables
    is refused with one line.
    """
    prep = _prepare(network, states, t, execution, pairs)
    ex, lay, protocol, settings = prep.execution, prep.layout, prep.protocol, prep.settings
    n_t = protocol.t.size
    info: dict[str, Any] = {
        "num_circuits": n_t * len(settings),
        "num_settings": len(settings),
        "settings": ",".join(settings),
        "max_qubits": prep.estimate.qubits,
        "estimate": prep.estimate.record(),
    }
    if ex.aer_method is not None:
        info["method"] = ex.aer_method
    m = ex.mitigation
    common: dict[str, Any] = {
        "layout": lay.name,
        "seed": ex.seed,
        "extrapolation": m.extrapolation,
        "info": info,
    }
    if ex.backend == "sampled":
        probs = network_probabilities(protocol, settings)
        flat = probs.reshape(-1, 2**network.n)
        flat = flat / flat.sum(axis=1, keepdims=True)

        def draw(rng: np.random.Generator) -> NDArray[np.int64]:
            return rng.multinomial(ex.shots, flat).astype(np.int64)

        index = np.repeat(np.arange(n_t), len(settings))
        meas = sampled_measurements(draw, ex, index, network.n, info)
        return NetworkRun(
            protocol, settings, prep.pairs, ex.shots, meas, probs, "sampled", **common
        )
    meas, name = execute_circuits(
        lambda fold: network_protocol_circuits(protocol, lay, settings, fold=fold),
        ex,
        lay,
        info=info,
        estimate=prep.estimate,
        nbits=network.n,
    )
    return NetworkRun(protocol, settings, prep.pairs, ex.shots, meas, None, name, **common)


# --------------------------------------------------------------------------------------------
# estimates → reduced states
# --------------------------------------------------------------------------------------------


def _functionals(n: int, pairs: Sequence[tuple[int, int]]) -> NDArray[np.float64]:
    """Rows ``(−1)^{c_k}`` of every node, then ``(−1)^{c_i + c_j}`` of every pair."""
    bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    z = 1.0 - 2.0 * bits.T.astype(float)  # (n, 2^n)
    rows = [z[k] for k in range(n)] + [z[i] * z[j] for i, j in pairs]
    return np.array(rows)


def _pooled(
    values: NDArray[np.float64], errors: NDArray[np.float64], use: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean over the settings ``use`` (last axis of ``values``: settings) and its SE."""
    cnt = use.sum()
    mean = values[..., use].sum(axis=-1) / cnt
    err = np.sqrt((errors[..., use] ** 2).sum(axis=-1)) / cnt
    return mean, err


def _estimates(run: NetworkRun) -> tuple[NDArray, NDArray]:
    """Paper-basis values and SEs of every functional, shape ``(n_t, n_settings, F)``."""
    n = run.protocol.network.n
    f = _functionals(n, run.pairs)
    n_t, n_s = run.protocol.t.size, len(run.settings)
    if run.measurements is None:  # pragma: no cover - every shot-based run has measurements
        raise ParameterError("a run without measurements has no estimates")
    meas = run.measurements
    est = meas.estimates(f, extrapolation=run.extrapolation)
    if "mitigation" in run.info:
        run.info["mitigation"]["exponential_fallbacks"] = int(est["fallback"].sum())
    val = est["value"].reshape(n_t, n_s, -1)
    err = est["error"].reshape(n_t, n_s, -1)
    sign = np.array([[QISKIT_PAULI_SIGN[b] for b in s] for s in run.settings])  # (n_s, n)
    psign = (
        np.stack([sign[:, i] * sign[:, j] for i, j in run.pairs], axis=1)
        if run.pairs
        else (np.zeros((n_s, 0)))
    )
    allsign = np.concatenate([sign, psign], axis=1)  # (n_s, F)
    return val * allsign[None], err


def _current_errors(
    network: MemristorNetwork,
    t: NDArray[np.float64],
    dt: float,
    pairs: Sequence[tuple[int, int]],
    single_err: NDArray[np.float64],
    t_err: NDArray[np.float64],
) -> NDArray[np.float64]:
    """SE of ``⟨I_k⟩ = Γ_k⟨V_k⟩ + k Σ_e Tr(ρ_e · i[H_e, σy_k])``, linear in the estimates.

    With ``ρ_e = ¼ Σ_ab T_ab σa⊗σb`` every term is ``Σ_ab w_ab T_ab`` with
    ``w_ab = ¼ Tr(σa⊗σb · i[H_e, σy_k])``; the estimates of different settings are independent,
    so the variances add (correlations between quantities of one setting are left out: the
    marginal error, as for one memristor).
    """
    n = network.n
    kk = np.array([m.k for m in network.nodes])[:, None]
    gamma = np.stack([m.protocol.rate(t) for m in network.nodes])
    var = (0.5 * kk * gamma * single_err[..., 1]) ** 2  # Γ_k V_k, V = −(k/2)σy
    p2 = np.einsum("aij,bkl->abikjl", PAULIS, PAULIS).reshape(4, 4, 4, 4)
    sy = [np.kron(PAULIS[2], PAULIS[0]), np.kron(PAULIS[0], PAULIS[2])]
    index = {p: q for q, p in enumerate(pairs)}
    for m, e in enumerate(network.edges):
        h = edge_hamiltonian(network, m, t, dt)
        q = index.get((e.i, e.j))
        te = t_err[q] if q is not None else np.swapaxes(t_err[index[(e.j, e.i)]], -1, -2)
        for pos, k in enumerate((e.i, e.j)):
            comm = 1j * (h @ sy[pos] - sy[pos] @ h)  # (n_t, 4, 4)
            w = 0.25 * np.real(np.einsum("abij,tji->tab", p2, comm))  # (n_t, 4, 4)
            var[k] += (kk[k, 0] ** 2) * np.sum((w * te) ** 2, axis=(1, 2))
    return np.sqrt(var)[:n]


def network_states_from_run(run: NetworkRun, *, bootstrap: int = BOOTSTRAP) -> NetworkStates:
    """The reduced states of a circuit run as :class:`~qmemristor.network.states.NetworkStates`.

    Node ``k``'s ⟨σa⟩ pools every setting measuring it in ``a``; a pair's ``⟨σa ⊗ σb⟩`` every
    setting with that combination; the states ``(1 + r·σ)/2`` and ``¼ Σ T_ab σa⊗σb`` are
    projected onto the closest physical states (:func:`~.estimate.physical_density`).
    Whole-register negativities are not measured (NaN).  ``errors``: ``single`` (standard
    errors of ⟨σx, σy, σz⟩), ``current`` (of ⟨I⟩, propagated), ``wootters`` (parametric
    bootstrap of the pair tomography, ``bootstrap`` resamplings, seeded from the run's seed).
    """
    proto = run.protocol
    net = proto.network
    n = net.n
    val, err = _estimates(run)  # (n_t, n_s, F)
    settings = run.settings
    n_t = proto.t.size
    bloch = np.empty((n, n_t, 3))
    bloch_err = np.empty((n, n_t, 3))
    for k in range(n):
        for a, letter in enumerate("xyz"):
            use = np.array([s[k] == letter for s in settings])
            bloch[k, :, a], bloch_err[k, :, a] = _pooled(val[..., k], err[..., k], use)
    tt = np.zeros((len(run.pairs), n_t, 4, 4))
    tt_err = np.zeros_like(tt)
    for q, (i, j) in enumerate(run.pairs):
        tt[q, :, 0, 0] = 1.0
        tt[q, :, 1:, 0], tt_err[q, :, 1:, 0] = bloch[i], bloch_err[i]
        tt[q, :, 0, 1:], tt_err[q, :, 0, 1:] = bloch[j], bloch_err[j]
        for a, la in enumerate("xyz"):
            for b, lb in enumerate("xyz"):
                use = np.array([s[i] == la and s[j] == lb for s in settings])
                v, e = _pooled(val[..., n + q], err[..., n + q], use)
                tt[q, :, a + 1, b + 1], tt_err[q, :, a + 1, b + 1] = v, e
    single = physical_density(0.5 * (PAULIS[0] + np.einsum("ktc,cij->ktij", bloch, PAULIS[1:])))
    p2 = np.einsum("aij,bkl->abikjl", PAULIS, PAULIS).reshape(4, 4, 4, 4)
    pst = physical_density(0.25 * np.einsum("qtab,abij->qtij", tt, p2))
    errors = {
        "single": bloch_err,
        "current": _current_errors(net, proto.t, proto.dt, run.pairs, bloch_err, tt_err),
        "wootters": _bootstrap_wootters(tt, tt_err, p2, bootstrap, run.seed),
    }
    parts = check_partitions(net, None)
    return NetworkStates(
        t=proto.t,
        dt=proto.dt,
        single=single,
        pairs=run.pairs,
        pair_states=pst,
        partitions=parts,
        negativity=nan_array(len(parts), n_t),
        tripartite=nan_array(n_t) if n == 3 else None,
        backend=run.backend,
        errors=errors,
        info={
            "layout": run.layout,
            "shots": run.shots if run.shots is not None else "exact",
            **{f"circuit_{k}": v for k, v in run.info.items()},
        },
    )


def _bootstrap_wootters(
    tt: NDArray, tt_err: NDArray, p2: NDArray, n_boot: int, seed: int | None
) -> NDArray[np.float64]:
    """SD of the Wootters quantity over ``n_boot`` draws ``T_ab ~ N(T_ab, δT_ab²)``."""
    from ..analysis.entanglement import wootters_quantity

    if n_boot <= 1 or tt.shape[0] == 0:
        return np.full(tt.shape[:2], math.nan)
    rng = np.random.default_rng(None if seed is None else [int(seed), 6])
    w = np.empty((n_boot, *tt.shape[:2]))
    for b in range(n_boot):
        draw = tt + tt_err * rng.standard_normal(tt.shape)
        draw[..., 0, 0] = 1.0
        w[b] = wootters_quantity(physical_density(0.25 * np.einsum("qtab,abij->qtij", draw, p2)))
    return w.std(axis=0, ddof=1)


def simulate_network_circuits(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    execution: Execution | None = None,
    *,
    pairs: Sequence[tuple[int, int]] | None = None,
    bootstrap: int = BOOTSTRAP,
) -> NetworkStates:
    """A network on circuits (or exactly, ``density``): its reduced states, any backend.

    ``density`` returns :func:`~qmemristor.network.density.propagate_density` (exact, with
    the whole-register negativities); the other backends run
    :func:`run_network_protocol` and estimate the states (:func:`network_states_from_run`).
    Feed the result to :func:`~qmemristor.network.network_measures`.
    """
    ex = execution if execution is not None else Execution(backend="sampled", layout="reset")
    if isinstance(ex, Execution) and ex.backend == "density":
        from ..network.density import propagate_density

        return propagate_density(network, states, t, pairs=pairs)
    run = run_network_protocol(network, states, t, ex, pairs=pairs)
    return network_states_from_run(run, bootstrap=bootstrap)
