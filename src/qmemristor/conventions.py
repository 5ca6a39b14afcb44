"""Basis order, qubit mapping, Pauli signs and units shared by the whole project.

Paper M writes the two-level memristor in the basis ``(|e⟩, |g⟩)`` (excited first).  Every
2×2 matrix in :mod:`qmemristor.memristor` uses that order::

    index 0 = |e⟩ (excited),  index 1 = |g⟩ (ground)
    σz = diag(+1, −1),  σ+ = |e⟩⟨g|,  σ− = |g⟩⟨e|
    ⟨σx⟩ = 2 Re ρ_eg,  ⟨σy⟩ = −2 Im ρ_eg,  ⟨σz⟩ = ρ_ee − ρ_gg

A Bloch vector ``r = (x, y, z)`` is therefore ``ρ = (1 + r·σ)/2`` with ``z = +1`` the excited
state.

On qubits (Qiskit) the mapping is **|e⟩ ↔ |1⟩ and |g⟩ ↔ |0⟩**, so amplitude damping takes
|1⟩ to |0⟩ as hardware relaxation does.  Qiskit's computational basis is ordered
``(|0⟩, |1⟩) = (|g⟩, |e⟩)``, the reverse of ours; conjugating by the swap of the two basis
states maps Qiskit's Pauli operators to ours as::

    X_qiskit = +σx,   Y_qiskit = −σy,   Z_qiskit = −σz

so a measured ⟨Y⟩ must change sign before it becomes the paper's ⟨σy⟩ (and ⟨Z⟩ likewise).

Two memristors (Paper M, §M3).  Memristor 1 is the left tensor factor in the paper basis:
a two-memristor matrix is written in the basis ``kron((|e⟩, |g⟩), (|e⟩, |g⟩))``, i.e. index
``2·i1 + i2`` with ``i = 0`` for |e⟩ (order ``ee, eg, ge, gg``).  On qubits, memristor 1 is
qubit 0 and memristor 2 is qubit 1; Qiskit is little-endian, so its 4×4 matrices use index
``b0 + 2·b1`` with ``b = 1`` for |e⟩ (order ``gg, eg, ge, ee`` written as ``|b1 b0⟩ = 00, 01,
10, 11`` with qubit 0 on the right).  :func:`two_qubit_to_qiskit` and
:func:`two_qubit_to_paper` convert between the two; partial traces are always taken in the
paper order (memristor 1 left).

Rotations are those of the paper's Paulis: ``R_i(δ) = exp(−iδσi/2)``.  In Qiskit's Paulis
that is ``RX(δ)``, ``RY(−δ)``, ``RZ(−δ)``, so the controlled rotations of the coupled
memristors are Qiskit's ``CRX(δ)``, ``CRY(−δ)``, ``CRZ(−δ)`` (control qubit 0 = memristor 1),
while ``σi⊗σi`` equals Qiskit's ``Pi⊗Pi`` (the signs square away): ``RXX/RYY/RZZ(2δ)``.

Units: ħ = m = ω = 1 unless given; the memristor scale is ``k = sqrt(m ħ ω / 2)``.
"""

from __future__ import annotations

import numpy as np

#: Index of the excited state |e⟩ in the paper basis.
EXCITED = 0
#: Index of the ground state |g⟩ in the paper basis.
GROUND = 1

#: Qubit computational state that encodes |e⟩ (and |g⟩).
QUBIT_OF_EXCITED = 1
QUBIT_OF_GROUND = 0

IDENTITY = np.eye(2, dtype=complex)
SIGMA_X = np.array([[0, 1], [1, 0]], dtype=complex)
SIGMA_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
SIGMA_Z = np.array([[1, 0], [0, -1]], dtype=complex)
#: Raising operator σ+ = |e⟩⟨g| in the paper basis.
SIGMA_PLUS = np.array([[0, 1], [0, 0]], dtype=complex)
#: Lowering operator σ− = |g⟩⟨e| in the paper basis.
SIGMA_MINUS = np.array([[0, 0], [1, 0]], dtype=complex)

#: Sign that turns a Qiskit Pauli expectation into the paper's: σ_paper = sign · P_qiskit.
QISKIT_PAULI_SIGN = {"x": 1.0, "y": -1.0, "z": -1.0}

#: Permutation between paper order (e, g) and Qiskit order (|0⟩, |1⟩) = (g, e).
PAPER_TO_QISKIT = np.array([[0, 1], [1, 0]], dtype=complex)


def to_qiskit_basis(op: np.ndarray) -> np.ndarray:
    """Express a single-qubit matrix written in the paper basis (e, g) in Qiskit's (|0⟩, |1⟩).

    Parameters
    ----------
    op : ndarray, shape (..., 2, 2)
        Matrix (or stack of matrices) in the paper basis.

    Returns
    -------
    ndarray, shape (..., 2, 2)
        The same operator in Qiskit's computational basis.
    """
    return PAPER_TO_QISKIT @ op @ PAPER_TO_QISKIT


def _two_qubit_permutation() -> np.ndarray:
    """``Π`` with ``Π[q, p] = 1`` for paper index ``p = 2 i1 + i2`` and Qiskit index
    ``q = b0 + 2 b1`` (``b = 1 − i``: |e⟩ = |1⟩; memristor 1 = qubit 0)."""
    perm = np.zeros((4, 4))
    for i1 in (0, 1):
        for i2 in (0, 1):
            perm[(1 - i1) + 2 * (1 - i2), 2 * i1 + i2] = 1.0
    return perm


#: Permutation from the paper's two-memristor order (ee, eg, ge, gg) to Qiskit's little-endian
#: order with memristor 1 on qubit 0: ``op_qiskit = Π op_paper Πᵀ``.
PAPER_TO_QISKIT_2Q = _two_qubit_permutation()


def two_qubit_to_qiskit(op: np.ndarray) -> np.ndarray:
    """A two-memristor matrix (stack, shape ``(..., 4, 4)``) from the paper order to Qiskit's."""
    return PAPER_TO_QISKIT_2Q @ np.asarray(op) @ PAPER_TO_QISKIT_2Q.T


def two_qubit_to_paper(op: np.ndarray) -> np.ndarray:
    """Inverse of :func:`two_qubit_to_qiskit` (Qiskit little-endian → paper order)."""
    return PAPER_TO_QISKIT_2Q.T @ np.asarray(op) @ PAPER_TO_QISKIT_2Q


def memristor_scale(m: float = 1.0, hbar: float = 1.0, omega: float = 1.0) -> float:
    """Return ``k = sqrt(m ħ ω / 2)``, the scale of ⟨V⟩ and ⟨I⟩ (Paper M, Eq. 6)."""
    return float(np.sqrt(m * hbar * omega / 2.0))
