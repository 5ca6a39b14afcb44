"""The budgets, tolerance ranges and estimates of qmemristor.limits."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import integrate

from qmemristor import limits
from qmemristor.errors import ParameterError, ResourceLimitError
from qmemristor.neuron import NeuronParams
from qmemristor.neuron.dynamics import initial_state
from qmemristor.neuron.model import ode_model


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 4 * 2**30), ("1000", 1000), ("8G", 8 * 10**9), ("512MiB", 512 * 2**20), ("2e9", 2e9)],
)
def test_memory_budget_from_the_environment(monkeypatch, text, expected):
    monkeypatch.setenv(limits.ENV_MAX_BYTES, text)
    assert limits.max_bytes() == expected


@pytest.mark.parametrize("text", ["lots", "-5", "0", "nan", "8 parsecs"])
def test_a_bad_budget_is_named_in_the_error(monkeypatch, text):
    monkeypatch.setenv(limits.ENV_MAX_BYTES, text)
    with pytest.raises(ParameterError, match=limits.ENV_MAX_BYTES):
        limits.max_bytes()


def test_estimates_beyond_the_budget_are_refused_with_the_remedy(monkeypatch):
    monkeypatch.setenv(limits.ENV_MAX_BYTES, "1MiB")
    monkeypatch.setenv(limits.ENV_MAX_STEPS, "100")
    limits.check_bytes(2**20, "x", "y")  # exactly the budget is fine
    with pytest.raises(ResourceLimitError, match=r"run needs about 2 MiB.*1 MiB; go smaller"):
        limits.check_bytes(2 * 2**20, "run", "go smaller")
    with pytest.raises(ResourceLimitError, match=limits.ENV_MAX_STEPS):
        limits.check_steps(101, "run", "go shorter")
    for bad in (math.inf, math.nan):
        with pytest.raises(ResourceLimitError):
            limits.check_bytes(bad, "run", "r")


@pytest.mark.parametrize("rtol", [1e-14, 1e-8, 0.1])
def test_tolerances_in_range_pass(rtol):
    assert limits.check_rtol(rtol) == rtol


@pytest.mark.parametrize("atol", [1e-30, 1e-10, 1e-4])
def test_absolute_tolerances_in_range_pass(atol):
    assert limits.check_atol(atol) == atol


@pytest.mark.parametrize("bad", [2e-4, 1e-2, 0.1])
def test_absolute_tolerances_that_leave_the_bloch_ball_are_refused(bad):
    with pytest.raises(ParameterError, match=r"atol must be in \[1e-30, 0.0001\]"):
        limits.check_atol(bad)


@pytest.mark.parametrize("bad", [0.0, -1e-8, 1e-15, 0.2, 1e308, math.nan, math.inf])
def test_tolerances_out_of_range_are_refused(bad):
    with pytest.raises(ParameterError, match=r"rtol must be (in|finite)"):
        limits.check_rtol(bad)


@pytest.mark.parametrize("bad", [0.0, 1e-31, 1e-320, 0.5, math.nan])
def test_absolute_tolerances_out_of_range_are_refused(bad):
    with pytest.raises(ParameterError, match=r"atol must be (in|finite)"):
        limits.check_atol(bad)


def test_the_tolerance_range_is_the_solver_options_range():
    from qmemristor.options import RTOL_RANGE

    assert (limits.RTOL_MIN, limits.RTOL_MAX) == RTOL_RANGE


def test_int64_bound():
    assert limits.check_int64("shots", 2**63 - 1) == 2**63 - 1
    with pytest.raises(ParameterError, match="64-bit"):
        limits.check_int64("shots", 2**63)


@pytest.mark.parametrize(
    ("params", "method"),
    [
        ({}, "DOP853"),
        ({"omega": 40.0}, "DOP853"),
        ({"gamma": 60.0, "alpha": 2.0}, "DOP853"),
        ({"gamma": 60.0}, "LSODA"),
        ({"omega": 0.0, "gamma": 0.0}, "DOP853"),
    ],
)
def test_the_step_estimate_is_a_lower_bound_of_scipys_steps(params, method):
    # oracle: the number of steps SciPy's own integrator takes (rtol 1e-8, the default);
    # the estimate must not exceed it, or a run within the budget could be refused
    p = NeuronParams(**params)
    t_end = 20.0
    f, _jac = ode_model(tables=p.tables).scipy_functions(p.pvec)
    sol = integrate.solve_ivp(f, (0, t_end), initial_state(p), method=method, rtol=1e-8, atol=1e-10)
    assert sol.success
    est = limits.neuron_steps(
        t_end, omega=p.omega, gamma=p.gamma, alpha=p.alpha, explicit=method == "DOP853"
    )
    assert 0 < est <= sol.t.size - 1, (est, sol.t.size - 1)


def test_neuron_parameters_beyond_the_representable_range_are_refused():
    for kw, msg in [
        ({"gamma": 1e9}, "|gamma| must be ≤ 1e+08"),
        ({"omega": -1e9}, "|omega| must be ≤ 1e+08"),
        ({"v_in": 1e308}, "|v_in| must be ≤ 1e+08"),
        ({"r_m": 1e20}, "|r_m| must be ≤ 1e+08"),
        ({"lam": 1e-320}, "lam must be in [0.001, 1000]"),
        ({"l": 1e308}, "l must be in [0.001, 1000]"),
        ({"l": 10.0, "lam": 0.001}, "l/lam must be ≤ 1000"),
        ({"x0": 1e4}, "|x0| must be ≤ 1000"),
    ]:
        with pytest.raises(ParameterError, match=re.escape(msg)):
            NeuronParams(**kw)
    assert math.copysign(1.0, NeuronParams(gamma=-0.0).gamma) == 1.0  # −0.0 normalised


def test_large_but_representable_rates_keep_the_slow_eigenvalues():
    # Γ = 1e8 (the bound).  Oracle: as Γ → ∞ the X, Y, Z directions relax at rates ~Γ and the
    # slow eigenvalue tends to that of the 1-D circuit flow dV/dt = V_in − φ(V), i.e. −φ'(V*)
    # (equilibrium_input, a formula path independent of the 4×4 Jacobian), up to O(1/Γ) ≈
    # 1e-8 plus the eigensolver's round-off ε‖J‖ ≈ 2e-8: 1e-6 leaves margin.  At Γ = 1e308 the
    # same equilibrium came out with an eigenvalue of +2.7e288.
    from qmemristor.neuron import equilibria
    from qmemristor.neuron.equilibria import equilibrium_input

    p = NeuronParams(gamma=1e8)
    (eq,) = equilibria(p)
    ev = eq.eigenvalues
    slow = ev[np.argmin(np.abs(ev))]
    expected = -float(equilibrium_input(np.array(eq.V), p, 1))
    assert abs(slow - expected) < 1e-6, (slow, expected)
    assert eq.stable and expected < 0
