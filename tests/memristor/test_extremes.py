"""Extreme inputs of the single and coupled memristor: refused before the run when a derived
quantity is not representable, finite answers when it is, never noise reported as a shape."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from qmemristor.analysis.hysteresis import form_factor, loop_form_factors
from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    CoupledPreset,
    Coupling,
    InitialState,
    MemristorParams,
    simulate,
    time_grid,
)
from qmemristor.memristor.coupled import check_uniform_grid

STATE = InitialState.from_angles(math.pi / 8, math.pi / 5)


@pytest.mark.parametrize(
    ("params", "msg"),
    [
        (MemristorParams(gamma0=1e308), "gamma0 must be ≤ 9.762e+307"),
        (MemristorParams(gamma0=0.2, omega=1e20), "gamma0/omega must be 0 or ≥ 1e-09"),
        (MemristorParams(gamma0=1e-320), "gamma0/omega must be 0 or ≥ 1e-09"),
        (MemristorParams(gamma0=0.2, omega=1e308), "the current scale k(2ω + Γmax) overflows"),
    ],
)
def test_unrepresentable_runs_are_refused_before_they_start(params, msg):
    t = np.linspace(0.0, 1e-300 if params.omega > 1e100 else 1.0, 5)
    with pytest.raises(ParameterError, match=re.escape(msg)):
        simulate(params, STATE, t)


def test_an_overflowing_decay_integral_still_gives_the_exact_answer():
    # γ0 = 9e307: Γ(t) is finite but ∫Γ overflows to ∞, so e^κ = 0 exactly — the coherence is
    # gone after the first instant, and V = I = 0 is the representable exact answer (not NaN)
    with np.errstate(over="ignore"):  # ∫Γ = ∞ is the expected overflow (the model's sum)
        ds = simulate(MemristorParams(gamma0=9e307), STATE, time_grid(1, 30))
    assert np.all(np.isfinite(ds.V.values)) and np.all(np.isfinite(ds.I.values))
    assert np.all(ds.V.values[1:] == 0) and np.all(ds.I.values[1:] == 0)


def test_lindblad_form_factors_are_the_exact_ones_or_undefined_never_noise():
    # Oracle: the closed form, whose loops are all the same shape (each period the previous
    # one scaled): F = 0.2704 in every period.  The Lindblad integration (atol 1e-12) resolves
    # the loops while the coherence is above 1e-9; below it the form factor is NaN rather
    # than the 0.01–0.3 noise it used to report.
    p = MemristorParams(gamma0=0.2)
    t = time_grid(45, 30)
    exact = simulate(p, STATE, t).form_factor.values
    lind = simulate(p, STATE, t, method="lindblad").form_factor.values
    resolved = np.isfinite(lind)
    assert resolved[:30].all() and not resolved[-5:].any()
    # 1e-3: the loop's shape error at an amplitude of 1e-9 with atol 1e-12 (measured 4e-4)
    np.testing.assert_allclose(lind[resolved], exact[resolved], rtol=0, atol=1e-3)


def test_a_long_uniform_grid_is_recognised_as_uniform():
    # 5e6 points: the steps of i·Δt scatter by ulp(t_end) ≈ 2e-10, beyond 1e-9·Δt; the
    # check used to call such a grid non-uniform ("need a uniform time grid")
    t = np.arange(5_000_001) * (2 * math.pi / 30)
    assert check_uniform_grid(t) == pytest.approx(2 * math.pi / 30, rel=1e-12)
    with pytest.raises(ParameterError, match="uniform"):
        check_uniform_grid(t[:100] ** 1.5)


@pytest.mark.parametrize("delta", [4 * math.pi + 1e-9, -13.0, 1e308])
def test_coupling_angles_beyond_four_pi_are_refused(delta):
    with pytest.raises(ParameterError, match="≤ 4π"):
        Coupling("yy", delta)
    with pytest.raises(ParameterError, match="≤ 4π"):
        CoupledPreset("x", "lab", delta)


def test_coupling_gates_repeat_with_period_four_pi():
    # why 4π bounds δ: every named gate exp(−iδG) is periodic in δ with a period dividing 4π
    for name in ("xx", "yy", "zz", "crx", "cry", "crz", "pswap", "xy"):
        a = Coupling(name, 0.3).matrix
        b = Coupling(name, 0.3 - 4 * math.pi).matrix  # |δ| within the bound
        np.testing.assert_allclose(a, b, atol=1e-12)  # 1e-12: round-off of exp(−iδG), ‖G‖ ≤ 1


def test_form_factor_is_scale_invariant_down_to_tiny_loops():
    th = np.linspace(0, 2 * np.pi, 41)
    x, y = np.cos(th), 0.3 * np.sin(2 * th)
    ref = form_factor(x, y)
    # a loop 1e-170 in size: P² underflowed to 0 and gave 0/0 before; F is scale-invariant,
    # so it must agree to round-off (1e-12: a few ulps of the shoelace sums)
    assert form_factor(1e-170 * x, 1e-170 * y) == pytest.approx(ref, rel=1e-12)
    assert math.isnan(form_factor(0 * x, 0 * y))  # a point has no shape


def test_a_current_that_vanishes_gives_form_factor_zero():
    # γ0 = 0: I ≡ 0, the "loop" is a segment of the V axis with no area: F = 0, not NaN
    t = np.linspace(0, 4 * np.pi, 121)
    ff = loop_form_factors(t, np.sin(t), np.zeros_like(t), 2 * np.pi)
    assert ff.tolist() == [0.0, 0.0]
