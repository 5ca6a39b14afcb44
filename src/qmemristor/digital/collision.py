"""Paper M, §M2: the collisional model of the memristor as Qiskit circuits, in two layouts.

One time step ``t_i → t_{i+1}`` is one *collision* of the system qubit with an ancilla in |0⟩::

    1. controlled-RY(φ_i): control = system (|1⟩ = |e⟩), target = ancilla
    2. CNOT:               control = ancilla, target = system

Tracing out the ancilla leaves the system in the amplitude-damping step of docs/theory.md §M1 with
``e^{κ_i}`` on the excited amplitude, ``κ_i = κ(t_{i+1}, t_i) = −½ ∫ Γ``.  Qiskit's
``RY(φ) = exp(−iφY/2)`` has ``cos(φ/2)`` on the diagonal, so the angle encodes::

    cos(φ_i/2) = e^{κ_i},   sin(φ_i/2) = sqrt(1 − e^{2κ_i})

(the paper writes ``θ = arccos e^κ``, i.e. ``φ = 2θ``).  Amplitude damping is phase covariant,
so the free evolution ``e^{−iHt}`` commutes with every collision; it is applied once, before
the measurement, as ``P(−ω t_i) = diag(1, e^{−iωt_i})`` on the system — equal to ``e^{−iHt_i}``
up to the global phase ``e^{−iωt_i/2}`` (|1⟩ = |e⟩ carries the energy ħω).  Then the basis
change (σx: H; σy: S†·H; σz: none) and a measurement of the system qubit into ``c[0]``.

Qubits: the system is always qubit 0 (register ``sys``).  Mixed initial states (|r| < 1) are
prepared as a purification with one extra qubit (register ``pur``): ``RY`` on the purifier
gives weights ``(1 ± |r|)/2``, a CNOT copies them to the system, and ``P(ϕ)·RY(ϑ)`` on the
system rotates |0⟩, |1⟩ onto ±r/|r|.

Layouts (:data:`LAYOUTS`):

* ``paper`` — Paper M, Fig. 3: one fresh ancilla per step (register ``anc``), so the circuit
  for the time point ``t_i`` has ``i + 1`` qubits; one circuit per time point and observable.
* ``reset`` — one ancilla, reset to |0⟩ after each collision and reused: 2 qubits for any
  number of steps (it needs mid-circuit reset on the target).
* ``shared`` — for several systems (coupled memristors, networks), one ancilla for all of
  them, reset before every collision but the first: ``S + 1`` qubits for ``S`` systems (the
  reset layout has ``2S``).  For one memristor it is the reset layout.

Both layouts apply the same collision gates (:func:`append_collision`), so they implement the
same channel on the system (tested by process fidelity).  Everything is in Qiskit's basis
(|0⟩, |1⟩) = (|g⟩, |e⟩); :mod:`qmemristor.conventions` gives the signs back to the paper's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Qubit

from ..errors import ParameterError, check_time_grid
from ..memristor import InitialState, MemristorParams, kappa
from .folding import append_folded, realised_scale, step_folds

__all__ = [
    "LAYOUTS",
    "OBSERVABLES",
    "BetweenFn",
    "Layout",
    "Protocol",
    "append_collision",
    "append_preparation",
    "append_readout",
    "build_protocol",
    "check_grid",
    "check_index",
    "check_observables",
    "circuit_stats",
    "collision_angle",
    "collision_step",
    "get_layout",
    "is_pure",
    "protocol_circuit",
    "protocol_circuits",
    "readout_circuit",
    "state_preparation",
    "steps_circuit",
    "to_qasm3",
]

#: Observables that can be measured, by their paper-basis name (σx, σy, σz).
OBSERVABLES = ("x", "y", "z")

#: A Bloch vector this close to the unit sphere is treated as pure (no purifier qubit).
PURE_TOL = 1e-12


# --------------------------------------------------------------------------------------------
# angles and grids
# --------------------------------------------------------------------------------------------


def collision_angle(kap: ArrayLike) -> NDArray[np.float64]:
    """Qiskit RY angle ``φ`` of a collision with damping exponent ``κ ≤ 0``.

    ``cos(φ/2) = e^κ`` and ``sin(φ/2) = sqrt(1 − e^{2κ})``, evaluated as
    ``φ = 2 atan2(sqrt(−expm1(2κ)), e^κ)`` so that small ``|κ|`` keeps full relative accuracy
    (``arccos`` near 1 would lose half the digits).  ``φ ∈ [0, π]``; ``κ = 0`` gives 0 (no
    damping) and ``κ → −∞`` gives π (full decay).
    """
    kap = np.asarray(kap, dtype=float)
    if np.any(~np.isfinite(kap) & (kap != -np.inf)) or np.any(kap > 0):
        raise ParameterError("κ must be ≤ 0 (Γ ≥ 0) and not NaN")
    return 2.0 * np.arctan2(np.sqrt(-np.expm1(2.0 * kap)), np.exp(kap))


def check_grid(t: ArrayLike) -> NDArray[np.float64]:
    """Validate a protocol time grid: 1-D, finite, ``t[0] = 0``, strictly increasing.

    Any increasing grid works (each step gets its own ``κ_i``); the paper's is uniform.
    """
    return check_time_grid(t, name="the time grid", start_at_zero=True)


def check_observables(observables: Sequence[str]) -> tuple[str, ...]:
    """Validate observable names (a non-empty subset of ``("x", "y", "z")``, no repeats)."""
    obs = tuple(observables)
    bad = [o for o in obs if o not in OBSERVABLES]
    if not obs or bad or len(set(obs)) != len(obs):
        raise ParameterError(
            f"observables must be distinct names among {', '.join(OBSERVABLES)} (got {obs!r})"
        )
    return obs


def is_pure(state: InitialState) -> bool:
    """Whether the Bloch vector lies on the sphere (to :data:`PURE_TOL`)."""
    return bool(abs(float(np.linalg.norm(state.bloch)) - 1.0) <= PURE_TOL)


@dataclass(frozen=True)
class Protocol:
    """Everything the circuits of one run need: grid, collision angles, phases, state.

    Attributes
    ----------
    t : ndarray, shape (n + 1,)
        Time grid, ``t[0] = 0`` (units of 1/ω).
    phi : ndarray, shape (n,)
        RY angle of the collision ``t_i → t_{i+1}`` (``cos(φ_i/2) = e^{κ_i}``).
    lam : ndarray, shape (n + 1,)
        Phase-gate angle ``−ω t_i`` of the free evolution back to the Schrödinger picture.
    state : InitialState
        Initial state (paper basis).
    """

    t: NDArray[np.float64]
    phi: NDArray[np.float64]
    lam: NDArray[np.float64]
    state: InitialState

    @property
    def steps(self) -> int:
        return int(self.phi.size)


def build_protocol(params: MemristorParams, state: InitialState, t: ArrayLike) -> Protocol:
    """Collision angles and free-evolution phases of ``params`` on the grid ``t``.

    ``κ_i = −½ ∫_{t_i}^{t_{i+1}} Γ(s) ds`` comes from the protocol's exact integral over each
    interval (closed form for the paper's drive, adaptive quadrature for user rates).
    """
    t = check_grid(t)
    kap = kappa(params.protocol, t[1:], t[:-1])
    return Protocol(t=t, phi=collision_angle(kap), lam=-params.omega * t, state=state)


# --------------------------------------------------------------------------------------------
# gate blocks (the single definition of each piece, shared by all layouts and backends)
# --------------------------------------------------------------------------------------------


def append_collision(
    qc: QuantumCircuit, phi: float, system: Qubit, ancilla: Qubit, fold: int = 1
) -> None:
    """Append one collision: ``CRY(φ)`` system → ancilla, then ``CNOT`` ancilla → system.

    ``fold = 2k + 1 > 1`` appends the collision ``G`` folded to ``G (G† G)^k`` for
    zero-noise extrapolation (:func:`qmemristor.digital.folding.append_folded`).
    """
    if fold == 1:
        qc.cry(phi, system, ancilla)
        qc.cx(ancilla, system)
        return
    block = QuantumCircuit(2, name="collision")
    block.cry(phi, 0, 1)
    block.cx(1, 0)
    append_folded(qc, block, [system, ancilla], fold)


def append_readout(qc: QuantumCircuit, lam: float, observable: str, qubit: Qubit) -> None:
    """Append the free-evolution phase ``P(λ)`` and the basis change for ``observable``.

    After it, outcome 0 of ``qubit`` has probability ``(1 + ⟨P⟩)/2`` with ``P`` the Qiskit
    Pauli X, Y or Z, i.e. ``(1 ± ⟨σ⟩)/2`` with the signs of ``QISKIT_PAULI_SIGN``.
    """
    check_observables([observable])
    qc.p(float(lam), qubit)
    if observable == "x":
        qc.h(qubit)
    elif observable == "y":
        qc.sdg(qubit)
        qc.h(qubit)


def _qubit_angles(state: InitialState) -> tuple[float, float, float]:
    """``(|r|, ϑ, ϕ)`` of the state's Bloch vector written in Qiskit's basis.

    Qiskit's Bloch vector is ``(x, −y, −z)`` of the paper's (``conventions``); ``ϑ`` is its
    polar angle from |0⟩ and ``ϕ`` its azimuth.  A zero vector gets ``ϑ = ϕ = 0``.
    """
    xq, yq, zq = state.x, -state.y, -state.z
    r = math.sqrt(xq * xq + yq * yq + zq * zq)
    return r, math.atan2(math.hypot(xq, yq), zq), math.atan2(yq, xq)


def append_preparation(
    qc: QuantumCircuit, state: InitialState, system: Qubit, purifier: Qubit | None = None
) -> None:
    """Prepare ``state`` on ``system`` from |0⟩ (with ``purifier`` from |0⟩ if it is mixed).

    Pure: ``P(ϕ)·RY(ϑ)|0⟩ = cos(ϑ/2)|0⟩ + e^{iϕ} sin(ϑ/2)|1⟩``.  For the paper's
    ``cos a|e⟩ + sin a e^{ib}|g⟩`` this is ``ϑ = π − 2a``, ``ϕ = −b`` up to a global phase.
    Mixed (``|r| < 1``): ``RY(α)`` on the purifier with ``cos²(α/2) = (1 + |r|)/2``, CNOT
    purifier → system, then the same rotation; the system's reduced state is
    ``(1 + r·σ)/2``.
    """
    r, theta, phi = _qubit_angles(state)
    if not is_pure(state):
        if purifier is None:
            raise ParameterError("a mixed initial state needs a purifier qubit")
        alpha = 2.0 * math.atan2(math.sqrt((1.0 - r) / 2.0), math.sqrt((1.0 + r) / 2.0))
        qc.ry(alpha, purifier)
        qc.cx(purifier, system)
    if theta != 0.0:
        qc.ry(theta, system)
    if phi != 0.0:
        qc.p(phi, system)


# --------------------------------------------------------------------------------------------
# small circuits (for the density backend, the figures and the tests)
# --------------------------------------------------------------------------------------------


def collision_step(phi: float) -> QuantumCircuit:
    """One collision on 2 qubits: qubit 0 = system, qubit 1 = ancilla (starts in |0⟩)."""
    qc = QuantumCircuit(QuantumRegister(1, "sys"), QuantumRegister(1, "anc"), name="collision")
    append_collision(qc, phi, qc.qubits[0], qc.qubits[1])
    return qc


def readout_circuit(lam: float, observable: str) -> QuantumCircuit:
    """The 1-qubit readout block: ``P(λ)`` then the basis change of ``observable``."""
    qc = QuantumCircuit(QuantumRegister(1, "sys"), name=f"readout_{observable}")
    append_readout(qc, lam, observable, qc.qubits[0])
    return qc


def state_preparation(state: InitialState) -> QuantumCircuit:
    """Preparation of ``state``: 1 qubit if pure, else 2 (qubit 1 = purifier)."""
    regs = [QuantumRegister(1, "sys")]
    if not is_pure(state):
        regs.append(QuantumRegister(1, "pur"))
    qc = QuantumCircuit(*regs, name="prep")
    append_preparation(qc, state, qc.qubits[0], qc.qubits[1] if len(regs) > 1 else None)
    return qc


# --------------------------------------------------------------------------------------------
# layouts
# --------------------------------------------------------------------------------------------

#: Called after the collisions of step ``k`` (e.g. to append an interaction gate).
BetweenFn = Callable[[QuantumCircuit, int], None]


@dataclass(frozen=True)
class Layout:
    """How the collisions of ``i`` steps are laid out on qubits, for one or more systems.

    Attributes
    ----------
    name : str
    description : str
    needs_reset : bool
        Whether the target must support mid-circuit ``reset``.  A layout with reset keeps one
        ancilla per system (or one for all, ``shared``) and resets it before it is used again;
        one without uses a fresh ancilla per step and system.
    shared : bool
        One ancilla for every system (reset between consecutive collisions): ``S + 1`` qubits
        for ``S`` systems instead of ``2S``.  For one system it is the reset layout.
    """

    name: str
    description: str
    needs_reset: bool
    shared: bool = False

    def num_ancillas(self, steps: int) -> int:
        """Ancilla qubits *per system* for ``steps`` collisions (shared: the one ancilla)."""
        steps = int(steps)
        if self.needs_reset:
            return 1 if steps > 0 else 0
        return steps

    def num_ancilla_qubits(self, steps: int, systems: int = 1) -> int:
        """Ancilla qubits of the whole circuit for ``steps`` collisions of ``systems`` systems."""
        per = self.num_ancillas(steps)
        return per if self.shared else systems * per

    def num_qubits(self, steps: int, *, mixed: bool | int = False, systems: int = 1) -> int:
        """Qubits of a circuit with ``steps`` collisions per system.

        ``systems`` system qubits, their ancillas, and ``int(mixed)`` purifier qubits (one per
        mixed initial state).
        """
        return systems + self.num_ancilla_qubits(steps, systems) + int(mixed)

    def append_steps(
        self,
        qc: QuantumCircuit,
        systems: Sequence[Qubit],
        ancillas: Sequence[Sequence[Qubit]],
        phis: Sequence[NDArray[np.float64]],
        *,
        between: BetweenFn | None = None,
        before: BetweenFn | None = None,
        barriers: bool = False,
        fold: float = 1.0,
    ) -> None:
        """Append the steps: at step ``k`` ``before(qc, k)`` runs, every system collides with
        its ancilla, then ``between(qc, k)`` runs.

        ``ancillas[s]`` are system ``s``'s ancillas (:meth:`num_ancillas` of them; with
        ``shared`` every system lists the same qubit) and ``phis[s]`` its collision angles; all
        systems take the same number of steps.  With reset a used ancilla is reset just before
        its next collision (the last one is simply discarded).  ``fold`` is the noise scale of
        zero-noise extrapolation: step ``k``'s collisions are folded into
        :func:`~qmemristor.digital.folding.step_folds` copies (resets never are; ``before`` and
        ``between`` fold their own gates with the same pattern).
        """
        n = len(phis[0]) if phis else 0
        if any(len(p) != n for p in phis) or not len(systems) == len(phis) == len(ancillas):
            raise ParameterError("every system needs its ancillas and the same number of angles")
        folds = step_folds(n, fold)
        used: set[Qubit] = set()
        for k in range(n):
            if before is not None:
                before(qc, k)
            slot = 0 if self.needs_reset else k
            for system, anc, phi in zip(systems, ancillas, phis, strict=True):
                if self.needs_reset and anc[slot] in used:
                    qc.reset(anc[slot])
                used.add(anc[slot])
                append_collision(qc, float(phi[k]), system, anc[slot], int(folds[k]))
            if between is not None:
                between(qc, k)
            if barriers:
                qc.barrier()


#: The available layouts by name.
LAYOUTS: dict[str, Layout] = {
    "paper": Layout(
        "paper",
        "one fresh ancilla per step (Paper M, Fig. 3): i + 1 qubits at t_i",
        False,
    ),
    "reset": Layout(
        "reset",
        "one ancilla per system, reset and reused: 2 qubits per system for any number of steps",
        True,
    ),
    "shared": Layout(
        "shared",
        "one ancilla for all systems, reset before every collision but the first: S + 1 qubits",
        True,
        shared=True,
    ),
}


def get_layout(name: str | Layout) -> Layout:
    """The layout called ``name``, or a :class:`ParameterError` listing the valid names."""
    if isinstance(name, Layout):
        return name
    if name not in LAYOUTS:
        raise ParameterError(f"unknown layout {name!r}; choose one of: {', '.join(LAYOUTS)}")
    return LAYOUTS[name]


# --------------------------------------------------------------------------------------------
# whole protocols
# --------------------------------------------------------------------------------------------


def _registers(
    layout: Layout, steps: int, mixed: bool, measure: bool
) -> tuple[QuantumCircuit, Qubit, list[Qubit], Qubit | None]:
    sys_reg = QuantumRegister(1, "sys")
    regs: list = [sys_reg]
    n_anc = layout.num_ancillas(steps)
    anc_reg = QuantumRegister(n_anc, "anc") if n_anc else None
    if anc_reg is not None:
        regs.append(anc_reg)
    pur_reg = QuantumRegister(1, "pur") if mixed else None
    if pur_reg is not None:
        regs.append(pur_reg)
    if measure:
        regs.append(ClassicalRegister(1, "c"))
    qc = QuantumCircuit(*regs)
    return (
        qc,
        sys_reg[0],
        list(anc_reg) if anc_reg is not None else [],
        (pur_reg[0] if pur_reg is not None else None),
    )


def steps_circuit(
    phi: ArrayLike, layout: str | Layout = "paper", *, fold: float = 1.0
) -> QuantumCircuit:
    """The collisions alone (no preparation, no readout) in ``layout``: the channel's circuit.

    Qubit 0 is the system; the ancillas start in |0⟩.  Used to compare the layouts' channels
    (and, with ``fold``, the folded circuits of zero-noise extrapolation with the unfolded).
    """
    lay = get_layout(layout)
    phi = np.atleast_1d(np.asarray(phi, dtype=float))
    qc, system, ancillas, _ = _registers(lay, phi.size, False, False)
    lay.append_steps(qc, [system], [ancillas], [phi], fold=fold)
    qc.name = f"steps_{lay.name}_{phi.size}"
    return qc


def check_index(index: int, steps: int) -> int:
    """A time-point index of a protocol of ``steps`` steps, as an int in ``[0, steps]``."""
    index = int(index)
    if not 0 <= index <= steps:
        raise ParameterError(f"index must be in [0, {steps}] (got {index})")
    return index


def protocol_circuit(
    protocol: Protocol,
    index: int,
    observable: str,
    layout: str | Layout = "paper",
    *,
    measure: bool = True,
    barriers: bool = False,
    fold: float = 1.0,
) -> QuantumCircuit:
    """The circuit that measures ``observable`` at the time point ``t[index]``.

    Preparation, ``index`` collisions in ``layout``, ``P(−ω t_index)``, basis change, and (if
    ``measure``) a measurement of the system into the 1-bit register ``c``.  ``barriers``
    separates the steps (for drawings; simulation results do not change).  ``fold`` is the
    noise scale ``λ ≥ 1`` of zero-noise extrapolation (the collisions' unitaries are folded;
    ``metadata["noise_scale"]`` is the scale realised with ``index`` steps).
    """
    lay = get_layout(layout)
    check_observables([observable])
    index = check_index(index, protocol.steps)
    mixed = not is_pure(protocol.state)
    qc, system, ancillas, purifier = _registers(lay, index, mixed, measure)
    append_preparation(qc, protocol.state, system, purifier)
    if barriers:
        qc.barrier()
    lay.append_steps(qc, [system], [ancillas], [protocol.phi[:index]], barriers=barriers, fold=fold)
    append_readout(qc, protocol.lam[index], observable, system)
    if measure:
        qc.measure(system, qc.clbits[0])
    qc.name = f"memristor_{lay.name}_t{index}_{observable}"
    qc.metadata = {
        "index": index,
        "t": float(protocol.t[index]),
        "observable": observable,
        "layout": lay.name,
        "noise_scale": realised_scale(index, fold),
    }
    return qc


def protocol_circuits(
    protocol: Protocol,
    layout: str | Layout = "paper",
    observables: Sequence[str] = ("x", "y"),
    *,
    measure: bool = True,
    fold: float = 1.0,
) -> list[QuantumCircuit]:
    """All circuits of a run, time-major: ``[(t_0, obs_0), (t_0, obs_1), (t_1, obs_0), ...]``.

    ``len(t) · len(observables)`` circuits; the total gate count grows as ``n²`` because each
    destructive measurement needs its own circuit (that is what hardware must run).
    """
    obs = check_observables(observables)
    return [
        protocol_circuit(protocol, i, o, layout, measure=measure, fold=fold)
        for i in range(protocol.steps + 1)
        for o in obs
    ]


def to_qasm3(circuit: QuantumCircuit) -> str:
    """The circuit as OpenQASM 3 text (``qiskit.qasm3.dumps``)."""
    from qiskit import qasm3  # imported on use: it adds ~50 ms to every CLI call

    return qasm3.dumps(circuit)


def circuit_stats(circuit: QuantumCircuit) -> dict[str, int]:
    """Qubits, depth, size and per-gate counts of a circuit (barriers excluded)."""
    ops = {k: int(v) for k, v in circuit.count_ops().items() if k != "barrier"}
    return {
        "num_qubits": int(circuit.num_qubits),
        "depth": int(circuit.depth(lambda inst: inst.operation.name != "barrier")),
        "size": int(sum(ops.values())),
        **{f"count_{k}": v for k, v in sorted(ops.items())},
    }
