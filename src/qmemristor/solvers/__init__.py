"""Solvers that take a model as an argument.

A model is a vector field plus parameters (:mod:`qmemristor.neuron`, :mod:`qmemristor.memristor`,
or a user's own); the solver, its tolerances and the output times are separate arguments, as
in diffrax's term/solver split.  :func:`solve_ode` is the one SciPy path of the package: every
module that integrates an ODE with SciPy goes through it, with one options object
(:class:`qmemristor.options.SolverOptions`) and one failure type
(:class:`qmemristor.errors.NumericalError`).
"""

from __future__ import annotations

from .scipy import solve_ode

__all__ = ["solve_ode"]
