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


def memristor_scale(m: float = 1.0, hbar: float = 1.0, omega: float = 1.0) -> float:
    """Return ``k = sqrt(m ħ ω / 2)``, the scale of ⟨V⟩ and ⟨I⟩ (Paper M, Eq. 6)."""
    return float(np.sqrt(m * hbar * omega / 2.0))
