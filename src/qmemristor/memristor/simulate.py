"""High-level entry point: simulate one memristor and return a labelled ``xarray.Dataset``."""

from __future__ import annotations

from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from ..analysis.hysteresis import loop_form_factors
from ..io import provenance_attrs
from .exact import Trajectory, exact_solution
from .lindblad import solve_lindblad
from .model import InitialState, MemristorParams
from .observables import current, voltage

__all__ = ["simulate", "trajectory_dataset"]

Method = Literal["exact", "lindblad"]


def trajectory_dataset(
    traj: Trajectory,
    params: MemristorParams,
    state: InitialState,
    *,
    method: str,
    seed: int | None = None,
    extra_attrs: dict[str, object] | None = None,
) -> xr.Dataset:
    """Wrap a :class:`Trajectory` as a Dataset with ⟨V⟩, ⟨I⟩ and per-period form factors.

    Variables on ``t``: ``sigma_x``, ``sigma_y``, ``sigma_z``, ``dsigma_y_dt``, ``gamma``, ``V``,
    ``I``; on ``period``: ``form_factor`` (docs/theory.md §M3 convention).  Attributes hold the
    parameters, the initial Bloch vector, the method, the package version and the seed.
    """
    v = voltage(traj.sigma_y, params.k)
    i = current(traj.sigma_x, traj.dsigma_y_dt, params.k, params.omega)
    ff = loop_form_factors(traj.t, v, i, params.period)
    data = {
        "sigma_x": ("t", traj.sigma_x, {"long_name": "<σx> (paper basis)"}),
        "sigma_y": ("t", traj.sigma_y, {"long_name": "<σy> (paper basis)"}),
        "sigma_z": ("t", traj.sigma_z, {"long_name": "<σz> (paper basis, +1 = |e>)"}),
        "dsigma_y_dt": ("t", traj.dsigma_y_dt, {"long_name": "d<σy>/dt"}),
        "gamma": ("t", traj.gamma, {"long_name": "decay rate Γ(t)"}),
        "V": ("t", v, {"long_name": "<V> = -(k/2)<σy>"}),
        "I": ("t", i, {"long_name": "<I> = k(d<σy>/dt - ω<σx>)"}),
        "form_factor": ("period", ff, {"long_name": "loop form factor 4πS/P²"}),
    }
    attrs = {
        **params.as_attrs(),
        "initial_bloch": list(state.bloch),
        "method": method,
        **(extra_attrs or {}),
    }
    coords = {
        "t": ("t", traj.t, {"units": "1/omega"}),
        "period": ("period", np.arange(ff.size)),
    }
    return xr.Dataset(data, coords=coords, attrs=provenance_attrs(attrs, seed=seed))


def simulate(
    params: MemristorParams,
    state: InitialState,
    t: ArrayLike,
    *,
    method: Method = "exact",
    seed: int | None = None,
) -> xr.Dataset:
    """Simulate one quantum memristor on the time grid ``t``.

    Parameters
    ----------
    params : MemristorParams
    state : InitialState
        State at ``t = 0``; ``t`` must start at 0 for ``method="lindblad"``.
    t : array_like
        Increasing times ≥ 0 (units of 1/ω when ω = 1).
    method : {"exact", "lindblad"}
        Closed form, or SciPy integration of the master equation (DOP853, rtol 1e-10).
    seed : int, optional
        Recorded in the attributes (the exact and Lindblad methods draw no random numbers).
    """
    t = np.asarray(t, dtype=float)
    if method == "exact":
        traj = exact_solution(params, state, t)
    elif method == "lindblad":
        if t.size == 0 or t[0] != 0.0:
            raise ValueError("the Lindblad method needs a grid starting at t = 0")
        traj = solve_lindblad(params, state, t)
    else:
        raise ValueError(f"unknown method {method!r}; choose 'exact' or 'lindblad'")
    return trajectory_dataset(traj, params, state, method=method, seed=seed)
