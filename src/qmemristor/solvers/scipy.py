"""The one SciPy integration path: ``solve_ode(f, y0, t, options)``."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from ..errors import NumericalError, ParameterError, check_time_grid
from ..options import IMPLICIT_METHODS, SolverOptions

__all__ = ["solve_ode"]

Field = Callable[[float, NDArray], NDArray]
Jacobian = Callable[[float, NDArray], NDArray]


def solve_ode(
    f: Field,
    y0: ArrayLike,
    t: ArrayLike,
    options: SolverOptions | None = None,
    *,
    jac: Jacobian | None = None,
) -> NDArray:
    """Integrate ``dy/dt = f(t, y)`` from ``y(t[0]) = y0`` and return ``y`` at the times ``t``.

    Parameters
    ----------
    f : callable
        ``f(t, y) -> dy/dt`` with ``y`` of shape ``(n,)`` (real, or complex for the explicit
        Runge–Kutta methods ``DOP853``, ``RK45``, ``RK23``).
    y0 : array_like, shape (n,)
        State at ``t[0]``.
    t : array_like, shape (m,)
        Strictly increasing output times; ``t[0]`` is the initial time.
    options : SolverOptions, optional
        Method and tolerances (default :class:`~qmemristor.options.SolverOptions`).
    jac : callable, optional
        ``jac(t, y) -> ∂f/∂y`` of shape ``(n, n)``; used by the implicit methods
        (:data:`~qmemristor.options.IMPLICIT_METHODS`), ignored by the others.

    Returns
    -------
    ndarray, shape (m, n)
        The states at ``t`` (``y[0] = y0``).

    Raises
    ------
    NumericalError
        The solver stopped before ``t[-1]`` or produced a non-finite state.
    """
    opts = options if options is not None else SolverOptions()
    t = check_time_grid(t)
    y0 = np.asarray(y0)
    if y0.ndim != 1 or not np.all(np.isfinite(y0)):
        raise ParameterError("the initial state must be a finite 1-D array")
    if np.iscomplexobj(y0) and opts.method not in ("DOP853", "RK45", "RK23"):
        raise ParameterError(f"method {opts.method} does not take complex states")
    if t.size == 1:
        return y0[None, :].copy()
    use_jac = jac if opts.method in IMPLICIT_METHODS else None
    if opts.method == "odeint":
        with warnings.catch_warnings():  # a failure is raised below, with odeint's message
            warnings.simplefilter("ignore", integrate.ODEintWarning)
            y, info = integrate.odeint(
                f, y0, t, Dfun=use_jac, rtol=opts.rtol, atol=opts.atol, tfirst=True,
                full_output=True, mxstep=opts.max_steps,
                hmax=0.0 if np.isinf(opts.max_step) else opts.max_step,
            )  # fmt: skip
        if info["message"] != "Integration successful.":
            raise NumericalError(f"odeint failed: {info['message']}")
    else:
        sol = integrate.solve_ivp(
            f, (t[0], t[-1]), y0, method=opts.method, t_eval=t, rtol=opts.rtol, atol=opts.atol,
            max_step=opts.max_step, **({"jac": use_jac} if use_jac is not None else {}),
        )  # fmt: skip
        if sol.status != 0:
            # sol.t is empty when the first step fails
            where = f"t = {sol.t[-1]:g}" if len(sol.t) else f"its first step from t = {t[0]:g}"
            raise NumericalError(
                f"{opts.method} failed at {where}: {' '.join(str(sol.message).split())}"
            )
        y = sol.y.T
    if not np.all(np.isfinite(y)):
        raise NumericalError(f"{opts.method} produced a non-finite state")
    return y
