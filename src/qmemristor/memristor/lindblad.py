"""Numerical solution of the memristor master equation with SciPy (independent of the closed form).

The generator is assembled from H and the jump operator σ− (:func:`lindblad_superoperators`);
only Γ(t) is shared with the exact solution.  Used as a second solver in tests and as the
``--method lindblad`` path of the CLI.  Integrated by :func:`qmemristor.solvers.solve_ode`
(the package's one SciPy path) with :data:`LINDBLAD_OPTIONS` unless told otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..conventions import SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import check_time_grid
from ..options import SolverOptions
from ..solvers import solve_ode
from .exact import Trajectory
from .model import InitialState, MemristorParams, lindblad_superoperators

__all__ = ["LINDBLAD_OPTIONS", "solve_lindblad"]

#: Integrator of the memristor's master equation: DOP853 (complex states) at rtol 1e-10,
#: atol 1e-12 — the Lindblad path is the independent check of the closed form, which tests
#: compare to ~1e-9; the coherence below which its loops are unresolved
#: (:data:`~qmemristor.memristor.run.LINDBLAD_LOOP_FLOOR`) follows from this atol.
LINDBLAD_OPTIONS = SolverOptions(method="DOP853", rtol=1e-10, atol=1e-12)


def solve_lindblad(
    params: MemristorParams,
    state: InitialState,
    t: ArrayLike,
    options: SolverOptions | None = None,
) -> Trajectory:
    """Integrate ``dρ/dt = (L_H + Γ(t) D) ρ`` from ``ρ(t[0]) = state`` and sample at ``t``.

    Parameters
    ----------
    params, state
        Model parameters and the state at ``t[0]``.
    t : array_like, shape (n,)
        Increasing output times.
    options : SolverOptions, optional
        Method (one that takes complex states: ``"DOP853"``, ``"RK45"``, ``"RK23"``),
        tolerances and ``max_step``; default :data:`LINDBLAD_OPTIONS`.  The step control sees
        Γ(t) only at its stages, so a pulse of Γ narrower than a step can be stepped over:
        give a ``max_step`` below half the narrowest feature of Γ.

    Returns
    -------
    Trajectory
        ``d⟨σy⟩/dt`` is ``Tr(σy dρ/dt)`` from the generator at each sampled state.

    Raises
    ------
    NumericalError
        The integrator stopped early or left the finite numbers.
    """
    t = check_time_grid(t)
    l_h, d = lindblad_superoperators(params)
    rate = params.protocol.rate

    def rhs(s: float, y: NDArray) -> NDArray:
        return l_h @ y + float(rate(s)) * (d @ y)

    ys = solve_ode(rhs, state.density.reshape(4), t, options or LINDBLAD_OPTIONS).T
    gamma = rate(t)
    dys = l_h @ ys + gamma[None, :] * (d @ ys)
    rho = ys.T.reshape(-1, 2, 2)
    drho = dys.T.reshape(-1, 2, 2)

    def expect(op: NDArray, r: NDArray) -> NDArray[np.float64]:
        return np.real(np.einsum("ij,nji->n", op, r))

    return Trajectory(
        t=t,
        sigma_x=expect(SIGMA_X, rho),
        sigma_y=expect(SIGMA_Y, rho),
        sigma_z=expect(SIGMA_Z, rho),
        dsigma_y_dt=expect(SIGMA_Y, drho),
        gamma=gamma,
    )
