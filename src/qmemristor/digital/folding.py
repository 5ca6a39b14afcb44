"""Reset-aware unitary folding for zero-noise extrapolation: ``G → G (G† G)^k``.

Zero-noise extrapolation runs a circuit at amplified noise.  Folding a unitary block ``G``
into ``G (G† G)^k`` leaves the ideal operation unchanged (``G† G = 1``) and multiplies the
block's gates, and so to first order its noise, by the *scale factor* ``λ = 2k + 1``.  Global
folding of a whole circuit (``C → C (C† C)^k``) is impossible here: the reset layout and the
measurement are not unitary and have no inverse.  So only the unitary blocks are folded — each
collision (``CRY; CNOT``) and each interaction gate — and state preparation, readout rotations,
resets and measurements are left as they are.

Each copy of ``G`` or ``G†`` is separated from the next by a barrier on the block's qubits: a
transpiler would otherwise cancel ``G† G`` (e.g. two adjacent CNOTs) and undo the folding.
Nothing is folded for ``λ = 1`` (no barriers either: the circuit is exactly the unfolded one).
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit
from qiskit.circuit import Qubit

from ..errors import ParameterError

__all__ = ["append_folded", "check_scale"]


def check_scale(scale: object) -> int:
    """A fold scale ``λ``: an odd integer ≥ 1 (``λ = 2k + 1`` copies of ``G`` and ``G†``)."""
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1 or scale % 2 != 1:
        raise ParameterError(f"the fold scale must be an odd integer ≥ 1 (got {scale!r})")
    return scale


def append_folded(
    qc: QuantumCircuit, block: QuantumCircuit, qubits: Sequence[Qubit], scale: int = 1
) -> None:
    """Append the unitary ``block`` on ``qubits`` folded to ``G (G† G)^k``, ``k = (λ − 1)/2``.

    ``block`` must be unitary (no reset, measurement or classical bits): folding a reset or a
    measurement would change the result.  Its global phase is kept once (the folded pairs
    carry ``e^{iφ} e^{−iφ} = 1``).
    """
    scale = check_scale(scale)
    if block.num_clbits or any(inst.operation.name in ("reset", "measure") for inst in block.data):
        raise ParameterError("only unitary blocks can be folded (no reset or measurement)")
    qc.compose(block, qubits, inplace=True)
    if scale == 1:
        return
    inverse = block.inverse()
    for _ in range((scale - 1) // 2):
        qc.barrier(qubits)
        qc.compose(inverse, qubits, inplace=True)
        qc.barrier(qubits)
        qc.compose(block, qubits, inplace=True)
