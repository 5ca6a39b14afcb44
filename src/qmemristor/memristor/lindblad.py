"""Numerical solution of the memristor master equation with SciPy (independent of the closed form).

The generator is assembled from H and the jump operator σ− (:func:`lindblad_superoperators`);
only Γ(t) is shared with the exact solution.  Used as a second solver in tests and as the
``--method lindblad`` path of the CLI.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp

from ..conventions import SIGMA_X, SIGMA_Y, SIGMA_Z
from .exact import Trajectory
from .model import InitialState, MemristorParams, lindblad_superoperators

__all__ = ["solve_lindblad"]


def solve_lindblad(
    params: MemristorParams,
    state: InitialState,
    t: ArrayLike,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str = "DOP853",
    max_step: float = np.inf,
) -> Trajectory:
    """Integrate ``dρ/dt = (L_H + Γ(t) D) ρ`` from ``ρ(t[0]) = state`` and sample at ``t``.

    Parameters
    ----------
    params, state
        Model parameters and the state at ``t[0]``.
    t : array_like, shape (n,)
        Increasing output times.
    rtol, atol : float
        Tolerances of :func:`scipy.integrate.solve_ivp`.
    method : str
        A SciPy integrator that accepts complex states (``"DOP853"``, ``"RK45"``).
    max_step : float
        Longest step of the integrator.  The step control sees Γ(t) only at its stages, so a
        pulse of Γ narrower than a step can be stepped over: give a ``max_step`` below half
        the narrowest feature of Γ.

    Returns
    -------
    Trajectory
        ``d⟨σy⟩/dt`` is ``Tr(σy dρ/dt)`` from the generator at each sampled state.
    """
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) <= 0):
        raise ValueError("t must be a non-empty, strictly increasing 1-D grid")
    l_h, d = lindblad_superoperators(params)
    rate = params.protocol.rate

    def rhs(s: float, y: np.ndarray) -> np.ndarray:
        return l_h @ y + float(rate(s)) * (d @ y)

    y0 = state.density.reshape(4)
    if t.size == 1:
        ys = y0[:, None]
    else:
        sol = solve_ivp(
            rhs, (t[0], t[-1]), y0, method=method, t_eval=t, rtol=rtol, atol=atol,
            max_step=max_step,
        )  # fmt: skip
        if not sol.success:  # pragma: no cover - SciPy failure is reported, not hidden
            raise RuntimeError(f"Lindblad integration failed: {sol.message}")
        ys = sol.y
    gamma = rate(t)
    dys = l_h @ ys + gamma[None, :] * (d @ ys)
    rho = ys.T.reshape(-1, 2, 2)
    drho = dys.T.reshape(-1, 2, 2)

    def expect(op: np.ndarray, r: np.ndarray) -> np.ndarray:
        return np.real(np.einsum("ij,nji->n", op, r))

    return Trajectory(
        t=t,
        sigma_x=expect(SIGMA_X, rho),
        sigma_y=expect(SIGMA_Y, rho),
        sigma_z=expect(SIGMA_Z, rho),
        dsigma_y_dt=expect(SIGMA_Y, drho),
        gamma=gamma,
    )
