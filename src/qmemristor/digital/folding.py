"""Reset-aware unitary folding for zero-noise extrapolation: ``G → G (G† G)^k``.

Zero-noise extrapolation runs a circuit at amplified noise.  Folding a unitary block ``G``
into ``G (G† G)^k`` leaves the ideal operation unchanged (``G† G = 1``) and multiplies the
block's gates, and so to first order its noise, by ``2k + 1``.  Global folding of a whole
circuit (``C → C (C† C)^k``) is impossible here: the reset layout and the measurement are not
unitary and have no inverse.  So only the unitary blocks of each time step are folded — each
collision (``CRY; CNOT``) and each interaction gate — and state preparation, readout
rotations, resets and measurements are left as they are.

A noise scale ``λ ≥ 1`` that is not an odd integer folds some steps once more than others:
step ``s`` gets ``2(k + x_s) + 1`` copies with ``k = ⌊(λ − 1)/2⌋`` and the extra folds
``x_s ∈ {0, 1}`` spread evenly over the steps (a Bresenham pattern with density
``(λ − 1)/2 − k``), so a circuit of ``i`` steps has the *realised* scale
``λ_i = mean_{s<i}(2(k + x_s) + 1)``, close to ``λ`` and exactly ``λ`` for odd integers.  The
extrapolation uses the realised scale of every circuit.

Each copy of ``G`` or ``G†`` is separated from the next by a barrier on the block's qubits: a
transpiler would otherwise cancel ``G† G`` (e.g. two adjacent CNOTs) and undo the folding.
Nothing is folded for a factor 1 (no barriers either: the circuit is the unfolded one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from qiskit import QuantumCircuit
from qiskit.circuit import Qubit

from ..errors import ParameterError

__all__ = ["append_folded", "check_scale", "realised_scale", "step_folds"]

#: Largest noise scale: beyond ~100 copies of every gate no device keeps a signal.
MAX_SCALE = 99.0


def check_scale(scale: object) -> float:
    """A noise scale ``λ``: a finite real number in ``[1, 99]``."""
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.integer | np.floating):
        raise ParameterError(f"the noise scale must be a number in [1, 99] (got {scale!r})")
    x = float(scale)
    if not (math.isfinite(x) and 1.0 <= x <= MAX_SCALE):
        raise ParameterError(f"the noise scale must be in [1, 99] (got {x:g})")
    return x


def step_folds(steps: int, scale: float) -> NDArray[np.int64]:
    """Copies (odd) of each step's unitary blocks for the noise scale ``scale``: ``(steps,)``."""
    scale = check_scale(scale)
    k = math.floor((scale - 1.0) / 2.0 + 1e-12)
    frac = (scale - 1.0) / 2.0 - k
    s = np.arange(int(steps))
    extra = np.floor((s + 1) * frac + 0.5) - np.floor(s * frac + 0.5)
    return (2 * (k + extra) + 1).astype(np.int64)


def realised_scale(steps: int, scale: float) -> float:
    """The noise scale a circuit of ``steps`` steps gets: the mean of its :func:`step_folds`.

    1 for no steps (nothing to fold).
    """
    folds = step_folds(steps, scale)
    return float(folds.mean()) if folds.size else 1.0


def append_folded(
    qc: QuantumCircuit, block: QuantumCircuit, qubits: Sequence[Qubit], copies: int = 1
) -> None:
    """Append the unitary ``block`` on ``qubits`` folded to ``G (G† G)^k``, ``copies = 2k + 1``.

    ``block`` must be unitary (no reset, measurement or classical bits): folding a reset or a
    measurement would change the result.  Its global phase is kept once (the folded pairs
    carry ``e^{iφ} e^{−iφ} = 1``).
    """
    if isinstance(copies, bool) or not isinstance(copies, int | np.integer) or copies % 2 != 1:
        raise ParameterError(f"a block is folded into an odd number of copies (got {copies!r})")
    if block.num_clbits or any(inst.operation.name in ("reset", "measure") for inst in block.data):
        raise ParameterError("only unitary blocks can be folded (no reset or measurement)")
    qc.compose(block, qubits, inplace=True)
    if copies == 1:
        return
    inverse = block.inverse()
    for _ in range((int(copies) - 1) // 2):
        qc.barrier(qubits)
        qc.compose(inverse, qubits, inplace=True)
        qc.barrier(qubits)
        qc.compose(block, qubits, inplace=True)
