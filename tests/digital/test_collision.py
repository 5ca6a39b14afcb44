"""Collision circuits (SPEC §M2) against closed forms and ``qiskit.quantum_info`` simulators."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from qiskit import qasm3
from qiskit.quantum_info import (
    Choi,
    DensityMatrix,
    Kraus,
    Operator,
    Statevector,
    SuperOp,
    partial_trace,
    process_fidelity,
)

from qmemristor.conventions import to_qiskit_basis
from qmemristor.digital import (
    LAYOUTS,
    build_protocol,
    circuit_stats,
    collision_angle,
    collision_step,
    get_layout,
    protocol_circuit,
    protocol_circuits,
    state_preparation,
    steps_circuit,
    to_qasm3,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    CallableDecay,
    InitialState,
    MemristorParams,
    amplitude_damping_kraus,
    time_grid,
)
from tests.helpers import MIXED_STATE, PAPER_STATE, exact_p0


def system_kraus(op: Operator, n_anc: int) -> list[np.ndarray]:
    """Kraus operators on qubit 0 of a unitary on 1 + n_anc qubits with ancillas from |0⟩."""
    u = op.data.reshape(2**n_anc, 2, 2**n_anc, 2)  # (anc', sys', anc, sys), Qiskit little-endian
    return [u[m, :, 0, :] for m in range(2**n_anc)]


def system_channel(circuit) -> SuperOp:
    """Superoperator of the system channel of a (possibly non-unitary) circuit, ancillas |0⟩.

    A unitary circuit gives it through its Kraus operators; otherwise every ``|a⟩⟨b|`` of the
    system (qubit 0), with the ancillas in |0⟩, is evolved through the circuit by
    ``DensityMatrix.evolve`` (which applies resets) and the ancillas are traced out.
    Qiskit's ``SuperOp`` acts on column-stacked ``vec(ρ)[a + 2b]``.
    """
    n = circuit.num_qubits
    if "reset" not in circuit.count_ops():  # unitary: its Kraus operators, much cheaper
        return SuperOp(Kraus(system_kraus(Operator(circuit), n - 1)))
    sup = np.zeros((4, 4), dtype=complex)
    for a in range(2):
        for b in range(2):
            rho = np.zeros((2**n, 2**n), dtype=complex)
            rho[a, b] = 1.0  # index a = system bit, all ancillas 0
            out = DensityMatrix(rho).evolve(circuit).data
            red = np.einsum("iaib->ab", out.reshape(2 ** (n - 1), 2, 2 ** (n - 1), 2))
            sup[:, a + 2 * b] = red.reshape(4, order="F")
    return SuperOp(sup)


# --- the angle and its half-angle convention ---------------------------------------------------


@given(st.floats(min_value=-30.0, max_value=0.0))
def test_collision_angle_encodes_cos_half_phi_equal_exp_kappa(kap):
    phi = float(collision_angle(kap))
    # atan2 form: both cos and sin of φ/2 to round-off (≲ 1e-16 absolute)
    assert math.cos(phi / 2) == pytest.approx(math.exp(kap), abs=2e-16)
    assert math.sin(phi / 2) == pytest.approx(math.sqrt(-math.expm1(2 * kap)), abs=2e-16)
    assert 0.0 <= phi <= math.pi


def test_collision_angle_keeps_accuracy_for_tiny_damping():
    # arccos(e^κ) loses half the digits here; the atan2 form keeps sin(φ/2) = sqrt(−2κ) exact
    kap = -1e-20
    assert float(collision_angle(kap)) == pytest.approx(2 * math.sqrt(2e-20), rel=1e-12)
    assert float(collision_angle(-np.inf)) == pytest.approx(math.pi, abs=1e-15)
    with pytest.raises(ParameterError, match="κ must be ≤ 0"):
        collision_angle(0.1)
    with pytest.raises(ParameterError):
        collision_angle(float("nan"))


@given(st.floats(min_value=-8.0, max_value=-1e-6))
def test_one_collision_is_the_amplitude_damping_step(kap):
    """Traced over the ancilla, one collision circuit is exactly the Kraus map of SPEC §M1.

    Kraus operators are unique up to a unitary mixing; compare the channels (Choi matrices),
    which must agree to round-off (~1e-15) — the circuit's matrix is built from cos/sin of φ/2.
    """
    phi = float(collision_angle(kap))
    circ_kraus = system_kraus(Operator(collision_step(phi)), 1)
    ref = [to_qiskit_basis(k) for k in np.moveaxis(amplitude_damping_kraus(kap), -3, 0)]
    c1, c2 = Choi(Kraus(circ_kraus)).data, Choi(Kraus(ref)).data
    np.testing.assert_allclose(c1, c2, atol=1e-14)


def test_wrong_half_angle_convention_would_be_caught():
    """The test above is sensitive to the RY convention: the paper's θ = arccos e^κ used as
    the Qiskit angle (i.e. forgetting φ = 2θ) leaves the excited amplitude at cos(θ/2), far
    from e^κ, and the population check fails by much more than round-off."""
    kap = -0.3
    theta = math.acos(math.exp(kap))  # the paper's angle, wrong as a Qiskit RY angle

    def undamped_amplitude(phi: float) -> float:
        psi = Statevector.from_label("01").evolve(collision_step(phi))  # sys = |1⟩ = |e⟩
        return float(abs(psi.data[0b01]))  # sys 1, anc 0: the branch that did not decay

    assert abs(undamped_amplitude(float(collision_angle(kap))) - math.exp(kap)) < 1e-14
    assert abs(undamped_amplitude(theta) - math.exp(kap)) > 0.05  # cos(θ/2) = 0.93 vs 0.74


# --- state preparation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        PAPER_STATE,
        InitialState.from_angles(0.0, 0.0),
        InitialState.from_angles(math.pi / 2, 1.0),
        InitialState(0.0, 0.0, -1.0),
        MIXED_STATE,
        InitialState(0.0, 0.0, 0.0),
        InitialState(0.0, 0.0, 0.5),
    ],
    ids=["paper", "excited", "ground-phase", "ground", "mixed", "maximally-mixed", "z-mixed"],
)
def test_preparation_gives_the_state_in_qiskit_basis(state):
    qc = state_preparation(state)
    rho = partial_trace(DensityMatrix(qc), list(range(1, qc.num_qubits)))
    np.testing.assert_allclose(rho.data, to_qiskit_basis(state.density), atol=1e-15)
    assert qc.num_qubits == (1 if math.isclose(np.linalg.norm(state.bloch), 1.0) else 2)


# --- whole protocols against the closed form -------------------------------------------------


@pytest.mark.parametrize("state", [PAPER_STATE, MIXED_STATE], ids=["pure", "mixed"])
@pytest.mark.parametrize("observable", ["x", "y", "z"])
def test_paper_layout_circuits_reproduce_the_exact_solution(state, observable):
    """Every circuit of the paper layout (with a purifier if mixed, the whole circuit is a
    unitary), simulated by Qiskit's Statevector, gives the closed-form outcome probability to
    round-off: ≤ 9 qubits and ~20 gates, each adding ~1e-16."""
    params = MemristorParams(gamma0=0.4)
    t = time_grid(1, 8)
    proto = build_protocol(params, state, t)
    ref = exact_p0(params, state, t, observable)
    for i in range(t.size):
        qc = protocol_circuit(proto, i, observable, "paper", measure=False)
        p0 = Statevector(qc).probabilities([0])[0]
        assert abs(p0 - ref[i]) < 1e-12, (i, p0, ref[i])


@pytest.mark.parametrize("state", [PAPER_STATE, MIXED_STATE], ids=["pure", "mixed"])
def test_reset_layout_circuits_reproduce_the_exact_solution(state):
    """The reset layout's circuits, with their mid-circuit resets applied by Qiskit's
    DensityMatrix, give the closed form to round-off over 2 periods (60 collisions)."""
    params = MemristorParams(gamma0=0.4)
    t = time_grid(2, 30)
    proto = build_protocol(params, state, t)
    for obs in ("x", "y"):
        ref = exact_p0(params, state, t, obs)
        for i in (0, 1, 2, 17, 45, 60):
            qc = protocol_circuit(proto, i, obs, "reset", measure=False)
            assert qc.num_qubits == (1 if i == 0 else 2) + (state is MIXED_STATE)
            p0 = DensityMatrix(qc).probabilities([0])[0]
            assert abs(p0 - ref[i]) < 1e-12, (obs, i)


def test_any_increasing_grid_and_any_decay_rate():
    """κ_i per interval from the protocol's exact integral: a non-uniform grid and a user
    Γ(t) (quadrature to 1e-12 relative) still reproduce the closed form to ~1e-12."""
    params = MemristorParams(decay=CallableDecay(lambda s: 0.3 + 0.2 * math.sin(2 * s) ** 2))
    t = np.concatenate([[0.0], np.cumsum(np.random.default_rng(4).uniform(0.05, 0.6, 9))])
    proto = build_protocol(params, PAPER_STATE, t)
    ref = exact_p0(params, PAPER_STATE, t, "x")
    p0 = [
        Statevector(protocol_circuit(proto, i, "x", measure=False)).probabilities([0])[0]
        for i in range(t.size)
    ]
    np.testing.assert_allclose(p0, ref, atol=1e-11)


def test_free_evolution_sign_matters():
    """The readout's P(−ωt) is e^{−iHt} up to a global phase; P(+ωt) would rotate the
    coherence the wrong way and miss ⟨σx⟩ by O(1) — the tests above would catch it."""
    params = MemristorParams(gamma0=0.0)
    t = np.array([0.0, 1.0])
    proto = build_protocol(params, PAPER_STATE, t)
    good = Statevector(protocol_circuit(proto, 1, "y", measure=False)).probabilities([0])[0]
    flipped = build_protocol(params, PAPER_STATE, t)
    object.__setattr__(flipped, "lam", -flipped.lam)
    bad = Statevector(protocol_circuit(flipped, 1, "y", measure=False)).probabilities([0])[0]
    ref = exact_p0(params, PAPER_STATE, t, "y")[1]
    assert abs(good - ref) < 1e-14 and abs(bad - ref) > 0.1


# --- the two layouts implement the same channel ------------------------------------------------


@pytest.mark.parametrize("steps", [1, 2, 5, 9])
def test_paper_and_reset_layouts_are_the_same_channel(steps):
    """Process fidelity of the two layouts' system channels (and of the closed-form
    amplitude damping composed over the steps) is 1 to round-off."""
    params = MemristorParams(gamma0=0.4)
    proto = build_protocol(params, PAPER_STATE, time_grid(1, 9)[: steps + 1])
    paper = system_channel(steps_circuit(proto.phi, "paper"))
    reset = steps_circuit(proto.phi, "reset")
    assert reset.num_qubits == 2 and reset.count_ops().get("reset", 0) == steps - 1
    reset_sup = system_channel(reset)
    kap_total = float(np.sum(np.log(np.cos(proto.phi / 2))))
    ref = SuperOp(
        Kraus([to_qiskit_basis(k) for k in np.moveaxis(amplitude_damping_kraus(kap_total), -3, 0)])
    )
    assert process_fidelity(paper, reset_sup) == pytest.approx(1.0, abs=1e-12)
    assert process_fidelity(paper, ref) == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(paper.data, reset_sup.data, atol=1e-13)
    np.testing.assert_allclose(paper.data, ref.data, atol=1e-13)


def test_a_misplaced_reset_changes_the_channel():
    """Control for the fidelity test: resetting the ancilla between CRY and CNOT breaks the
    collision, and the process fidelity drops well below 1."""
    from qiskit import QuantumCircuit

    phi = float(collision_angle(-0.5))
    bad = QuantumCircuit(2)
    bad.cry(phi, 0, 1)
    bad.reset(1)
    bad.cx(1, 0)
    good = steps_circuit([phi], "reset")
    assert process_fidelity(system_channel(bad), system_channel(good)) < 0.95


# --- layouts, sizes, OpenQASM 3 ------------------------------------------------------------------


def test_layout_sizes_and_registry():
    proto = build_protocol(MemristorParams(), PAPER_STATE, time_grid(1, 12))
    for i in (0, 1, 6, 12):
        assert protocol_circuit(proto, i, "x", "paper").num_qubits == i + 1
        assert protocol_circuit(proto, i, "x", "reset").num_qubits == (2 if i else 1)
    circs = protocol_circuits(proto, "reset", ("x", "y"))
    assert len(circs) == 2 * 13
    assert [c.metadata["observable"] for c in circs[:4]] == ["x", "y", "x", "y"]
    assert [c.metadata["index"] for c in circs[:4]] == [0, 0, 1, 1]
    assert set(LAYOUTS) == {"paper", "reset", "shared"}
    message = "unknown layout 'ring'; choose one of: paper, reset, shared"
    with pytest.raises(ParameterError, match=message):
        get_layout("ring")
    with pytest.raises(ParameterError, match="index must be in"):
        protocol_circuit(proto, 13, "x")
    with pytest.raises(ParameterError, match="observables must be"):
        protocol_circuit(proto, 1, "w")


def test_grid_validation():
    p = MemristorParams()
    for bad, frag in [
        ([0.5, 1.0], "start at t = 0"),
        ([0.0, 1.0, 1.0], "strictly increasing"),
        ([0.0, np.nan], "finite"),
        ([], "non-empty"),
    ]:
        with pytest.raises(ParameterError, match=frag):
            build_protocol(p, PAPER_STATE, bad)


@pytest.mark.parametrize("layout", ["paper", "reset"])
def test_qasm3_export_round_trips_to_the_same_operator(layout):
    pytest.importorskip("qiskit_qasm3_import")
    proto = build_protocol(MemristorParams(gamma0=0.4), MIXED_STATE, time_grid(1, 6))
    qc = protocol_circuit(proto, 4, "y", layout, measure=False)
    text = to_qasm3(qc)
    assert text.startswith("OPENQASM 3.0;") and "cry(" in text
    assert ("reset anc[0];" in text) is (layout == "reset")
    back = qasm3.loads(text)
    if layout == "paper":  # unitary: compare operators (global phase included)
        assert Operator(back).equiv(Operator(qc))
    np.testing.assert_allclose(
        DensityMatrix(back).probabilities([0]), DensityMatrix(qc).probabilities([0]), atol=1e-12
    )


def test_circuit_stats():
    proto = build_protocol(MemristorParams(gamma0=0.4), PAPER_STATE, time_grid(1, 6))
    st_paper = circuit_stats(protocol_circuit(proto, 3, "y", "paper"))
    st_reset = circuit_stats(protocol_circuit(proto, 3, "y", "reset"))
    assert st_paper["num_qubits"] == 4 and st_reset["num_qubits"] == 2
    assert st_paper["count_cry"] == st_reset["count_cry"] == 3
    assert st_reset["count_reset"] == 2 and "count_reset" not in st_paper
