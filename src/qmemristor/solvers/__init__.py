"""Solvers that take a model as an argument.

A model is a vector field plus parameters (:class:`qmemristor.models.ODEModel`: the neuron's,
or a user's own); the solver, its tolerances and the output times are separate arguments, as
in diffrax's term/solver split.

- :func:`solve_ode` — the one SciPy path of the package: every module that integrates an ODE
  with SciPy goes through it, with one options object (:class:`qmemristor.options.
  SolverOptions`) and one failure type (:class:`qmemristor.errors.NumericalError`);
- :func:`integrate_batch` — the batched adaptive Dormand–Prince 5(4) integrator over many
  parameter points of any model (per-point step control, windows, stationarity, status);
- :func:`rk4_holds` — fixed-step RK4 with a held input parameter (reservoirs).

Names are imported on first use (SciPy and numba load only when a solver runs).
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "BatchSolution": "batched",
    "IntegratorOptions": "batched",
    "Schedule": "batched",
    "integrate_batch": "batched",
    "rk4_holds": "fixed",
    "solve_ode": "scipy",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
