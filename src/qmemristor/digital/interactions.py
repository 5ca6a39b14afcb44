"""Interaction gates of two memristors as Qiskit circuits, gates and matrices (docs/theory.md §M3).

The gates ``A = exp(−iδ G)`` of :data:`qmemristor.memristor.INTERACTIONS` (generators ``G`` in
the paper basis, :func:`qmemristor.memristor.interaction_generator`), built from gates a
device offers natively.  Qubit 0 is memristor 1 (the control of the CR gates), qubit 1 is
memristor 2; |e⟩ = |1⟩.  Translation to Qiskit's Paulis (``X = σx``, ``Y = −σy``, ``Z = −σz``,
:mod:`qmemristor.conventions`)::

    xx, yy, zz   RXX(2δ), RYY(2δ), RZZ(2δ)            (σi⊗σi = Pi⊗Pi: the signs square away)
    crx          CRX(δ)   control 0 → target 1         (R_x(δ) = exp(−iδσx/2) = RX(δ))
    cry          CRY(−δ)  control 0 → target 1         (R_y(δ) = exp(−iδσy/2) = RY(−δ))
    crz          CRZ(−δ)  control 0 → target 1         (R_z(δ) = exp(−iδσz/2) = RZ(−δ))
    pswap        e^{−iδ/2} · RXX(δ) RYY(δ) RZZ(δ)      (SWAP = (1 + XX + YY + ZZ)/2; the three
                                                        commute, and the global phase is kept)
    xy           RXX(δ) RYY(δ)                          (exp(−iδ(XX + YY)/2))
    unitary      UnitaryGate of the user's matrix (Qiskit order)

So the controlled rotations follow the paper basis: ``CR_i(δ) = |e⟩⟨e| ⊗ R_i(δ) + |g⟩⟨g| ⊗ 1``
with ``R_i(δ) = exp(−iδσi/2)`` of the paper's σi; Qiskit's own ``CRY(δ)`` is ``cry`` with
``−δ``.  Every matrix here is the Qiskit ``Operator`` of the circuit, and the tests check it
against ``scipy.linalg.expm(−iδG)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from qiskit import QuantumCircuit, QuantumRegister
from qiskit.circuit import Gate
from qiskit.circuit.library import UnitaryGate
from qiskit.quantum_info import Operator

from ..conventions import two_qubit_to_paper, two_qubit_to_qiskit
from ..errors import ParameterError
from ..memristor.interactions import Coupling

__all__ = ["gate_label", "interaction_circuit", "interaction_gate", "interaction_matrix"]


def gate_label(coupling: Coupling) -> str:
    """Short label for drawings, e.g. ``"YY(δ=0.02)"`` or ``"CRY(δ=0.02)"``."""
    if coupling.unitary is not None:
        return "U"
    return f"{coupling.name.upper()}(δ={coupling.delta:g})"


def interaction_circuit(coupling: Coupling) -> QuantumCircuit:
    """The gate ``A`` on 2 qubits (qubit 0 = memristor 1, qubit 1 = memristor 2), native gates."""
    qc = QuantumCircuit(QuantumRegister(2, "m"), name=gate_label(coupling))
    d = float(coupling.delta)
    name = coupling.name
    if name in ("xx", "yy", "zz"):
        getattr(qc, f"r{name}")(2 * d, 0, 1)
    elif name == "crx":
        qc.crx(d, 0, 1)
    elif name == "cry":
        qc.cry(-d, 0, 1)
    elif name == "crz":
        qc.crz(-d, 0, 1)
    elif name == "pswap":
        qc.global_phase = -d / 2
        qc.rxx(d, 0, 1)
        qc.ryy(d, 0, 1)
        qc.rzz(d, 0, 1)
    elif name == "xy":
        qc.rxx(d, 0, 1)
        qc.ryy(d, 0, 1)
    elif name == "unitary":
        qc.append(UnitaryGate(two_qubit_to_qiskit(coupling.matrix), label="U"), [0, 1])
    else:  # pragma: no cover - Coupling validates the name
        raise ParameterError(f"unknown interaction {name!r}")
    return qc


def interaction_gate(coupling: Coupling) -> Gate:
    """The interaction as one labelled 2-qubit :class:`~qiskit.circuit.Gate` (for drawings).

    Its definition is :func:`interaction_circuit`; protocols inline that circuit instead, so
    simulators that do not know the composite gate still run it.
    """
    gate = interaction_circuit(coupling).to_gate(label=gate_label(coupling))
    gate.name = f"int_{coupling.name}"
    return gate


def interaction_matrix(coupling: Coupling, basis: str = "paper") -> NDArray[np.complex128]:
    """The gate's matrix, from the Qiskit ``Operator`` of :func:`interaction_circuit`.

    ``basis="paper"``: order ``ee, eg, ge, gg`` (memristor 1 left); ``basis="qiskit"``:
    little-endian with memristor 1 on qubit 0.
    """
    u = Operator(interaction_circuit(coupling)).data
    if basis == "qiskit":
        return u
    if basis == "paper":
        return two_qubit_to_paper(u)
    raise ParameterError(f"basis must be 'paper' or 'qiskit' (got {basis!r})")
