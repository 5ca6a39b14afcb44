"""Negativity, log-negativity, partial trace/transpose, tripartite negativity and mutual
information against closed forms and against ``qiskit.quantum_info`` (test-only oracle)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmemristor.analysis.entanglement import (
    concurrence,
    log_negativity,
    mutual_information,
    negativity,
    pair_events,
    partial_trace,
    partial_transpose,
    tripartite_negativity,
    von_neumann_entropy,
)

qi = pytest.importorskip("qiskit.quantum_info")

# eigenvalue round-off of these small Hermitian matrices is a few 1e-16
TOL = 1e-12


def _pure(vec):
    v = np.asarray(vec, dtype=complex)
    v = v / np.linalg.norm(v)
    return np.outer(v, v.conj())


def _ghz(n):
    v = np.zeros(2**n)
    v[0] = v[-1] = 1
    return _pure(v)


def _w():
    v = np.zeros(8)
    v[[1, 2, 4]] = 1
    return _pure(v)


def _werner(p):
    singlet = _pure([0, 1, -1, 0])
    return p * singlet + (1 - p) * np.eye(4) / 4


def test_closed_forms():
    # GHZ: every one-vs-rest cut has two equal Schmidt coefficients: N = 1/2, E_N = 1
    for n in (3, 4):
        for a in ([0], [0, 1], [n - 1]):
            assert abs(negativity(_ghz(n), a) - 0.5) < TOL
            assert abs(log_negativity(_ghz(n), a) - 1.0) < TOL
    assert abs(tripartite_negativity(_ghz(3)) - 0.5) < TOL
    # W: A|BC Schmidt coefficients 1/√3 and √(2/3): ‖ρ^T‖ = (1+√2)²/3, N = √2/3
    assert abs(negativity(_w(), [0]) - math.sqrt(2) / 3) < TOL
    assert abs(tripartite_negativity(_w()) - math.sqrt(2) / 3) < TOL
    # Werner: N = max(0, (3p − 1)/4), C = max(0, (3p − 1)/2); I = 2 − S(eigs (1+3p)/4, (1−p)/4 ×3)
    for p in (0.1, 1 / 3, 0.5, 0.9, 1.0):
        rho = _werner(p)
        assert abs(negativity(rho, [0]) - max(0.0, (3 * p - 1) / 4)) < TOL
        # the Wootters λ are square roots: a zero one carries ~sqrt(1e-16) of round-off
        assert abs(concurrence(rho) - max(0.0, (3 * p - 1) / 2)) < 1e-7
        ev = np.array([(1 + 3 * p) / 4, *(3 * [(1 - p) / 4])])
        ev = ev[ev > 0]
        assert abs(mutual_information(rho) - (2 + np.sum(ev * np.log2(ev)))) < TOL
    # product states: no entanglement, no mutual information
    a, b = _pure([1, 0.3j]), _pure([0.2, 1])
    prod = np.kron(a, b)
    assert abs(negativity(prod, [1])) < TOL
    assert abs(mutual_information(prod)) < TOL
    assert abs(tripartite_negativity(np.kron(prod, a))) < 1e-5  # cube root of round-off


def test_partial_transpose_and_trace_shapes():
    rho = _ghz(3)
    pt = partial_transpose(rho, [1])
    assert pt.shape == (8, 8)
    assert np.allclose(partial_transpose(pt, [1]), rho)  # an involution
    stack = np.stack([rho, _w()])
    assert partial_trace(stack, [0, 2]).shape == (2, 4, 4)
    assert negativity(stack, [0]).shape == (2,)
    with pytest.raises(ValueError, match="distinct qubits"):
        negativity(rho, [3])


random_unitaries = st.integers(0, 2**31 - 1)


@given(random_unitaries, st.integers(2, 4), st.floats(0.05, 1.0))
def test_against_qiskit(seed, n, purity):
    """Random mixed states of n qubits: our partial trace, negativity, log-negativity,
    entropy, mutual information and concurrence against qiskit.quantum_info (which orders
    qubits little-endian: our qubit k is its qubit n−1−k)."""
    rng = np.random.default_rng(seed)
    dm = qi.random_density_matrix(2**n, seed=int(rng.integers(2**31)))
    rho = purity * dm.data + (1 - purity) * np.eye(2**n) / 2**n
    q = qi.DensityMatrix(rho)
    for a in ([0], list(range(n // 2))):
        theirs = qi.negativity(q, [n - 1 - k for k in a])
        assert abs(negativity(rho, a) - theirs) < 1e-10
        assert abs(log_negativity(rho, a) - math.log2(2 * theirs + 1)) < 1e-10
    keep = [0, n - 1]
    red = partial_trace(rho, keep)
    traced = [n - 1 - k for k in range(n) if k not in keep]
    assert np.abs(red - qi.partial_trace(q, traced).data).max() < 1e-12
    assert abs(von_neumann_entropy(rho) - qi.entropy(q, base=2)) < 1e-9
    assert (
        abs(mutual_information(red) - qi.mutual_information(qi.DensityMatrix(red), base=2)) < 1e-9
    )
    assert abs(concurrence(red) - qi.concurrence(qi.DensityMatrix(red))) < 1e-7  # √ round-off


def test_pair_events_per_row():
    t = np.arange(10.0)
    w = np.array([[0.1, 0.1, -0.1, -0.1, -0.1, 0.2, 0.2, 0.2, 0.2, 0.2], [0.1] * 10])
    ev = pair_events(t, w)
    assert list(ev[0].death_start) == [2.0] and list(ev[0].birth) == [5.0]
    assert ev[1].death_start.size == 0
