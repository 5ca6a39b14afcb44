"""High-level entry point: simulate one memristor and return a labelled ``xarray.Dataset``.

Runs are checked before they start (:func:`check_run`): the time grid must be representable
(period ``2π/ω`` and duration finite, a step that does not underflow), Γ(t) and the current
scale must be finite in double precision, and the memory and (Lindblad) integrator steps must
fit the budgets of :mod:`qmemristor.limits`.  A result that still holds a non-finite value is
refused (:class:`~qmemristor.errors.NumericalError`), never returned.
"""

from __future__ import annotations

import math
import sys
from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from .. import limits
from ..analysis.hysteresis import loop_form_factors
from ..errors import NumericalError, ParameterError
from ..io import provenance_attrs
from .exact import Trajectory, exact_solution
from .lindblad import solve_lindblad
from .model import ConstantDecay, InitialState, MemristorParams, PaperDrive
from .observables import current, voltage

__all__ = [
    "GAMMA0_OVER_OMEGA_MIN",
    "check_finite_result",
    "check_run",
    "decay_bound",
    "simulate",
    "trajectory_dataset",
]

_DBL_MAX = sys.float_info.max
#: Smallest nonzero γ0/ω: ⟨I⟩ is a difference of terms ~ω that cancel to ~Γ ≥ 0.16 γ0, with
#: a relative error ≈ ε ω/(0.16 γ0) — 1.4e-6 at this ratio (γ0 = 1e-320 at ω = 1 gave I = 0 and
#: a form factor of 0 where the loop has one; γ0 = 0.2 at ω = 1e20 gave I = 0 where |I| ≈ 7e8).
GAMMA0_OVER_OMEGA_MIN = 1e-9
#: max over t of 1 − sin(cos ωt): cos ωt = −1 gives 1 + sin 1.
_PAPER_PEAK = 1.0 + math.sin(1.0)


def decay_bound(params: MemristorParams) -> float | None:
    """max Γ(t) of the paper's and the constant drive (None for other protocols)."""
    proto = params.protocol
    if isinstance(proto, PaperDrive):
        return float(proto.gamma0) * _PAPER_PEAK
    if isinstance(proto, ConstantDecay):
        return float(proto.gamma0)
    return None


def check_run(
    params: MemristorParams,
    n_points: int,
    t_end: float,
    *,
    method: str = "exact",
    grid: str = "the time grid",
    remedy: str = "use fewer time points",
    bytes_per_point: float | None = None,
    label: str = "gamma0",
) -> None:
    """Refuse, before anything is computed, a run that cannot be represented or afforded.

    Parameters
    ----------
    params : MemristorParams
    n_points : int
        Number of time points (Python int: no overflow).
    t_end : float
        Last time of the grid (may be ``inf`` when ``periods·2π/ω`` overflows: refused).
    method : {"exact", "lindblad", "circuit"}
        Decides the memory per point and whether integrator steps are counted.
    grid, remedy : str
        How the grid is described in messages (e.g. the options that made it) and what to
        change to shrink it.
    bytes_per_point : float, optional
        Peak memory per time point if not that of ``method``
        (:data:`~qmemristor.limits.MEMRISTOR_BYTES_PER_POINT`), e.g. of a coupled run.
    label : str
        Name of γ0 in messages (e.g. ``gamma0-2`` for the second of two memristors).
    """
    omega = float(params.omega)
    if not math.isfinite(2 * math.pi / omega):
        raise ParameterError(
            f"omega must be ≥ {2 * math.pi / _DBL_MAX:.3g} so that the period 2π/ω is finite "
            f"(got {omega:g})"
        )
    need = (
        limits.memristor_run_bytes(n_points, method)
        if bytes_per_point is None
        else n_points * float(bytes_per_point)
    )
    limits.check_bytes(need, f"{grid} ({n_points:.3g} points)", remedy)
    if not math.isfinite(t_end):
        raise ParameterError(f"{grid} lasts longer than double precision represents; {remedy}")
    if n_points > 1 and not t_end / (n_points - 1) > 0:
        raise ParameterError(f"{grid} has a time step that underflows to 0 (ω = {omega:g})")
    peak = decay_bound(params)
    if peak is not None and not math.isfinite(peak):
        raise ParameterError(
            f"{label} must be ≤ {_DBL_MAX / _PAPER_PEAK:.4g} so that Γ(t) ≤ γ0(1 + sin 1) is "
            f"finite (got {params.gamma0:g})"
        )
    # ⟨I⟩ = k (d⟨σy⟩/dt − ω⟨σx⟩) with |d⟨σy⟩/dt| ≤ ω + Γ/2: its scale must be finite
    if not math.isfinite(params.k * (2 * omega + (peak or 0.0))):
        raise ParameterError(
            f"the current scale k(2ω + Γmax) overflows (ω = {omega:g}, γ0 = {params.gamma0:g}, "
            "k = sqrt(mħω/2)); use a smaller omega or gamma0"
        )
    # the two terms of ⟨I⟩ are ~kω each and cancel down to kΓ⟨V⟩ (d⟨σy⟩/dt = ω⟨σx⟩ − Γ⟨σy⟩/2):
    # their difference keeps a relative accuracy ≈ ε ω/Γ, so Γ must not vanish next to ω
    gamma0 = float(params.gamma0) if peak is not None else 0.0
    if peak is not None and gamma0 > 0 and gamma0 < GAMMA0_OVER_OMEGA_MIN * omega:
        raise ParameterError(
            f"{label}/omega must be 0 or ≥ {GAMMA0_OVER_OMEGA_MIN:g} (got γ0 = {gamma0:g}, "
            f"ω = {omega:g}): ⟨I⟩ = k(d⟨σy⟩/dt − ω⟨σx⟩) cancels from ~ω down to Γ, below "
            "round-off for a smaller ratio"
        )
    if method == "lindblad":
        # measured DOP853 (rtol 1e-10): 22 steps per period at γ0 = 0.2, 26 at γ0 = 20; the
        # bound counts 16 per period of ω or of γ0/2 (stability of the decay), whichever is
        # faster
        limits.check_steps(
            16 * t_end * max(omega, 0.5 * gamma0) / (2 * math.pi),
            f"the Lindblad integration over {grid}",
            "use --method exact (the closed form needs no integration)",
        )


def check_finite_result(
    ds: xr.Dataset, what: str = "the result", names: tuple[str, ...] | None = None
) -> xr.Dataset:
    """``ds`` if its observables are finite, else :class:`NumericalError` (never a NaN result).

    ``names``: the variables to check (default: all but ``form_factor`` — the form factor of a
    loop that is a single point, V ≡ I ≡ 0, is undefined and stays NaN).
    """
    chosen = [n for n in (names or ds.data_vars) if n in ds.data_vars and n != "form_factor"]
    bad = [
        str(name)
        for name in chosen
        if ds[name].dtype.kind in "fc" and not np.all(np.isfinite(ds[name].values))
    ]
    if bad:
        raise NumericalError(
            f"{what} has non-finite values in {', '.join(bad)} (overflow); use smaller rates "
            "(gamma0, omega) or fewer periods"
        )
    return ds


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
    if method not in ("exact", "lindblad"):
        raise ParameterError(f"unknown method {method!r}; choose 'exact' or 'lindblad'")
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise ParameterError("t must be a non-empty 1-D grid of finite times")
    check_run(params, t.size, float(t[-1]), method=method)
    if method == "exact":
        traj = exact_solution(params, state, t)
    else:
        if t[0] != 0.0:
            raise ParameterError("the Lindblad method needs a grid starting at t = 0")
        traj = solve_lindblad(params, state, t)
    ds = trajectory_dataset(traj, params, state, method=method, seed=seed)
    if method == "lindblad":
        _mark_unresolved_loops(ds, params)
    return check_finite_result(ds, f"the {method} solution")


#: Smallest coherence amplitude max(|⟨σx⟩|, |⟨σy⟩|) of a period whose loop the Lindblad
#: integration resolves: its absolute tolerance is 1e-12 on ρ, and at γ0 = 0.2 the form factor
#: (exactly 0.2704 in every period) stays within 1e-3 down to an amplitude of 1e-9 and turns to
#: noise (0.01–0.3) below 1e-10.
LINDBLAD_LOOP_FLOOR = 1e-9


def _mark_unresolved_loops(ds: xr.Dataset, params: MemristorParams) -> None:
    """Form factors of periods below the Lindblad resolution become NaN ("undefined"), with
    the reason in the variable's attributes, instead of reporting solver noise as a shape."""
    from ..analysis.hysteresis import period_slices

    t = ds.t.values
    amp = np.maximum(np.abs(ds.sigma_x.values), np.abs(ds.sigma_y.values))
    ff = ds.form_factor.values.copy()
    for k, sl in enumerate(period_slices(t, params.period)):
        if k < ff.size and np.max(amp[sl]) < LINDBLAD_LOOP_FLOOR:
            ff[k] = np.nan
    if np.isnan(ff).any():
        ds["form_factor"] = ("period", ff, dict(ds.form_factor.attrs))
        ds.form_factor.attrs["undefined"] = (
            f"NaN where the coherence is below {LINDBLAD_LOOP_FLOOR:g}, the resolution of "
            "the Lindblad integration (use method='exact')"
        )
