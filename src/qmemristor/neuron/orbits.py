"""Paper N: the neuron's self-oscillations as cycle families (period, span, Floquet multipliers).

Every Andronov–Hopf point of the equilibria in a V_in window (:mod:`.stability`) starts a
family of limit cycles, continued in V_in by orthogonal collocation
(:mod:`qmemristor.analysis.orbits`) with the neuron's one vector field, the batched forms of
its :class:`~qmemristor.models.ODEModel` (``f``, ``∂f/∂x``, ``∂f/∂p``).  A
family that ends at another Hopf point of the list (amplitude → 0 there) is not started again
from it.  Along each family: period ``T``, ``V_min``, ``V_max``, the span ``V_max − V_min`` of
the stationary oscillation, the Floquet multipliers and stability; folds of cycles (LPC),
period doublings (PD), Neimark–Sacker (NS) and branch points (BP) are located.

For the paper's Fig. 4 (R_m = 5, Γ = 0.1, α = 1, Z_T = 1) one family joins the two
supercritical Hopf points (V_in = 0.2253845421 and 3.3086301338).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..analysis._arclength import ContinuationOptions
from ..analysis.orbits import CollocationOptions, CycleFamily, continue_from_hopf
from ..analysis.vectorfield import VectorField
from .model import PARAM_NAMES, STATE_NAMES, NeuronParams, ode_model
from .stability import HopfPoint, _window, hopf_points

__all__ = [
    "NEURON_COLLOCATION",
    "NEURON_CONTINUATION",
    "CycleFamilies",
    "cycle_families",
    "orbit_field",
]

#: Index of V in the state (X, Y, Z, V) and of v_in in the parameter vector.
V_INDEX = STATE_NAMES.index("V")
V_IN = PARAM_NAMES.index("v_in")

#: Collocation for the neuron: 40 intervals of degree 4 (the cycles are close to sinusoids;
#: spans, periods and multipliers agree with N = 80 to 1e-11 at V_in = 0.3, 1, 1.732, 3).
NEURON_COLLOCATION = CollocationOptions(intervals=40, degree=4, adapt=3)
#: Steps ≤ 0.02 in the (profile L2, T, V_in) norm: ≥ 200 cycles across the Fig. 4 family.
NEURON_CONTINUATION = ContinuationOptions(step=0.01, step_min=1e-7, step_max=0.02, max_steps=2000)


@lru_cache(maxsize=8)
def orbit_field(l: float = 0.5, lam: float = 0.13) -> VectorField:
    """The neuron's vector field for collocation: the batched forms of its ODE model."""
    model = ode_model(l, lam)
    return VectorField(
        model.vector_field, jac_x=model.jacobian, jac_p=model.jacobian_p, fd_scale=model.fd_scale
    )


@dataclass(frozen=True)
class CycleFamilies:
    """The cycle families born at the Hopf points of one V_in window.

    Attributes
    ----------
    base : NeuronParams
        The fixed parameters (its ``v_in`` is irrelevant).
    bounds : (float, float)
        The V_in window.
    hopf : tuple of HopfPoint
        The Hopf points in the window, sorted by V_in.
    families : tuple of CycleFamily
        One per Hopf point that does not end another family (``family.mu`` is V_in).
    starts : tuple of int
        Index into ``hopf`` of each family's Hopf point.
    """

    base: NeuronParams
    bounds: tuple[float, float]
    hopf: tuple[HopfPoint, ...]
    families: tuple[CycleFamily, ...]
    starts: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.families)


def _ends_at(family: CycleFamily, h: HopfPoint, tol: float = 1e-4) -> bool:
    """The family's far end is the Hopf point ``h`` (its extrapolated end within ``tol``)."""
    end = family.end_params[1]
    return family.ends[1] == "hopf" and abs(end - h.value) <= tol * (1 + abs(h.value))


def cycle_families(
    p: NeuronParams,
    bounds: tuple[float, float] = (0.0, 10.0),
    *,
    options: ContinuationOptions | None = None,
    collocation: CollocationOptions | None = None,
) -> CycleFamilies:
    """Continue, in V_in over ``bounds``, every cycle family born at a Hopf point there.

    Parameters
    ----------
    p : NeuronParams
        Fixed parameters (R_m, Γ, α, Z_T, Ω and the device); its ``v_in`` is not used.
    bounds : (lo, hi)
        The V_in window (lo < hi).
    options : ContinuationOptions, optional
        Default :data:`NEURON_CONTINUATION`.
    collocation : CollocationOptions, optional
        Default :data:`NEURON_COLLOCATION`.

    Returns
    -------
    CycleFamilies
    """
    lo, hi = _window(p, "v_in", bounds)
    hs = hopf_points(p, "v_in", (lo, hi))
    vf = orbit_field(p.l, p.lam)
    families: list[CycleFamily] = []
    starts: list[int] = []
    for i, h in enumerate(hs):
        if any(_ends_at(f, h) for f in families):
            continue
        fam = continue_from_hopf(
            vf,
            h.state,
            h.params.pvec,
            V_IN,
            bounds=(lo, hi),
            options=options or NEURON_CONTINUATION,
            collocation=collocation or NEURON_COLLOCATION,
            vectorized=True,
        )
        families.append(fam)
        starts.append(i)
    return CycleFamilies(
        base=p, bounds=(lo, hi), hopf=hs, families=tuple(families), starts=tuple(starts)
    )


def span(family: CycleFamily) -> np.ndarray:
    """``V_max − V_min`` along a family."""
    return family.span(V_INDEX)
