"""Interaction gates: Qiskit circuits against scipy expm of their generators, and their physics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.circuit.library import CRXGate, CRYGate, CRZGate
from qiskit.quantum_info import Operator
from scipy.linalg import expm
from scipy.stats import unitary_group

from qmemristor.conventions import (
    SIGMA_X,
    SIGMA_Y,
    SIGMA_Z,
    two_qubit_to_paper,
    two_qubit_to_qiskit,
)
from qmemristor.digital import (
    gate_label,
    interaction_circuit,
    interaction_gate,
    interaction_matrix,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import INTERACTIONS, Coupling, interaction_generator

E = np.diag([1.0, 0.0]).astype(complex)  # |e><e|, paper basis
G = np.diag([0.0, 1.0]).astype(complex)  # |g><g|
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)
DELTAS = st.floats(-np.pi, np.pi, allow_nan=False)

#: Generators written out independently of the package (paper basis, memristor 1 left).
GENERATORS = {
    "xx": np.kron(SIGMA_X, SIGMA_X),
    "yy": np.kron(SIGMA_Y, SIGMA_Y),
    "zz": np.kron(SIGMA_Z, SIGMA_Z),
    "crx": np.kron(E, SIGMA_X) / 2,
    "cry": np.kron(E, SIGMA_Y) / 2,
    "crz": np.kron(E, SIGMA_Z) / 2,
    "pswap": SWAP,
    "xy": (np.kron(SIGMA_X, SIGMA_X) + np.kron(SIGMA_Y, SIGMA_Y)) / 2,
}


def random_qubit_state(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=2) + 1j * rng.normal(size=2)
    return psi / np.linalg.norm(psi)


def test_the_generator_table_is_the_packages():
    assert set(GENERATORS) == set(INTERACTIONS)
    for name, g in GENERATORS.items():
        np.testing.assert_array_equal(interaction_generator(name), g)


@pytest.mark.parametrize("name", list(GENERATORS))
@settings(max_examples=20)
@given(delta=DELTAS)
def test_gate_matrices_equal_expm_of_their_generators(name, delta):
    """The Qiskit Operator of the native-gate circuit equals expm(−iδG) (global phase
    included) in both bases; expm and Qiskit's matrices agree to a few 1e-16."""
    ref = expm(-1j * delta * GENERATORS[name])
    c = Coupling(name, delta)
    np.testing.assert_allclose(
        Operator(interaction_circuit(c)).data, two_qubit_to_qiskit(ref), atol=1e-12
    )
    np.testing.assert_allclose(interaction_matrix(c), ref, atol=1e-12)
    np.testing.assert_allclose(c.matrix, ref, atol=1e-12)


def test_native_gates_are_qiskit_rxx_ryy_rzz_with_angle_two_delta():
    for name in ("xx", "yy", "zz"):
        qc = interaction_circuit(Coupling(name, 0.3))
        (inst,) = qc.data
        assert inst.operation.name == f"r{name}"
        assert inst.operation.params[0] == pytest.approx(0.6)


@pytest.mark.parametrize(("name", "sigma"), [("crx", SIGMA_X), ("cry", SIGMA_Y), ("crz", SIGMA_Z)])
@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), delta=DELTAS)
def test_controlled_rotations_act_only_when_memristor_1_is_excited(name, sigma, seed, delta):
    a = interaction_matrix(Coupling(name, delta))
    psi = random_qubit_state(seed)
    e, g = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    np.testing.assert_allclose(a @ np.kron(g, psi), np.kron(g, psi), atol=1e-12)
    rotated = expm(-1j * delta * sigma / 2) @ psi
    np.testing.assert_allclose(a @ np.kron(e, psi), np.kron(e, rotated), atol=1e-12)


@pytest.mark.parametrize(
    ("name", "gate", "sign"), [("crx", CRXGate, 1), ("cry", CRYGate, -1), ("crz", CRZGate, -1)]
)
def test_controlled_rotation_sign_convention_against_qiskit(name, gate, sign):
    """R_i(δ) is the paper-basis rotation: Qiskit's CRX(δ), CRY(−δ), CRZ(−δ) (Y = −σy, Z = −σz),
    control qubit 0 = memristor 1."""
    delta = 0.7
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2)
    qc.append(gate(sign * delta), [0, 1])
    np.testing.assert_allclose(
        interaction_matrix(Coupling(name, delta), "qiskit"), Operator(qc).data, atol=1e-14
    )


@given(seed=st.integers(0, 2**32 - 1), delta=DELTAS, pure=st.booleans())
def test_partial_swap_is_only_a_global_phase_on_exchange_symmetric_states(seed, delta, pure):
    """exp(−iδ SWAP) = cos δ − i sin δ SWAP commutes with any ρ with SWAP ρ SWAP = ρ, such as
    ρ1 ⊗ ρ1 (identical memristors in identical states), so A ρ A† = ρ."""
    rng = np.random.default_rng(seed)
    r = rng.normal(size=3)
    r *= (1.0 if pure else rng.uniform()) / np.linalg.norm(r)
    rho1 = 0.5 * (np.eye(2) + r[0] * SIGMA_X + r[1] * SIGMA_Y + r[2] * SIGMA_Z)
    rho = np.kron(rho1, rho1)
    a = interaction_matrix(Coupling("pswap", delta))
    np.testing.assert_allclose(a, np.cos(delta) * np.eye(4) - 1j * np.sin(delta) * SWAP, atol=1e-12)
    np.testing.assert_allclose(a @ rho @ a.conj().T, rho, atol=1e-12)


def test_partial_swap_acts_on_non_symmetric_states_and_xy_on_symmetric_ones():
    plus = np.full((2, 2), 0.5, dtype=complex)
    e = np.diag([1.0, 0.0]).astype(complex)
    pswap = interaction_matrix(Coupling("pswap", 0.4))
    xy = interaction_matrix(Coupling("xy", 0.4))
    rho = np.kron(plus, e)
    assert np.max(np.abs(pswap @ rho @ pswap.conj().T - rho)) > 0.1
    sym = np.kron(plus, plus)
    assert np.max(np.abs(xy @ sym @ xy.conj().T - sym)) > 0.05


@given(delta=DELTAS)
def test_xy_exchange_is_partial_swap_times_a_zz_phase(delta):
    """(σxσx + σyσy)/2 = SWAP − (1 + σzσz)/2 with commuting terms:
    exp(−iδ(XX+YY)/2) = e^{iδ/2} exp(iδ ZZ/2) exp(−iδ SWAP)."""
    xy = interaction_matrix(Coupling("xy", delta))
    zz = expm(1j * delta / 2 * np.kron(SIGMA_Z, SIGMA_Z))
    rhs = np.exp(1j * delta / 2) * zz @ interaction_matrix(Coupling("pswap", delta))
    np.testing.assert_allclose(xy, rhs, atol=1e-12)


@given(seed=st.integers(0, 2**32 - 1))
def test_user_unitary_roundtrip_and_step_hamiltonian(seed):
    u = unitary_group.rvs(4, random_state=seed)
    c = Coupling.from_unitary(u)
    np.testing.assert_allclose(interaction_matrix(c), u, atol=1e-12)
    np.testing.assert_allclose(c.matrix, u, atol=1e-15)
    h = c.step_hamiltonian
    np.testing.assert_allclose(h, h.conj().T, atol=1e-15)
    np.testing.assert_allclose(expm(-1j * h), u, atol=1e-11)
    assert np.max(np.abs(np.linalg.eigvalsh(h))) <= np.pi + 1e-12  # principal branch
    q = Coupling.from_unitary(two_qubit_to_qiskit(u), basis="qiskit")
    np.testing.assert_allclose(q.matrix, u, atol=1e-15)
    np.testing.assert_allclose(two_qubit_to_paper(interaction_matrix(q, "qiskit")), u, atol=1e-12)


def test_user_unitary_is_checked():
    with pytest.raises(ParameterError, match="not unitary"):
        Coupling.from_unitary(np.ones((4, 4)))
    with pytest.raises(ParameterError, match="4×4"):
        Coupling.from_unitary(np.eye(2))
    with pytest.raises(ParameterError, match="basis"):
        Coupling.from_unitary(np.eye(4), basis="ket")
    with pytest.raises(ParameterError, match="only accepted with name='unitary'"):
        Coupling("xx", 0.1, unitary=np.eye(4))


def test_unknown_interaction_lists_the_valid_ones():
    with pytest.raises(
        ParameterError,
        match="unknown interaction 'iswap'; choose one of: xx, yy, zz, crx, cry, crz, pswap, xy",
    ):
        Coupling("iswap")
    with pytest.raises(ParameterError, match="delta must be finite"):
        Coupling("xx", float("nan"))


def test_boxed_gate_has_the_circuit_as_definition_and_a_label():
    c = Coupling("cry", 0.02)
    gate = interaction_gate(c)
    assert gate.label == gate_label(c) == "CRY(δ=0.02)"
    np.testing.assert_allclose(Operator(gate).data, interaction_matrix(c, "qiskit"), atol=1e-15)
    assert Coupling("xx").symmetric and not Coupling("cry").symmetric
