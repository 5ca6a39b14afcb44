"""Two coupled memristors on circuits (docs/theory.md §M3): per step both collisions, then the gate.

One time step ``t_i → t_{i+1}``::

    1. collision of memristor 1 with its ancilla      (CRY(φ1_i) sys0 → anc, CNOT anc → sys0)
    2. collision of memristor 2 with its ancilla      (its own φ2_i: its own Γ2(t))
    3. the interaction gate A on (sys0, sys1)        (:mod:`qmemristor.digital.interactions`)

Like the single memristor (:mod:`qmemristor.digital.collision`) the circuit runs in the
interaction picture: the free evolution is the phase ``P(−ω_k t_i)`` on each system just
before the measurement. In the paper's ``interaction`` frame (docs/theory.md §M3) the gate acts on
that interaction-picture state as it is; in the ``lab`` frame it acts on the Schrödinger
state, i.e. it is conjugated by the free evolution of its time ``t_{i+1}``:
``P(−ωt)⊗P(−ωt) · A · P(ωt)⊗P(ωt)`` in circuit order (see
:mod:`qmemristor.memristor.coupled` for the continuous-time limit of each).

Qubits: register ``sys`` (``sys[0]`` = memristor 1, ``sys[1]`` = memristor 2), ``anc1`` and
``anc2`` (the ancillas of each memristor, laid out as in :data:`~.collision.LAYOUTS`: ``paper``
= one fresh ancilla per step and memristor, ``2i + 2`` qubits at ``t_i``; ``reset`` = one each,
reset and reused, 4 qubits; ``shared`` = one register ``anc`` for both, 3 qubits), ``pur``
(one purifier per mixed initial state), and a 2-bit classical register ``c`` (``c[0]`` =
memristor 1, ``c[1]`` = memristor 2).

Readout: two-qubit state tomography, one circuit per time point and *setting* ``b1 b2`` with
``b ∈ {x, y, z}`` (:data:`SETTINGS`, first letter = memristor 1): the phases, the basis
changes of :func:`~.collision.append_readout` on both systems, and a measurement of both.

Backends (:func:`run_coupled_protocol`) are those of the single memristor: ``density`` (exact:
the two-memristor density matrix propagated once with the circuits' own operators, linear in
the number of steps), ``sampled`` (its exact outcome probabilities, then seeded multinomial
shots), ``aer``, ``fake:NAME``, any ``BackendV2`` or ``SamplerV2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Qubit

from ..conventions import two_qubit_to_paper
from ..errors import ParameterError
from ..memristor import InitialState, kappa
from ..memristor.coupled import CoupledMemristors, Coupling, check_uniform_grid
from ..options import Execution
from .collision import (
    Layout,
    append_collision,
    append_preparation,
    append_readout,
    check_grid,
    check_index,
    collision_angle,
    get_layout,
    is_pure,
)
from .execute import (
    _is_estimator,
    collision_kraus,
    estimate_resources,
    execute_circuits,
    initial_density,
    readout_basis,
    sampled_measurements,
)
from .folding import append_folded, realised_scale, step_folds
from .interactions import interaction_circuit, interaction_gate, interaction_matrix
from .mitigation import Measurements, parity_functionals

__all__ = [
    "SETTINGS",
    "CoupledProtocol",
    "CoupledRun",
    "append_coupling_gate",
    "append_interaction",
    "build_coupled_protocol",
    "coupled_outcome_probabilities",
    "coupled_protocol_circuit",
    "coupled_protocol_circuits",
    "coupled_step_circuit",
    "propagate_coupled",
    "run_coupled_protocol",
]

#: Tomography settings ``b1 b2`` (basis of memristor 1, then of memristor 2).
SETTINGS = tuple(a + b for a in "xyz" for b in "xyz")


@dataclass(frozen=True)
class CoupledProtocol:
    """Everything the circuits of one coupled run need.

    Attributes
    ----------
    t : ndarray, shape (n + 1,)
        Uniform time grid, ``t[0] = 0``.
    phi : ndarray, shape (2, n)
        Collision angles of memristor 1 and 2 (``cos(φ/2) = e^{κ}``).
    lam : ndarray, shape (2, n + 1)
        Free-evolution phases ``−ω_k t_i`` of each memristor.
    state1, state2 : InitialState
    system : CoupledMemristors
    """

    t: NDArray[np.float64]
    phi: NDArray[np.float64]
    lam: NDArray[np.float64]
    state1: InitialState
    state2: InitialState
    system: CoupledMemristors

    @property
    def steps(self) -> int:
        return int(self.phi.shape[1])

    @property
    def dt(self) -> float:
        return float(self.t[1] - self.t[0]) if self.t.size > 1 else float("nan")

    @property
    def num_mixed(self) -> int:
        return int(not is_pure(self.state1)) + int(not is_pure(self.state2))


def build_coupled_protocol(
    system: CoupledMemristors, state1: InitialState, state2: InitialState, t: ArrayLike
) -> CoupledProtocol:
    """Collision angles of both memristors and their free-evolution phases on the grid ``t``.

    The grid must be uniform (the coupling rate is ``δ/Δt``) and start at 0.
    """
    t = check_grid(t)
    if t.size > 1:
        check_uniform_grid(t)
    ms = system.memristors
    phi = np.stack([collision_angle(kappa(m.protocol, t[1:], t[:-1])) for m in ms])
    lam = np.stack([-m.omega * t for m in ms])
    return CoupledProtocol(t, phi, lam, state1, state2, system)


# --------------------------------------------------------------------------------------------
# circuits
# --------------------------------------------------------------------------------------------


def append_coupling_gate(
    qc: QuantumCircuit,
    coupling: Coupling,
    m1: Qubit,
    m2: Qubit,
    lam: tuple[float, float] | None = None,
    *,
    boxed: bool = False,
    fold: int = 1,
) -> None:
    """Append the gate of ``coupling`` on ``(m1, m2)``, in the lab frame if ``lam`` is given.

    ``lam = (λ1, λ2)`` are the free-evolution phases ``−ω_k t`` of the time at which the gate
    acts on the Schrödinger-picture state: the gate is wrapped as ``P(λ1)⊗P(λ2)``, ``A``,
    ``P(−λ1)⊗P(−λ2)`` in circuit order, i.e. ``U0(t)† A U0(t)`` on the interaction-picture
    state.  ``boxed`` appends ``A`` as one labelled gate (for drawings) instead of its native
    gates; ``fold = 2k + 1`` folds the whole unitary, phases included, to ``G (G† G)^k`` for
    zero-noise extrapolation.
    """
    if fold != 1:
        block = QuantumCircuit(2, name="interaction")
        append_coupling_gate(block, coupling, block.qubits[0], block.qubits[1], lam)
        append_folded(qc, block, [m1, m2], fold)
        return
    if lam is not None:
        qc.p(float(lam[0]), m1)
        qc.p(float(lam[1]), m2)
    if boxed:
        qc.append(interaction_gate(coupling), [m1, m2])
    else:
        qc.compose(interaction_circuit(coupling), [m1, m2], inplace=True)
    if lam is not None:
        qc.p(-float(lam[0]), m1)
        qc.p(-float(lam[1]), m2)


def append_interaction(
    qc: QuantumCircuit,
    protocol: CoupledProtocol,
    step: int,
    m1: Qubit,
    m2: Qubit,
    *,
    boxed: bool = False,
    fold: int = 1,
) -> None:
    """Append the interaction that ends step ``step`` (the one from ``t_step`` to ``t_step+1``).

    ``boxed`` appends it as one labelled gate (for drawings) instead of its native gates.  In
    the ``lab`` frame the gate is wrapped in the free evolution of ``t_{step+1}``
    (:func:`append_coupling_gate`).  ``fold`` ``= 2k + 1`` folds the whole unitary, phases
    included, to ``G (G† G)^k`` for zero-noise extrapolation.
    """
    lab = protocol.system.frame == "lab"
    lam = (float(protocol.lam[0, step + 1]), float(protocol.lam[1, step + 1])) if lab else None
    append_coupling_gate(qc, protocol.system.coupling, m1, m2, lam, boxed=boxed, fold=fold)


def _check_setting(setting: str) -> str:
    if setting not in SETTINGS:
        raise ParameterError(
            f"a tomography setting is two letters among x, y, z (got {setting!r}); "
            f"choose one of: {', '.join(SETTINGS)}"
        )
    return setting


def _coupled_registers(
    layout: Layout, steps: int, n_mixed: int, measure: bool
) -> tuple[QuantumCircuit, list[Qubit], list[list[Qubit]], list[Qubit]]:
    sys_reg = QuantumRegister(2, "sys")
    regs: list = [sys_reg]
    n_anc = layout.num_ancillas(steps)
    ancillas: list[list[Qubit]] = [[], []]
    if n_anc and layout.shared:
        anc_reg = QuantumRegister(n_anc, "anc")
        regs.append(anc_reg)
        ancillas = [list(anc_reg), list(anc_reg)]
    elif n_anc:
        anc = [QuantumRegister(n_anc, "anc1"), QuantumRegister(n_anc, "anc2")]
        regs += anc
        ancillas = [list(anc[0]), list(anc[1])]
    pur = QuantumRegister(n_mixed, "pur") if n_mixed else None
    if pur is not None:
        regs.append(pur)
    if measure:
        regs.append(ClassicalRegister(2, "c"))
    qc = QuantumCircuit(*regs)
    return qc, list(sys_reg), ancillas, (list(pur) if pur is not None else [])


def coupled_protocol_circuit(
    protocol: CoupledProtocol,
    index: int,
    setting: str,
    layout: str | Layout = "paper",
    *,
    measure: bool = True,
    barriers: bool = False,
    boxed: bool = False,
    fold: float = 1.0,
) -> QuantumCircuit:
    """The circuit that measures the setting ``b1 b2`` at the time point ``t[index]``.

    Preparation of both memristors, ``index`` steps (both collisions, then the interaction),
    the free-evolution phases, the basis changes, and (if ``measure``) both systems into ``c``.
    ``barriers`` separates the steps and ``boxed`` draws each interaction as one labelled gate
    (for drawings; the simulated operator is the same).  ``fold`` is the noise scale of
    zero-noise extrapolation: every collision and interaction is folded with the pattern of
    :func:`~.folding.step_folds` (never a reset or measurement).
    """
    lay = get_layout(layout)
    setting = _check_setting(setting)
    b1, b2 = setting[0], setting[1]
    index = check_index(index, protocol.steps)
    qc, systems, ancillas, purifiers = _coupled_registers(lay, index, protocol.num_mixed, measure)
    pur = iter(purifiers)
    for q, state in zip(systems, (protocol.state1, protocol.state2), strict=True):
        append_preparation(qc, state, q, None if is_pure(state) else next(pur))
    if barriers:
        qc.barrier()

    folds = step_folds(index, fold)

    def between(circ: QuantumCircuit, k: int) -> None:
        m1, m2 = systems
        append_interaction(circ, protocol, k, m1, m2, boxed=boxed, fold=int(folds[k]))

    lay.append_steps(
        qc,
        systems,
        ancillas,
        list(protocol.phi[:, :index]),
        between=between,
        barriers=barriers,
        fold=fold,
    )
    for k, (q, b) in enumerate(zip(systems, (b1, b2), strict=True)):
        append_readout(qc, protocol.lam[k, index], b, q)
    if measure:
        qc.measure(systems, list(qc.clbits))
    qc.name = f"coupled_{protocol.system.coupling.name}_{lay.name}_t{index}_{setting}"
    qc.metadata = {
        "index": index,
        "t": float(protocol.t[index]),
        "setting": setting,
        "layout": lay.name,
        "interaction": protocol.system.coupling.name,
        "frame": protocol.system.frame,
        "noise_scale": realised_scale(index, fold),
    }
    return qc


def coupled_protocol_circuits(
    protocol: CoupledProtocol,
    layout: str | Layout = "paper",
    settings: Sequence[str] = SETTINGS,
    *,
    measure: bool = True,
    fold: float = 1.0,
) -> list[QuantumCircuit]:
    """All circuits of a run, time-major: ``[(t_0, s_0), (t_0, s_1), ..., (t_1, s_0), ...]``."""
    sets = [_check_setting(s) for s in settings]
    return [
        coupled_protocol_circuit(protocol, i, s, layout, measure=measure, fold=fold)
        for i in range(protocol.steps + 1)
        for s in sets
    ]


def coupled_step_circuit(protocol: CoupledProtocol, step: int = 0) -> QuantumCircuit:
    """One step alone on 4 qubits (``sys0, sys1, anc1, anc2``): both collisions, interaction.

    Used to draw the coupled protocol's building block (Fig. 5).
    """
    qc = QuantumCircuit(
        QuantumRegister(2, "sys"), QuantumRegister(1, "anc1"), QuantumRegister(1, "anc2")
    )
    s0, s1, a1, a2 = qc.qubits
    append_collision(qc, float(protocol.phi[0, step]), s0, a1)
    append_collision(qc, float(protocol.phi[1, step]), s1, a2)
    append_interaction(qc, protocol, step, s0, s1, boxed=True)
    qc.name = "coupled_step"
    return qc


# --------------------------------------------------------------------------------------------
# exact propagation with the circuits' own operators
# --------------------------------------------------------------------------------------------


def _phase_operators(lam: NDArray[np.float64]) -> NDArray[np.complex128]:
    """``P(λ1) on qubit 0 ⊗ P(λ2) on qubit 1`` (Qiskit order), shape ``(n, 4, 4)``.

    ``P(λ)`` is the readout block of σz, which is the phase gate alone
    (:func:`~.execute.readout_basis`).
    """
    a, b = readout_basis("z")
    p = [a + np.exp(1j * lam[k])[:, None, None] * b for k in (0, 1)]
    return np.einsum("nac,nbd->nabcd", p[1], p[0]).reshape(-1, 4, 4)


def _step_unitaries(protocol: CoupledProtocol) -> NDArray[np.complex128]:
    """The interaction gate of every step (Qiskit order), shape ``(n, 4, 4)``."""
    a = interaction_matrix(protocol.system.coupling, basis="qiskit")
    n = protocol.steps
    if protocol.system.frame == "interaction":
        return np.broadcast_to(a, (n, 4, 4))
    d = _phase_operators(protocol.lam[:, 1:])
    return np.conj(np.swapaxes(d, -1, -2)) @ a @ d


def _two_qubit_superop(ops: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """``Σ_m K_m ⊗ K_m*`` (row-major ``vec``) of Kraus stacks ``(n, m, 4, 4)``: ``(n, 16, 16)``."""
    n = ops.shape[0]
    return np.einsum("nmac,nmbd->nabcd", ops, ops.conj()).reshape(n, 16, 16)


def propagate_coupled(protocol: CoupledProtocol) -> NDArray[np.complex128]:
    """Interaction-picture two-qubit states after ``0..n`` steps (Qiskit order), ``(n+1, 4, 4)``.

    Each step's channel is built from the circuits' own operators — the Kraus operators of the
    collision circuit on each system (:func:`~.execute.collision_kraus`) and the ``Operator`` of
    the interaction circuit — as one 16×16 superoperator per step, applied in turn (linear in
    the number of steps).  Measured reason for not evolving Qiskit ``DensityMatrix`` objects:
    600 steps take 1.64 s that way against 0.023 s here, same states to 7e-15
    (``benchmarks/coupled_density.py``).
    """
    eye = np.eye(2)
    k1 = collision_kraus(protocol.phi[0])  # (n, 2, 2, 2): qubit 0
    k2 = collision_kraus(protocol.phi[1])  # qubit 1
    s1 = _two_qubit_superop(np.einsum("ab,nmcd->nmacbd", eye, k1).reshape(-1, 2, 4, 4))
    s2 = _two_qubit_superop(np.einsum("nmab,cd->nmacbd", k2, eye).reshape(-1, 2, 4, 4))
    sa = _two_qubit_superop(_step_unitaries(protocol)[:, None])
    sup = sa @ s2 @ s1
    rho0 = np.kron(initial_density(protocol.state2), initial_density(protocol.state1))
    out = np.empty((protocol.steps + 1, 16), dtype=complex)
    out[0] = rho0.reshape(16)
    for i in range(protocol.steps):  # sequential by nature; ~2 µs per step
        out[i + 1] = sup[i] @ out[i]
    return out.reshape(-1, 4, 4)


def schrodinger_states(protocol: CoupledProtocol, rho_i: NDArray) -> NDArray[np.complex128]:
    """Schrödinger-picture states in the *paper* order from interaction-picture Qiskit ones.

    ``ρ_S(t_i) = D_i ρ_I D_i†`` with ``D_i = P(−ω1 t_i) ⊗ P(−ω2 t_i)`` (the readout phases).
    """
    d = _phase_operators(protocol.lam)
    return two_qubit_to_paper(d @ rho_i @ np.conj(np.swapaxes(d, -1, -2)))


def _readout_operators(protocol: CoupledProtocol, setting: str) -> NDArray[np.complex128]:
    """Two-qubit readout operators ``R2(λ2) ⊗ R1(λ1)`` of a setting at every time point."""
    r = []
    for k, b in enumerate(setting):
        a, bb = readout_basis(b)
        r.append(a + np.exp(1j * protocol.lam[k])[:, None, None] * bb)
    return np.einsum("nac,nbd->nabcd", r[1], r[0]).reshape(-1, 4, 4)


def coupled_outcome_probabilities(
    protocol: CoupledProtocol, settings: Sequence[str] = SETTINGS, rho_i: NDArray | None = None
) -> NDArray[np.float64]:
    """Exact outcome probabilities, shape ``(n_t, n_settings, 4)``; outcome ``c0 + 2 c1``.

    ``p = diag(R ρ_I R†)`` with ``ρ_I`` from :func:`propagate_coupled` (or ``rho_i``) and ``R``
    the two readout blocks of the setting.
    """
    rho = propagate_coupled(protocol) if rho_i is None else rho_i
    out = np.empty((protocol.t.size, len(settings), 4))
    for j, s in enumerate(settings):
        r = _readout_operators(protocol, _check_setting(s))
        out[:, j] = np.einsum("nab,nbc,nac->na", r, rho, r.conj()).real
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoupledRun:
    """Outcome statistics of both systems for every tomography circuit of a coupled run.

    Attributes
    ----------
    protocol : CoupledProtocol
    settings : tuple of str
    shots : int or None
        Shots per circuit; ``None`` for ``density``.
    counts : ndarray of int, shape (n_t, n_settings, 4), or None
        Shots per outcome ``c0 + 2 c1`` (Qiskit basis, after the basis changes); raw counts at
        noise scale 1 when mitigated.
    probabilities : ndarray, shape (n_t, n_settings, 4), or None
        Exact outcome probabilities (``density`` and ``sampled``).
    rho : ndarray, shape (n_t, 4, 4), or None
        Exact two-memristor states (``density``; paper order, Schrödinger picture).
    backend, layout : str
    seed : int or None
    info : dict
    parities, parities_err : ndarray, shape (n_t, n_settings, 3), or None
        With mitigation: the mitigated Qiskit-basis ``⟨Z0⟩, ⟨Z1⟩, ⟨Z0 Z1⟩`` of every setting
        (after its basis changes) and their standard errors.
    measurements : Measurements or None
        With mitigation, every scale's counts and the readout calibrations.
    """

    protocol: CoupledProtocol
    settings: tuple[str, ...]
    shots: int | None
    counts: NDArray[np.int64] | None
    probabilities: NDArray[np.float64] | None
    rho: NDArray[np.complex128] | None
    backend: str
    layout: str
    seed: int | None
    info: dict[str, Any] = field(default_factory=dict)
    parities: NDArray[np.float64] | None = None
    parities_err: NDArray[np.float64] | None = None
    measurements: Measurements | None = None

    @property
    def t(self) -> NDArray[np.float64]:
        return self.protocol.t


def run_coupled_protocol(
    system: CoupledMemristors,
    state1: InitialState,
    state2: InitialState,
    t: ArrayLike,
    execution: Execution | None = None,
) -> CoupledRun:
    """Run the coupled protocol's tomography circuits (9 per time point) on a backend.

    ``execution`` as in :func:`qmemristor.digital.run_protocol` (default: exact ``density``); ``t``
    must be uniform.  ``density`` returns the exact states and probabilities without shots;
    ``sampled`` draws seeded multinomial counts from the exact probabilities of every circuit;
    the other backends run the circuits of the layout (the paper layout has ``2i + 2`` qubits
    at ``t_i``: keep it to a few steps on simulators).  With mitigation the mitigated parities
    of every setting are in ``parities``; an ``EstimatorV2`` is not supported here (the
    tomography needs outcome counts).
    """
    ex = Execution.resolve(execution)
    lay = get_layout(ex.layout)
    if _is_estimator(ex.backend):
        raise ParameterError(
            "two coupled memristors are read out by tomography from counts: use a SamplerV2 "
            "or a BackendV2, not an EstimatorV2"
        )
    protocol = build_coupled_protocol(system, state1, state2, t)
    n_t = protocol.t.size
    info: dict[str, Any] = {
        "num_circuits": n_t * len(SETTINGS),
        "max_qubits": lay.num_qubits(protocol.steps, mixed=protocol.num_mixed, systems=2),
    }
    estimate = estimate_resources(
        ex, lay, protocol.steps, len(SETTINGS), mixed=protocol.num_mixed, systems=2, check=False
    )
    info["estimate"] = estimate.record()
    m = ex.mitigation
    common: dict[str, Any] = {"layout": lay.name, "seed": ex.seed, "info": info}
    if ex.backend in ("density", "sampled"):
        estimate.check(lay.name)
        rho_i = propagate_coupled(protocol)
        probs = coupled_outcome_probabilities(protocol, SETTINGS, rho_i)
        if ex.backend == "density":
            rho = schrodinger_states(protocol, rho_i)
            return CoupledRun(
                protocol, SETTINGS, None, None, probs, rho, backend="density", **common
            )
        p = probs / probs.sum(axis=-1, keepdims=True)
        if not m.active:
            counts = np.random.default_rng(ex.seed).multinomial(ex.shots, p).astype(np.int64)
            return CoupledRun(
                protocol, SETTINGS, ex.shots, counts, probs, None, backend="sampled", **common
            )

        def draw(rng: np.random.Generator) -> NDArray[np.int64]:
            return rng.multinomial(ex.shots, p).astype(np.int64).reshape(-1, 4)

        steps = np.repeat(np.arange(n_t), len(SETTINGS))
        meas = sampled_measurements(draw, ex, steps, 2, info)
        return _coupled_run(protocol, meas, probs, ex, "sampled", common)
    meas, name = execute_circuits(
        lambda fold: coupled_protocol_circuits(protocol, lay, SETTINGS, fold=fold),
        ex,
        lay,
        info=info,
        estimate=estimate,
        nbits=2,
    )
    return _coupled_run(protocol, meas, None, ex, name, common)


def _coupled_run(
    protocol: CoupledProtocol,
    meas: Measurements,
    probs: NDArray[np.float64] | None,
    ex: Execution,
    name: str,
    common: dict[str, Any],
) -> CoupledRun:
    n_t = protocol.t.size
    counts = meas.counts[0].reshape(n_t, len(SETTINGS), 4)
    m = ex.mitigation
    if not m.active:
        return CoupledRun(protocol, SETTINGS, meas.shots, counts, probs, None, name, **common)
    est = meas.estimates(parity_functionals(2), extrapolation=m.extrapolation)
    if "mitigation" in common["info"]:
        common["info"]["mitigation"]["exponential_fallbacks"] = int(est["fallback"].sum())
    return CoupledRun(
        protocol,
        SETTINGS,
        meas.shots,
        counts,
        probs,
        None,
        name,
        parities=est["value"].reshape(n_t, len(SETTINGS), 3),
        parities_err=est["error"].reshape(n_t, len(SETTINGS), 3),
        measurements=meas,
        **common,
    )
