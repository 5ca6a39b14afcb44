"""A solver that fails on its very first step is reported in one clear line (it raised an
IndexError: SciPy's solution holds no time point then)."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.errors import NumericalError, ParameterError
from qmemristor.neuron import NeuronParams
from qmemristor.neuron.dynamics import initial_state, integrate_trajectory
from qmemristor.options import SolverOptions
from qmemristor.solvers import solve_ode


def test_an_atol_below_the_range_is_refused_in_one_line():
    # atol = 1e-300 made DOP853's first step overflow; the options refuse it up front now
    p = NeuronParams()
    with pytest.raises(ParameterError) as info:
        integrate_trajectory(p, initial_state(p), np.linspace(0.0, 10.0, 11), atol=1e-300)
    assert "\n" not in str(info.value) and "atol must be in" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow that makes it fail
def test_a_failure_on_the_first_step_is_one_line():
    # a field of 1e300·e^(1000 y) at y = 1 overflows: the error norm of DOP853's first step is
    # infinite and the step size underflows at once, before any time point is accepted
    def field(t, y):
        return 1e300 * np.exp(1e3 * y)

    with pytest.raises(NumericalError) as info:
        solve_ode(field, np.array([1.0]), np.linspace(0.0, 1.0, 11), SolverOptions())
    msg = str(info.value)
    assert msg.startswith("DOP853 failed at its first step from t = 0: ")
    assert "\n" not in msg and "step size" in msg
