"""One memristor on a time grid (:func:`run_memristor`): trajectory, ⟨V⟩, ⟨I⟩, form factors.

Runs are checked before they start (:func:`check_run`): the time grid must be representable
(period ``2π/ω`` and duration finite, a step that does not underflow), Γ(t) and the current
scale must be finite in double precision, and the memory and (Lindblad) integrator steps must
fit the budgets of :mod:`qmemristor.limits`.  A result that still holds a non-finite value is
refused (:class:`~qmemristor.errors.NumericalError`), never returned.  The labelled dataset of
a run is :func:`qmemristor.memristor.simulate` (:mod:`qmemristor.results.memristor`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import limits
from ..analysis.hysteresis import loop_form_factors
from ..errors import NumericalError, ParameterError, check_time_grid
from ..options import SolverOptions
from .exact import Trajectory, exact_solution
from .lindblad import solve_lindblad
from .model import ConstantDecay, InitialState, MemristorParams, PaperDrive
from .observables import current, voltage

__all__ = [
    "GAMMA0_OVER_OMEGA_MIN",
    "LINDBLAD_LOOP_FLOOR",
    "MemristorRun",
    "check_finite_arrays",
    "check_run",
    "decay_bound",
    "memristor_run",
    "run_memristor",
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


def check_finite_arrays(arrays: Mapping[str, ArrayLike], what: str = "the result") -> None:
    """:class:`NumericalError` naming the arrays that hold a non-finite value (overflow)."""
    bad = [
        name
        for name, value in arrays.items()
        if np.asarray(value).dtype.kind in "fc" and not np.all(np.isfinite(value))
    ]
    if bad:
        raise NumericalError(
            f"{what} has non-finite values in {', '.join(bad)} (overflow); use smaller rates "
            "(gamma0, omega) or fewer periods"
        )


Method = Literal["exact", "lindblad"]


@dataclass(frozen=True)
class MemristorRun:
    """One memristor on a time grid: its trajectory and memristive variables.

    Attributes
    ----------
    params : MemristorParams
    state : InitialState
        The state at ``t = 0``.
    trajectory : Trajectory
        ⟨σx⟩, ⟨σy⟩, ⟨σz⟩, ``d⟨σy⟩/dt`` and Γ on the grid.
    method : str
        ``"exact"``, ``"lindblad"`` or ``"circuit"``.
    V, I : ndarray, shape (n,)
        ``⟨V⟩ = −(k/2)⟨σy⟩`` and ``⟨I⟩ = k(d⟨σy⟩/dt − ω⟨σx⟩)``.
    form_factor : ndarray, shape (n_periods,)
        ``4πS/P²`` of the I–V loop of each complete period (docs/theory.md §M3 convention);
        NaN where undefined.
    form_factor_note : str
        Why the method leaves some form factors undefined (empty if none is).
    """

    params: MemristorParams
    state: InitialState
    trajectory: Trajectory
    method: str
    V: NDArray[np.float64]
    I: NDArray[np.float64]  # noqa: E741 - the paper's name of the current
    form_factor: NDArray[np.float64]
    form_factor_note: str = ""

    @property
    def t(self) -> NDArray[np.float64]:
        return self.trajectory.t

    def arrays(self) -> dict[str, NDArray[np.float64]]:
        """The variables on ``t`` by their dataset names, in the datasets' order."""
        tr = self.trajectory
        return {
            "sigma_x": tr.sigma_x,
            "sigma_y": tr.sigma_y,
            "sigma_z": tr.sigma_z,
            "dsigma_y_dt": tr.dsigma_y_dt,
            "gamma": tr.gamma,
            "V": self.V,
            "I": self.I,
        }


def memristor_run(
    traj: Trajectory, params: MemristorParams, state: InitialState, method: str
) -> MemristorRun:
    """⟨V⟩, ⟨I⟩ and the per-period form factors of a trajectory (any method)."""
    v = voltage(traj.sigma_y, params.k)
    i = current(traj.sigma_x, traj.dsigma_y_dt, params.k, params.omega)
    ff = loop_form_factors(traj.t, v, i, params.period)
    return MemristorRun(params, state, traj, method, v, i, ff)


def run_memristor(
    params: MemristorParams,
    state: InitialState,
    t: ArrayLike,
    method: Method = "exact",
    options: SolverOptions | None = None,
) -> MemristorRun:
    """One quantum memristor on the time grid ``t``, checked before and after.

    Parameters
    ----------
    params : MemristorParams
    state : InitialState
        State at ``t = 0``; ``t`` must start at 0 for ``method="lindblad"``.
    t : array_like
        Increasing times ≥ 0 (units of 1/ω when ω = 1).
    method : {"exact", "lindblad"}
        Closed form, or integration of the master equation
        (:func:`~qmemristor.memristor.solve_lindblad`).
    options : SolverOptions, optional
        Integrator of ``"lindblad"`` (default
        :data:`~qmemristor.memristor.lindblad.LINDBLAD_OPTIONS`: DOP853, rtol 1e-10).

    Raises
    ------
    ParameterError
        A run that cannot be represented or afforded (:func:`check_run`).
    NumericalError
        A result with a non-finite value (overflow), or an integration that failed.
    """
    if method not in ("exact", "lindblad"):
        raise ParameterError(f"unknown method {method!r}; choose 'exact' or 'lindblad'")
    t = check_time_grid(t, start_at_zero=method == "lindblad")
    check_run(params, t.size, float(t[-1]), method=method)
    if method == "exact":
        run = memristor_run(exact_solution(params, state, t), params, state, method)
    else:
        run = _mark_unresolved_loops(
            memristor_run(solve_lindblad(params, state, t, options), params, state, method)
        )
    check_finite_arrays(run.arrays(), f"the {method} solution")
    return run


#: Smallest coherence amplitude max(|⟨σx⟩|, |⟨σy⟩|) of a period whose loop the Lindblad
#: integration resolves: its absolute tolerance is 1e-12 on ρ, and at γ0 = 0.2 the form factor
#: (exactly 0.2704 in every period) stays within 1e-3 down to an amplitude of 1e-9 and turns to
#: noise (0.01–0.3) below 1e-10.
LINDBLAD_LOOP_FLOOR = 1e-9


def _mark_unresolved_loops(run: MemristorRun) -> MemristorRun:
    """Form factors of periods below the Lindblad resolution become NaN ("undefined"), with
    the reason in the note, instead of reporting solver noise as a shape."""
    from ..analysis.hysteresis import period_slices

    tr = run.trajectory
    amp = np.maximum(np.abs(tr.sigma_x), np.abs(tr.sigma_y))
    ff = run.form_factor.copy()
    for k, sl in enumerate(period_slices(tr.t, run.params.period)):
        if k < ff.size and np.max(amp[sl]) < LINDBLAD_LOOP_FLOOR:
            ff[k] = np.nan
    if not np.isnan(ff).any():
        return run
    note = (
        f"NaN where the coherence is below {LINDBLAD_LOOP_FLOOR:g}, the resolution of "
        "the Lindblad integration (use method='exact')"
    )
    return replace(run, form_factor=ff, form_factor_note=note)
