"""Reset-aware folding for ZNE: ideal results unchanged, unitary depth × λ, resets never folded."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import DensityMatrix, partial_trace

from qmemristor.digital import build_coupled_protocol, build_protocol, protocol_circuit
from qmemristor.digital.collision import steps_circuit
from qmemristor.digital.coupled import coupled_protocol_circuit
from qmemristor.digital.folding import append_folded, realised_scale, step_folds
from qmemristor.errors import ParameterError
from qmemristor.memristor import time_grid
from tests.helpers import FIG4, MIXED_STATE, PAPER_STATE, TILTED, coupled_system


def unitary(inst) -> bool:
    return inst.operation.name not in ("barrier", "reset", "measure")


def system_state(qc: QuantumCircuit, keep: list[int]) -> np.ndarray:
    """Reduced density matrix of the qubits ``keep`` (Qiskit's DensityMatrix evolves resets)."""
    rho = DensityMatrix(qc)
    return partial_trace(rho, [q for q in range(qc.num_qubits) if q not in keep]).data


@pytest.mark.parametrize("layout", ["paper", "reset"])
@pytest.mark.parametrize("scale", [3, 5, 2.0, 1.5])
@pytest.mark.parametrize("state", [PAPER_STATE, MIXED_STATE], ids=["pure", "mixed"])
def test_folding_leaves_the_ideal_state_unchanged(layout, scale, state):
    """G (G†G)^k = G exactly, so the system's state (traced over ancillas and purifier) after
    the folded circuit equals the unfolded one; 1e-12 is ~10⁴ ulps of the ~100 2×2 complex
    matrix products of 6 folded steps (measured ~1e-15)."""
    protocol = build_protocol(FIG4, state, time_grid(1, 6))
    for obs in ("x", "y"):
        plain = protocol_circuit(protocol, 6, obs, layout, measure=False)
        folded = protocol_circuit(protocol, 6, obs, layout, measure=False, fold=scale)
        np.testing.assert_allclose(
            system_state(folded, [0]), system_state(plain, [0]), rtol=0, atol=1e-12
        )
        assert folded.metadata["noise_scale"] == pytest.approx(realised_scale(6, scale))


@pytest.mark.parametrize("frame", ["interaction", "lab"])
@pytest.mark.parametrize("layout", ["paper", "reset"])
def test_folding_the_coupled_protocol_leaves_the_two_memristor_state_unchanged(frame, layout):
    """Collisions and interaction gates (lab frame: with their phases) folded by 3: the state
    of both systems is unchanged to 1e-12 (as above; measured ~1e-15)."""
    protocol = build_coupled_protocol(
        coupled_system("cry", frame=frame), TILTED, PAPER_STATE, time_grid(1, 6)[:4]
    )
    plain = coupled_protocol_circuit(protocol, 3, "xy", layout, measure=False)
    folded = coupled_protocol_circuit(protocol, 3, "xy", layout, measure=False, fold=3)
    np.testing.assert_allclose(
        system_state(folded, [0, 1]), system_state(plain, [0, 1]), rtol=0, atol=1e-12
    )
    two_qubit = ("cx", "cry", "crx", "crz", "rxx", "ryy", "rzz")
    count = lambda qc: sum(v for k, v in qc.count_ops().items() if k in two_qubit)  # noqa: E731
    assert count(folded) == 3 * count(plain)


@pytest.mark.parametrize("layout", ["paper", "reset"])
@pytest.mark.parametrize("scale", [1, 3, 5, 7])
def test_odd_scale_multiplies_the_unitary_depth_and_never_folds_resets(layout, scale):
    """The collisions alone: unitary depth and unitary gate count × λ exactly; resets
    untouched (same number, no barrier or gate between a reset and what it resets twice)."""
    phi = np.linspace(0.2, 1.4, 9)
    plain = steps_circuit(phi, layout)
    folded = steps_circuit(phi, layout, fold=scale)
    assert folded.depth(unitary) == scale * plain.depth(unitary)
    n_unitary = lambda qc: sum(1 for i in qc.data if unitary(i))  # noqa: E731
    assert n_unitary(folded) == scale * n_unitary(plain)
    assert folded.count_ops().get("reset", 0) == plain.count_ops().get("reset", 0)
    assert plain.count_ops().get("reset", 0) == (8 if layout == "reset" else 0)


def test_measurements_and_readout_are_never_folded():
    """Preparation, phase, basis change and measurement appear once in the folded circuit."""
    protocol = build_protocol(FIG4, PAPER_STATE, time_grid(1, 6))
    plain = protocol_circuit(protocol, 4, "y", "reset")
    folded = protocol_circuit(protocol, 4, "y", "reset", fold=5)
    for name in ("measure", "reset", "sdg", "h", "p", "ry"):
        assert folded.count_ops().get(name, 0) == plain.count_ops().get(name, 0), name
    assert folded.count_ops()["cry"] == 5 * plain.count_ops()["cry"]


def test_step_folds_spread_fractional_scales_evenly():
    """λ = 2: every other step folded once (3 copies), so the mean number of copies → 2."""
    np.testing.assert_array_equal(step_folds(6, 2.0), [3, 1, 3, 1, 3, 1])
    np.testing.assert_array_equal(step_folds(4, 3), [3, 3, 3, 3])
    assert realised_scale(60, 1.5) == pytest.approx(1.5)
    assert realised_scale(0, 3) == 1.0  # nothing to fold
    for scale in (1.3, 2.0, 2.7, 4.2):  # realised within 1/steps of the nominal scale
        assert abs(realised_scale(30, scale) - scale) <= 2 / 30 + 1e-12


def test_blocks_with_reset_or_measurement_cannot_be_folded():
    qc = QuantumCircuit(2)
    block = QuantumCircuit(2)
    block.cx(0, 1)
    block.reset(1)
    with pytest.raises(ParameterError, match="only unitary blocks"):
        append_folded(qc, block, qc.qubits, 3)
    with pytest.raises(ParameterError, match="odd number of copies"):
        append_folded(qc, QuantumCircuit(2), qc.qubits, 2)
    with pytest.raises(ParameterError, match=r"noise scale must be in \[1, 99\]"):
        step_folds(3, 0.5)
    with pytest.raises(ParameterError, match="noise scale must be"):
        step_folds(3, math.nan)
