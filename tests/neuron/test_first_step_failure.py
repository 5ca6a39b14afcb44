"""A solver that fails on its very first step is reported in one clear line (it raised an
IndexError: SciPy's solution holds no time point then)."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.neuron import NeuronParams
from qmemristor.neuron.dynamics import initial_state, integrate_trajectory


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow that makes it fail
def test_a_failure_on_the_first_step_is_one_line():
    p = NeuronParams()
    # atol = 1e-300 (below the options' range, which the CLI and SolverOptions refuse): the
    # error norm of DOP853's first step overflows and the step size underflows at once
    with pytest.raises(RuntimeError) as info:
        integrate_trajectory(p, initial_state(p), np.linspace(0.0, 10.0, 11), atol=1e-300)
    msg = str(info.value)
    assert msg.startswith("DOP853 failed at its first step from t = 0: ")
    assert "\n" not in msg and "step size" in msg
