"""The memristor's master equations integrate through the package's one SciPy path
(:func:`qmemristor.solvers.solve_ode`) with :class:`~qmemristor.options.SolverOptions`."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.errors import NumericalError, ParameterError
from qmemristor.memristor import (
    CallableDecay,
    CoupledMemristors,
    MemristorParams,
    exact_solution,
    product_density,
    solve_coupled_lindblad,
    solve_lindblad,
    time_grid,
)
from qmemristor.memristor.coupled_lindblad import COUPLED_LINDBLAD_OPTIONS
from qmemristor.memristor.lindblad import LINDBLAD_OPTIONS
from qmemristor.options import SolverOptions
from tests.helpers import FIG4, MIXED_STATE, PAPER_STATE


def test_defaults_are_the_documented_tolerances():
    for opts in (LINDBLAD_OPTIONS, COUPLED_LINDBLAD_OPTIONS):
        assert (opts.method, opts.rtol, opts.atol, opts.max_step) == (
            "DOP853",
            1e-10,
            1e-12,
            np.inf,
        )
    t = time_grid(2, 30)
    a = solve_lindblad(FIG4, PAPER_STATE, t)
    b = solve_lindblad(FIG4, PAPER_STATE, t, LINDBLAD_OPTIONS)
    assert np.array_equal(a.sigma_y, b.sigma_y)  # same code, same inputs


def test_tolerances_are_honoured_against_the_closed_form():
    """Oracle: the closed form.  DOP853's global error follows its tolerance: at rtol 1e-5 the
    error is far above the default's (measured ~1e-7 against ~1e-11 over 3 periods)."""
    t = time_grid(3, 30)
    ex = exact_solution(FIG4, MIXED_STATE, t)
    errs = []
    for rtol in (1e-5, 1e-10):
        opts = LINDBLAD_OPTIONS.replace(rtol=rtol, atol=rtol * 1e-2)
        num = solve_lindblad(FIG4, MIXED_STATE, t, opts)
        errs.append(
            max(
                np.max(np.abs(getattr(num, c) - getattr(ex, c)))
                for c in ("sigma_x", "sigma_y", "sigma_z")
            )
        )
    # the default keeps the error below 1e-9 (the Lindblad path is the closed form's check);
    # a 1e5 looser tolerance must cost at least 100× in accuracy
    assert errs[1] < 1e-9 and errs[0] > 100 * errs[1], errs


def test_complex_states_need_an_explicit_runge_kutta_method():
    with pytest.raises(ParameterError, match="complex states"):
        solve_lindblad(FIG4, PAPER_STATE, time_grid(1, 8), SolverOptions(method="BDF"))


def _blow_up() -> MemristorParams:
    """Γ jumps to 1e300 at t = 3: the step size collapses there (the integrator gives up)."""
    return MemristorParams(decay=CallableDecay(lambda s: np.where(np.asarray(s) > 3.0, 1e300, 0.1)))


def test_a_failed_integration_is_a_numerical_error():
    t = time_grid(1, 8)
    rho0 = product_density(PAPER_STATE, PAPER_STATE)
    with np.errstate(all="ignore"):  # SciPy's step control overflows on the way
        with pytest.raises(NumericalError, match=r"DOP853 failed at t = 2\.356"):
            solve_lindblad(_blow_up(), PAPER_STATE, t)
        system = CoupledMemristors(m1=_blow_up())
        with pytest.raises(NumericalError, match=r"DOP853 failed at t = 2\.356"):
            solve_coupled_lindblad(system, rho0, t, dt=t[1])
