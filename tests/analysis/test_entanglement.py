"""Wootters concurrence and sudden death/birth against closed forms and independent oracles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import unitary_group

from qmemristor.analysis import concurrence, entanglement_events, wootters_quantity

YY = np.kron([[0, -1j], [1j, 0]], [[0, -1j], [1j, 0]])
SEEDS = st.integers(0, 2**32 - 1)


def random_density(seed: int, rank: int = 4) -> np.ndarray:
    """Random 2-qubit state ρ = G G† / Tr, G a complex 4×rank Ginibre matrix."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(4, rank)) + 1j * rng.normal(size=(4, rank))
    rho = g @ g.conj().T
    return rho / np.trace(rho)


def random_qubit(seed: int, pure: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    r = rng.normal(size=3)
    r /= np.linalg.norm(r)
    if not pure:
        r *= rng.uniform(0, 1)
    paulis = [np.array(p, dtype=complex) for p in ([[0, 1], [1, 0]], [[0, -1j], [1j, 0]])]
    paulis.append(np.diag([1.0, -1.0]).astype(complex))
    return 0.5 * (np.eye(2) + sum(c * p for c, p in zip(r, paulis, strict=True)))


def wootters_by_eigenvalues(rho: np.ndarray) -> float:
    """Textbook form, independent of the SVD route: sqrt of the eigenvalues of ρ ρ̃."""
    ev = np.linalg.eigvals(rho @ YY @ rho.conj() @ YY)
    lam = np.sort(np.sqrt(np.abs(ev.real)))[::-1]
    return lam[0] - lam[1] - lam[2] - lam[3]


BELL = {
    "phi+": np.array([1, 0, 0, 1]) / np.sqrt(2),
    "phi-": np.array([1, 0, 0, -1]) / np.sqrt(2),
    "psi+": np.array([0, 1, 1, 0]) / np.sqrt(2),
    "psi-": np.array([0, 1, -1, 0]) / np.sqrt(2),
}


@pytest.mark.parametrize("name", list(BELL))
def test_bell_states_have_concurrence_one(name):
    psi = BELL[name]
    # round-off of an SVD of 4×4 matrices of norm 1: a few 1e-16
    assert concurrence(np.outer(psi, psi.conj())) == pytest.approx(1.0, abs=1e-12)


@given(SEEDS)
def test_local_unitaries_keep_a_bell_state_maximally_entangled(seed):
    u1, u2 = unitary_group.rvs(2, size=2, random_state=seed)
    psi = np.kron(u1, u2) @ BELL["psi-"]
    assert concurrence(np.outer(psi, psi.conj())) == pytest.approx(1.0, abs=1e-12)


@given(SEEDS, st.booleans())
def test_product_states_have_concurrence_zero(seed, pure):
    """ρ1 ⊗ ρ2 is separable: W ≤ 0 up to round-off (1e-12 ≫ the ~1e-15 seen) and C = 0."""
    rho = np.kron(random_qubit(seed, pure), random_qubit(seed + 1, pure))
    assert wootters_quantity(rho) <= 1e-12
    assert concurrence(rho) <= 1e-12


@given(SEEDS, st.integers(1, 4))
def test_random_states_match_qiskit_and_the_eigenvalue_formula(seed, rank):
    """Two independent oracles: qiskit.quantum_info.concurrence and sqrt(eig(ρρ̃)).  Both are
    backward stable to ~1e-15 for well-conditioned states; the eigenvalue route loses digits
    near λ ≈ 0 (square root of a round-off-sized eigenvalue: ~1e-8), hence 1e-7."""
    from qiskit.quantum_info import concurrence as qiskit_concurrence

    rho = random_density(seed, rank)
    c = float(concurrence(rho))
    assert c == pytest.approx(qiskit_concurrence(rho), abs=1e-7)
    assert c == pytest.approx(max(0.0, wootters_by_eigenvalues(rho)), abs=1e-7)


@given(SEEDS)
def test_pure_states_match_the_closed_form(seed):
    """C(|ψ⟩) = 2|ad − bc| for |ψ⟩ = a|00⟩ + b|01⟩ + c|10⟩ + d|11⟩."""
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=4) + 1j * rng.normal(size=4)
    psi /= np.linalg.norm(psi)
    a, b, c, d = psi
    expected = 2 * abs(a * d - b * c)
    assert concurrence(np.outer(psi, psi.conj())) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("p", [0.0, 0.2, 1 / 3, 0.5, 0.9, 1.0])
def test_werner_states_report_the_exact_wootters_quantity(p):
    """ρ = p|ψ−⟩⟨ψ−| + (1 − p)1/4 is spin-flip invariant, so W = λ1 − λ2 − λ3 − λ4 with λ the
    eigenvalues of ρ: W = (3p − 1)/2 exactly, negative below p = 1/3 (how far from zero)."""
    psi = BELL["psi-"]
    rho = p * np.outer(psi, psi) + (1 - p) * np.eye(4) / 4
    assert wootters_quantity(rho) == pytest.approx((3 * p - 1) / 2, abs=1e-12)
    assert concurrence(rho) == pytest.approx(max(0.0, (3 * p - 1) / 2), abs=1e-12)


def test_stacks_are_vectorised():
    rhos = np.stack([random_density(s) for s in range(15)]).reshape(3, 5, 4, 4)
    c = concurrence(rhos)
    assert c.shape == (3, 5)
    # a stack and a single matrix may take different LAPACK/BLAS kernels: a few ulps (C ≤ 1)
    assert c[1, 2] == pytest.approx(concurrence(rhos[1, 2]), rel=0, abs=8 * np.finfo(float).eps)


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 4, 4\)"):
        concurrence(np.eye(2))
    with pytest.raises(ValueError, match="finite"):
        concurrence(np.full((4, 4), np.nan))


def test_events_on_a_synthetic_record():
    t = np.arange(12.0)
    #            start: 1 zero point (never entangled): no death, no birth (length 1)
    w = np.array([0.0, 0.1, 0.2, -0.1, -0.2, 0.05, 0.1, 0.0, 0.1, -0.3, -0.3, -0.1])
    ev = entanglement_events(t, w)
    np.testing.assert_array_equal(ev.death_start, [3.0, 9.0])
    np.testing.assert_array_equal(ev.death_end, [4.0, 11.0])
    np.testing.assert_array_equal(ev.death_open, [False, True])
    # t = 7 touches zero at one grid point only: a tangency, not a finite interval
    np.testing.assert_array_equal(ev.birth, [5.0])
    assert ev.zero.sum() == 7
    assert entanglement_events(t, w, min_points=1).death_start.tolist() == [3.0, 7.0, 9.0]


def test_delayed_birth_from_a_separable_start_and_the_tolerance():
    t = np.arange(6.0)
    ev = entanglement_events(t, np.array([-1e-16, -0.2, 1e-12, 1e-8, 0.3, 0.2]))
    # 1e-12 ≤ tol = 1e-10 counts as zero; 1e-8 is entangled: birth at t = 3, no death
    assert ev.birth.tolist() == [3.0] and ev.death_start.size == 0
    assert entanglement_events(t, np.zeros(6)).birth.size == 0


def test_events_bad_input():
    with pytest.raises(ValueError, match="same length"):
        entanglement_events(np.arange(3.0), np.zeros(4))
    with pytest.raises(ValueError, match="min_points"):
        entanglement_events(np.arange(3.0), np.zeros(3), min_points=0)
