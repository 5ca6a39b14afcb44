"""The one SciPy path: closed-form oracles for every method, validation, failures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.errors import NumericalError, ParameterError, check_time_grid
from qmemristor.options import ODE_METHODS, SolverOptions
from qmemristor.solvers import solve_ode

T = np.linspace(0.0, 4.0, 41)


@pytest.mark.parametrize("method", ODE_METHODS)
def test_damped_oscillator_against_its_closed_form(method):
    """x'' + 2ζx' + x = 0 (ζ = 0.1) from (1, 0): x = e^{−ζt}(cos ωt + ζ/ω sin ωt), ω = √(1−ζ²).

    rtol 1e-10: the global error of a well-conditioned 2-D system stays within a few hundred
    local tolerances over four time units, hence the 1e-7 bound.
    """
    z = 0.1
    w = math.sqrt(1 - z * z)
    a = np.array([[0.0, 1.0], [-1.0, -2 * z]])
    y = solve_ode(
        lambda _t, y: a @ y,
        [1.0, 0.0],
        T,
        SolverOptions(method=method, rtol=1e-10, atol=1e-12),
        jac=lambda _t, _y: a,
    )
    exact = np.exp(-z * T) * (np.cos(w * T) + z / w * np.sin(w * T))
    np.testing.assert_allclose(y[:, 0], exact, atol=1e-7)
    assert y.shape == (T.size, 2)


def test_complex_states_for_explicit_methods():
    """i dψ/dt = ψ: ψ = e^{−it} (the Schrödinger equation of a one-level system)."""
    y = solve_ode(lambda _t, y: -1j * y, [1.0 + 0j], T, SolverOptions(rtol=1e-11, atol=1e-13))
    np.testing.assert_allclose(y[:, 0], np.exp(-1j * T), atol=1e-9)
    with pytest.raises(ParameterError, match="complex"):
        solve_ode(lambda _t, y: -1j * y, [1.0 + 0j], T, SolverOptions(method="Radau"))


def test_a_single_time_returns_the_initial_state():
    np.testing.assert_array_equal(solve_ode(lambda _t, y: y, [2.0, 3.0], [0.5]), [[2.0, 3.0]])


def test_blow_up_is_a_numerical_error_not_a_wrong_answer():
    """y' = y² from y(0) = 1 blows up at t = 1: no method may return values past it."""
    for method in ("DOP853", "odeint"):
        with pytest.raises(NumericalError), np.errstate(over="ignore"):
            solve_ode(
                lambda _t, y: y * y, [1.0], np.linspace(0, 2, 5), SolverOptions(method=method)
            )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rtol": 1e308}, "rtol must be in"),
        ({"rtol": 1e-20}, "rtol must be in"),
        ({"rtol": math.nan}, "rtol must be finite"),
        ({"atol": 0.0}, "atol must be in"),
        ({"method": "Euler"}, "unknown method"),
        ({"max_step": 0.0}, "max_step must be > 0"),
        ({"max_steps": 0}, "max_steps must be"),
    ],
)
def test_options_are_validated_once(changes, message):
    with pytest.raises(ParameterError, match=message):
        SolverOptions(**changes)


@pytest.mark.parametrize(
    ("t", "kw", "message"),
    [
        ([0.0, 1.0, 1.0], {}, "strictly increasing"),
        ([[0.0, 1.0]], {}, "1-D grid"),
        ([0.0, math.inf], {}, "finite"),
        ([0.0], {"min_size": 2}, "at least 2"),
        ([0.0, 1.0, 2.5], {"uniform": True}, "uniform"),
    ],
)
def test_time_grid_check(t, kw, message):
    with pytest.raises(ParameterError, match=message):
        check_time_grid(t, **kw)


def test_uniform_grid_allows_round_off():
    """``arange(n) * dt`` is uniform up to round-off: accepted."""
    t = np.arange(601) * (2 * math.pi / 30)
    assert check_time_grid(t, uniform=True) is not None
