"""Fixed-step RK4 over any :class:`~qmemristor.models.ODEModel`, with a held input parameter.

For reservoirs and other input-driven runs: thousands of holds, each with its own value of
one parameter (the input), integrated with the same compiled field every other solver uses.
Why a fixed-step RK4 compiled: measured for the neuron reservoir (CPU time, one hold of length
1 read 4 times), one ``solve_ivp`` (DOP853, rtol 1e-8) per hold 1.6 ms, this loop 70 µs (×23).
The field must be autonomous in the sense that ``t`` is not advanced here (it is passed as 0).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_positive
from ..models import ODEModel

__all__ = ["rk4_holds"]


def rk4_holds(
    model: ODEModel,
    y0: ArrayLike,
    inputs: ArrayLike,
    p: ArrayLike,
    *,
    input_param: str,
    n_virtual: int,
    substeps: int,
    dt: float,
) -> NDArray[np.float64]:
    """States at the virtual nodes of every hold, shape ``(n, n_virtual, nodes, d)``.

    Parameters
    ----------
    model : ODEModel
    y0 : array_like, shape (nodes, d)
        Initial state of every node (independent copies of the model).
    inputs : array_like, shape (n, nodes)
        Value of ``input_param`` during each hold at each node.
    p : array_like, shape (m,)
        The other parameters (the entry of ``input_param`` is overwritten per hold).
    input_param : str
    n_virtual, substeps : int
        A hold is ``n_virtual × substeps`` RK4 steps; the state is read after every
        ``substeps`` steps.
    dt : float
        Step length.
    """
    from ._rk4 import run_holds

    y = np.array(y0, dtype=float, order="C")
    u = np.array(inputs, dtype=float, order="C")
    pv = np.array(p, dtype=float, order="C")
    if y.ndim != 2 or y.shape[1] != model.n_states or u.ndim != 2 or u.shape[1] != y.shape[0]:
        raise ParameterError("y0 must be (nodes, d) and inputs (n, nodes)")
    if input_param not in model.param_names:
        raise ParameterError(f"unknown input parameter {input_param!r} of {model.name}")
    return run_holds(model.compiled[0], y, u, pv, model.aux,
                     model.param_names.index(input_param), int(n_virtual), int(substeps),
                     check_positive("dt", dt))  # fmt: skip
