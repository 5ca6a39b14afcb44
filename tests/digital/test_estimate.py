"""Counts → ⟨σ⟩, ⟨V⟩, ⟨I⟩ with errors: formulas against NumPy and against Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qmemristor.digital import (
    derivative_with_error,
    expectation_from_counts,
    gradient_weights,
    memristor_estimates,
    run_protocol,
    simulate_circuit,
)
from qmemristor.errors import ParameterError
from qmemristor.memristor import exact_solution, time_grid
from qmemristor.options import Execution
from tests.helpers import FIG4, PAPER_STATE


@given(
    arrays(np.float64, st.integers(3, 40), elements=st.floats(0.01, 2.0)),
    st.integers(0, 2**32 - 1),
)
def test_gradient_weights_reproduce_numpy_gradient(steps, seed):
    """Our explicit stencils are numpy.gradient(edge_order=2) on any increasing grid (the
    oracle); relative round-off ≲ 1e-13 of the largest term."""
    t = np.concatenate([[0.0], np.cumsum(steps)])
    y = np.random.default_rng(seed).normal(size=t.size)
    idx, w = gradient_weights(t)
    ours = np.sum(w * y[idx], axis=1)
    scale = np.max(np.abs(w)) * np.max(np.abs(y))
    np.testing.assert_allclose(ours, np.gradient(y, t, edge_order=2), atol=1e-13 * scale)


def test_gradient_weights_need_three_increasing_points():
    with pytest.raises(ParameterError, match="at least 3 times"):
        gradient_weights([0.0, 1.0])
    with pytest.raises(ParameterError):
        gradient_weights([0.0, 1.0, 1.0])


def test_expectation_from_counts():
    mean, err = expectation_from_counts([5000, 0, 2500, 3750], 5000)
    np.testing.assert_allclose(mean, [1.0, -1.0, 0.0, 0.5])
    np.testing.assert_allclose(err, [0.0, 0.0, math.sqrt(1 / 5000), math.sqrt(0.75 / 5000)])
    with pytest.raises(ParameterError):
        expectation_from_counts([5001], 5000)


def test_error_propagation_matches_monte_carlo():
    """The propagated error bars of ⟨σy⟩, d⟨σy⟩/dt, ⟨V⟩ and ⟨I⟩ against the scatter of 400
    independent sampled runs.  The relative error of a standard deviation estimated from 400
    draws is 1/sqrt(2·399) ≈ 3.5 %; each point's bar (from its own run's counts) also varies
    by ≲ 1 %, so the median ratio over the grid must be within 0.9–1.1 and every point within
    0.75–1.3 (≈ 7σ of the estimator's scatter)."""
    t = time_grid(1, 30)
    ex = exact_solution(FIG4, PAPER_STATE, t)
    p0 = np.stack([0.5 * (1 + ex.sigma_x), 0.5 * (1 - ex.sigma_y)], axis=1)
    rng = np.random.default_rng(99)
    draws = rng.binomial(5000, p0, size=(400, *p0.shape))
    sx = (2 * draws[..., 0] - 5000) / 5000
    sy = -(2 * draws[..., 1] - 5000) / 5000
    est = [
        memristor_estimates(
            t,
            sx[k],
            np.sqrt((1 - sx[k] ** 2) / 5000),
            sy[k],
            np.sqrt((1 - sy[k] ** 2) / 5000),
            k=FIG4.k,
            omega=1.0,
        )
        for k in range(400)
    ]
    for key in ("V", "I", "dsigma_y_dt"):
        scatter = np.std([e[key] for e in est], axis=0, ddof=1)
        bars = np.mean([e[f"{key}_err"] for e in est], axis=0)
        ratio = bars / scatter
        assert 0.9 < np.median(ratio) < 1.1, key
        assert np.all((ratio > 0.75) & (ratio < 1.3)), (key, ratio.min(), ratio.max())


def test_derivative_error_formula_on_a_uniform_grid():
    """Central difference (y_{i+1} − y_{i−1})/2h with independent errors δ: error δ/(√2 h)."""
    t = np.linspace(0, 1, 11)
    _, err = derivative_with_error(t, np.zeros(11), np.full(11, 0.2))
    np.testing.assert_allclose(err[1:-1], 0.2 / (math.sqrt(2) * 0.1))
    # one-sided second order: (−3y0 + 4y1 − y2)/2h → δ sqrt(9 + 16 + 1)/(2h)
    np.testing.assert_allclose(err[[0, -1]], 0.2 * math.sqrt(26) / 0.2)


@pytest.mark.parametrize("layout", ["paper", "reset"])
def test_sampled_v_and_i_within_5_sigma_of_the_same_estimator_on_exact_values(layout):
    """⟨V⟩ against the exact ⟨V⟩; ⟨I⟩ against the *same* finite-difference estimator applied
    to the exact ⟨σ⟩ (the estimator's discretisation bias, several per cent of max|I| at 30
    points per period, is not shot noise and is the same for both)."""
    t = time_grid(3, 30)
    ds = simulate_circuit(FIG4, PAPER_STATE, t, backend="sampled", layout=layout, seed=314)
    exact = simulate_circuit(FIG4, PAPER_STATE, t, backend="density", layout=layout)
    ref = exact_solution(FIG4, PAPER_STATE, t)
    np.testing.assert_allclose(exact.sigma_y, ref.sigma_y, atol=1e-12)
    assert np.all(np.abs(ds.V - exact.V) < 5 * ds.V_err + 1e-15)
    assert np.all(np.abs(ds.I - exact.I) < 5 * ds.I_err)
    assert np.all(np.abs(ds.sigma_x - ref.sigma_x) < 5 * ds.sigma_x_err + 1e-15)
    # the discretisation bias of the estimator is visible against the closed-form current
    ex_i = FIG4.k * (ref.dsigma_y_dt - ref.sigma_x)
    bias = np.max(np.abs(exact.I.values - ex_i)) / np.max(np.abs(ex_i))
    assert 0.01 < bias < 0.15


def test_circuit_dataset_fields_and_attributes():
    t = time_grid(2, 12)
    ds = simulate_circuit(FIG4, PAPER_STATE, t, backend="sampled", seed=1, shots=1000)
    for name in ("sigma_x_err", "sigma_y_err", "V_err", "I_err", "counts0", "p0", "form_factor"):
        assert name in ds
    assert ds.counts0.dims == ("t", "observable") and list(ds.observable.values) == ["x", "y"]
    assert ds.attrs["backend"] == "sampled" and ds.attrs["layout"] == "paper"
    assert ds.attrs["shots"] == 1000 and ds.attrs["seed"] == 1 and ds.attrs["method"] == "circuit"
    assert ds.attrs["circuit_max_qubits"] == 25
    assert np.all(np.isnan(ds.sigma_z))
    exact = simulate_circuit(FIG4, PAPER_STATE, t, backend="density")
    assert exact.attrs["shots"] == "exact" and "counts0" not in exact
    assert float(exact.V_err.max()) == 0.0


def test_run_protocol_accepts_z():
    t = time_grid(1, 8)
    run = run_protocol(
        FIG4, PAPER_STATE, t, Execution(backend="density"), observables=("z", "x", "y")
    )
    ds = simulate_circuit(FIG4, PAPER_STATE, t, backend="density", observables=("z", "x", "y"))
    ex = exact_solution(FIG4, PAPER_STATE, t)
    np.testing.assert_allclose(ds.sigma_z, ex.sigma_z, atol=1e-12)
    assert run.observables == ("z", "x", "y")
    with pytest.raises(ParameterError, match="need both σx and σy"):
        simulate_circuit(FIG4, PAPER_STATE, t, backend="density", observables=("x", "z"))
