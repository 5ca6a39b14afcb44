"""Cycles of two coupled neurons: the in-phase cycle, its Floquet multipliers, its branch.

For two identical neurons (``CoupledParams.symmetric``) the coupling current vanishes when
both are in the same state, so the single neuron's limit cycle taken twice, ``(x(t), x(t))``,
is a cycle of the pair for every ``g_c`` (the *in-phase* cycle).  Its 8 Floquet multipliers
split by the exchange symmetry: the 4 of the single cycle (perturbations with ``δy_1 = δy_2``)
and 4 of the antisymmetric perturbations ``δy_1 = −δy_2``, which see the coupling (``−2 g_c
δV`` in the V equation); at ``g_c = 0`` both sets are the single cycle's (two trivial
multipliers: the relative phase is free).  The in-phase cycle is stable when the largest
antisymmetric multiplier is inside the unit circle.

:func:`in_phase_branch` continues it by orthogonal collocation
(:mod:`qmemristor.analysis.orbits`) in one parameter of the pair — e.g. ``omega_2``, which
detunes neuron 2: the branch of 1:1 locked cycles, whose folds of cycles (LPC) are the edges
of the 1:1 Arnold tongue at that ``g_c`` (where the stable locked cycle meets the saddle one
and the pair starts to slip), or ``g_c`` at zero detuning (the in-phase cycle's stability
against the coupling).  The single cycle is found once from an integration past the transient
(SciPy, :func:`qmemristor.solvers.solve_ode`) and Newton's method on its collocation system.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..analysis._arclength import ContinuationOptions
from ..analysis.orbits import (
    CollocationOptions,
    CycleFamily,
    PeriodicOrbit,
    continue_orbits,
    find_orbit,
    floquet_multipliers,
)
from ..analysis.vectorfield import VectorField
from ..errors import NumericalError, ParameterError
from .coupled import COUPLED_PARAM_NAMES, CoupledParams, coupled_model
from .model import NeuronParams, ode_model
from .orbits import NEURON_COLLOCATION

__all__ = ["COUPLED_CONTINUATION", "coupled_field", "in_phase_branch", "in_phase_orbit",
           "relative_phase_multiplier",
           "single_orbit"]  # fmt: skip

#: Continuation steps for the coupled cycles (in the (profile L2, T, parameter) norm).
COUPLED_CONTINUATION = ContinuationOptions(step=0.002, step_min=1e-8, step_max=0.01, max_steps=400)


@lru_cache(maxsize=8)
def coupled_field(l: float = 0.5, lam: float = 0.13) -> VectorField:
    """The pair's vector field for collocation: the batched forms of its ODE model."""
    m = coupled_model(l, lam)
    return VectorField(m.vector_field, jac_x=m.jacobian, jac_p=m.jacobian_p, fd_scale=m.fd_scale)


def single_orbit(
    p: NeuronParams, *, t_settle: float = 400.0, collocation: CollocationOptions | None = None
) -> PeriodicOrbit:
    """The single neuron's limit cycle at ``p`` (integration to ``t_settle``, then Newton).

    Raises :class:`~qmemristor.errors.NumericalError` if the integration shows no oscillation
    (a stable equilibrium) or Newton's method does not converge.
    """
    from ..analysis.synchrony import upward_crossings
    from ..options import SolverOptions
    from ..solvers import solve_ode
    from .dynamics import initial_state

    model = ode_model(p.l, p.lam)
    f, jac = model.scipy_functions(p.pvec)
    y0 = initial_state(p, 0.05)
    opts = SolverOptions(method="DOP853", rtol=1e-9, atol=1e-11)
    y_end = solve_ode(f, y0, [0.0, t_settle], opts, jac=jac)[-1]
    t = np.linspace(0.0, 20.0, 4001)
    y = solve_ode(f, y_end, t, opts, jac=jac)
    if np.ptp(y[:, 3]) < 1e-6:
        raise NumericalError(f"no oscillation of the neuron at V_in = {p.v_in:g} (steady)")
    c = upward_crossings(t, y[:, 3])
    if c.size < 3:
        raise NumericalError("no periodic oscillation found in the settled run")
    period = float(c[-1] - c[-2])
    guess_t = np.linspace(c[-2], c[-1], 400)
    guess = np.column_stack([np.interp(guess_t, t, y[:, i]) for i in range(4)])
    try:
        return find_orbit(
            VectorField(model.vector_field, jac_x=model.jacobian, jac_p=model.jacobian_p,
                        fd_scale=model.fd_scale),
            guess_t, guess, p.pvec, period=period,
            collocation=collocation or NEURON_COLLOCATION, vectorized=True,
        )  # fmt: skip
    except ArithmeticError as exc:
        raise NumericalError(f"the neuron's cycle did not converge: {exc}") from exc


def in_phase_orbit(p: CoupledParams, single: PeriodicOrbit | None = None) -> PeriodicOrbit:
    """The in-phase cycle ``(x(t), x(t))`` of two identical neurons, with its 8 multipliers.

    ``single``: the single neuron's cycle at ``p.first`` (default: :func:`single_orbit`).
    """
    if not p.symmetric:
        raise ParameterError("the in-phase cycle needs two identical neurons (p.symmetric)")
    s = single_orbit(p.first) if single is None else single
    if not np.allclose(s.p, p.first.pvec, rtol=0, atol=0):
        raise ParameterError("single must be the cycle of p.first")
    nodes = np.concatenate([s.nodes, s.nodes], axis=1)
    draft = PeriodicOrbit(s.mesh, s.degree, nodes, s.period, p.pvec, np.zeros(8, complex))
    mult = floquet_multipliers(coupled_field(p.first.l, p.first.lam), draft, vectorized=True)
    return PeriodicOrbit(s.mesh, s.degree, nodes, s.period, p.pvec, mult)


def in_phase_branch(
    p: CoupledParams,
    parameter: str = "omega_2",
    bounds: tuple[float, float] | None = None,
    *,
    single: PeriodicOrbit | None = None,
    options: ContinuationOptions | None = None,
) -> CycleFamily:
    """Continue the in-phase cycle of two identical neurons in ``parameter``.

    Parameters
    ----------
    p : CoupledParams
        Two identical neurons (``g_c > 0`` for the detuning branch: at ``g_c = 0`` the
        relative phase is neutral and the cycle is not isolated).
    parameter : str
        A name of :data:`~.coupled.COUPLED_PARAM_NAMES` (``"omega_2"``: detuning of neuron 2,
        ``"v_in_2"``, ``"g_c"``, ...).
    bounds : (lo, hi), optional
        Window of the parameter (default: ±0.2 around its value).
    """
    if parameter not in COUPLED_PARAM_NAMES:
        raise ParameterError(
            f"unknown parameter {parameter!r}; choose one of: {', '.join(COUPLED_PARAM_NAMES)}"
        )
    k = COUPLED_PARAM_NAMES.index(parameter)
    if parameter != "g_c" and p.g_c <= 0:
        raise ParameterError("g_c must be > 0 to continue the locked cycle in a detuning")
    value = float(p.pvec[k])
    lo, hi = (value - 0.2, value + 0.2) if bounds is None else bounds
    if not lo <= value <= hi or not (math.isfinite(lo) and math.isfinite(hi)):
        raise ParameterError(f"bounds must be finite and contain {parameter} = {value:g}")
    orbit = in_phase_orbit(p, single)
    return continue_orbits(
        coupled_field(p.first.l, p.first.lam),
        orbit,
        k,
        bounds=(lo, hi),
        options=options or COUPLED_CONTINUATION,
        collocation=NEURON_COLLOCATION,
        vectorized=True,
    )


def relative_phase_multiplier(orbit: PeriodicOrbit, single: PeriodicOrbit) -> float:
    """The multiplier of the relative phase of an in-phase cycle: the largest real multiplier
    that is not one of the single cycle's (module docstring: the exchange symmetry splits the
    8 multipliers into the single cycle's 4 and 4 antisymmetric ones).  NaN if none is real.

    Weak-coupling (Adler) locking width: ``K = −ln(μ_rel)/T`` (docs/theory.md, N6).
    """
    mu = np.asarray(orbit.multipliers[1:])
    own = np.asarray(single.multipliers)
    anti = [z for z in mu if np.min(np.abs(own - z)) > 1e-6 and abs(z.imag) < 1e-9]
    return float(max(z.real for z in anti)) if anti else math.nan
