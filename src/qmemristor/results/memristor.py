"""Datasets of Paper M's memristors: one memristor (:class:`~qmemristor.memristor.MemristorRun`)
and two coupled ones (:class:`~qmemristor.memristor.CoupledSolution`).

One memristor, on ``t``: ``sigma_x``, ``sigma_y``, ``sigma_z``, ``dsigma_y_dt``, ``gamma``,
``V``, ``I``; on ``period``: ``form_factor``.  Two memristors: the same on ``(memristor, t)``,
with the concurrence, Wootters' quantity, the states and the loop and entanglement measures
(:func:`coupled_dataset`).  Attributes hold the parameters, the initial Bloch vectors, the
method, the package version and the seed (:func:`qmemristor.io.provenance_attrs`).

:func:`simulate` and :func:`simulate_coupled_reference` are the public entry points that run
and label in one call (also importable from :mod:`qmemristor.memristor`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..io import provenance_attrs
from ..memristor.coupled import CoupledMemristors
from ..memristor.coupled_lindblad import solve_coupled_reference
from ..memristor.coupled_measures import (
    PINCH_TOL,
    CoupledMeasures,
    CoupledSolution,
    coupled_measures,
)
from ..memristor.model import InitialState, MemristorParams
from ..memristor.run import MemristorRun, Method, check_finite_arrays, run_memristor
from ..options import SolverOptions

__all__ = [
    "check_finite_result",
    "coupled_dataset",
    "simulate",
    "simulate_coupled_reference",
    "trajectory_dataset",
]


def trajectory_dataset(
    run: MemristorRun, *, seed: int | None = None, extra_attrs: Mapping[str, Any] | None = None
) -> xr.Dataset:
    """The labelled dataset of one memristor's run (any method).

    Variables on ``t``: ``sigma_x``, ``sigma_y``, ``sigma_z``, ``dsigma_y_dt``, ``gamma``,
    ``V``, ``I``; on ``period``: ``form_factor`` (docs/theory.md §M3 convention; its attribute
    ``undefined`` says why some are NaN, if the method leaves them undefined).  Attributes
    hold the parameters, the initial Bloch vector, the method, ``extra_attrs``, the package
    version and the seed.
    """
    tr = run.trajectory
    ff_attrs = {"long_name": "loop form factor 4πS/P²"}
    if run.form_factor_note:
        ff_attrs["undefined"] = run.form_factor_note
    data = {
        "sigma_x": ("t", tr.sigma_x, {"long_name": "<σx> (paper basis)"}),
        "sigma_y": ("t", tr.sigma_y, {"long_name": "<σy> (paper basis)"}),
        "sigma_z": ("t", tr.sigma_z, {"long_name": "<σz> (paper basis, +1 = |e>)"}),
        "dsigma_y_dt": ("t", tr.dsigma_y_dt, {"long_name": "d<σy>/dt"}),
        "gamma": ("t", tr.gamma, {"long_name": "decay rate Γ(t)"}),
        "V": ("t", run.V, {"long_name": "<V> = -(k/2)<σy>"}),
        "I": ("t", run.I, {"long_name": "<I> = k(d<σy>/dt - ω<σx>)"}),
        "form_factor": ("period", run.form_factor, ff_attrs),
    }
    attrs = {
        **run.params.as_attrs(),
        "initial_bloch": list(run.state.bloch),
        "method": run.method,
        **(extra_attrs or {}),
    }
    coords = {
        "t": ("t", tr.t, {"units": "1/omega"}),
        "period": ("period", np.arange(run.form_factor.size)),
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

    Returns
    -------
    xarray.Dataset
        :func:`trajectory_dataset` of :func:`~qmemristor.memristor.run_memristor`.
    """
    return trajectory_dataset(run_memristor(params, state, t, method), seed=seed)


def check_finite_result(
    ds: xr.Dataset, what: str = "the result", names: tuple[str, ...] | None = None
) -> xr.Dataset:
    """``ds`` if its observables are finite, else :class:`~qmemristor.errors.NumericalError`.

    ``names``: the variables to check (default: all but ``form_factor`` — the form factor of a
    loop that is a single point, V ≡ I ≡ 0, is undefined and stays NaN).
    """
    chosen = [n for n in (names or ds.data_vars) if n in ds.data_vars and n != "form_factor"]
    check_finite_arrays({str(n): ds[n].values for n in chosen}, what)
    return ds


# --------------------------------------------------------------------------------------------
# two coupled memristors
# --------------------------------------------------------------------------------------------


def _events_vars(m: CoupledMeasures) -> dict[str, Any]:
    ev = m.events
    return {
        "sudden_death_start": ("death", ev.death_start, {"long_name": "start of C = 0 interval"}),
        "sudden_death_end": ("death", ev.death_end, {"long_name": "last grid time with C = 0"}),
        "sudden_death_open": (
            "death",
            ev.death_open.astype(np.int8),
            {"long_name": "1 if the C = 0 interval lasts to the end of the run"},
        ),
        "sudden_birth": ("birth", ev.birth, {"long_name": "first grid time with C > 0 again"}),
    }


def coupling_rate(system: CoupledMemristors, dt: float) -> float:
    """``g = δ/Δt`` (for a user unitary ``‖i log U‖₂/Δt``)."""
    c = system.coupling
    return float((c.delta if c.unitary is None else np.linalg.norm(c.step_hamiltonian, 2)) / dt)


def coupled_dataset(
    solution: CoupledSolution,
    measures: CoupledMeasures | None = None,
    *,
    seed: int | None = None,
    extra_attrs: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """The labelled result of a coupled run (any backend), with the analysis of docs/theory.md §M3.

    Variables: on ``(memristor, t)`` ``sigma_x``, ``sigma_y``, ``sigma_z``, ``dsigma_y_dt``,
    ``gamma``, ``V``, ``I`` (and ``*_err`` from ``solution.errors``, same shape); on ``t``
    ``concurrence`` and ``wootters`` (``λ1 − λ2 − λ3 − λ4``); on ``(memristor, period)``
    ``form_factor`` (docs/theory.md §M3 normalisation: max |V|, |I| over the whole run of that
    memristor), ``pinch_offset`` and ``pinched`` (offset ≤ ``PINCH_TOL``); on
    ``(t, row, col)`` ``rho_real``/``rho_imag`` (paper order ``ee, eg, ge, gg``, Schrödinger
    picture); ``sudden_death_start/_end/_open`` on ``death`` and ``sudden_birth`` on ``birth``.
    The attribute ``dt`` is the protocol step, ``g`` the coupling rate ``δ/Δt`` (for a user
    unitary ``‖i log U‖₂/Δt``).

    ``measures`` default to :func:`~qmemristor.memristor.coupled_measures` with its defaults.
    """
    sol = solution
    m = coupled_measures(sol) if measures is None else measures
    t, rho = sol.t, sol.rho
    mt = ("memristor", "t")

    def stack(name: str) -> NDArray:
        return np.stack([getattr(tr, name) for tr in sol.trajectories])

    data: dict[str, Any] = {
        "sigma_x": (mt, stack("sigma_x"), {"long_name": "<σx> (paper basis)"}),
        "sigma_y": (mt, stack("sigma_y"), {"long_name": "<σy> (paper basis)"}),
        "sigma_z": (mt, stack("sigma_z"), {"long_name": "<σz> (paper basis, +1 = |e>)"}),
        "dsigma_y_dt": (mt, stack("dsigma_y_dt"), {"long_name": f"d<σy>/dt ({sol.derivative})"}),
        "gamma": (mt, stack("gamma"), {"long_name": "decay rate Γ(t)"}),
        "V": (mt, m.V, {"long_name": "<V> = -(k/2)<σy>"}),
        "I": (mt, m.I, {"long_name": "<I> = k(d<σy>/dt - ω<σx>)"}),
        "concurrence": ("t", m.concurrence, {"long_name": "Wootters concurrence"}),
        "wootters": (
            "t",
            m.wootters,
            {"long_name": "Wootters quantity λ1-λ2-λ3-λ4 (C = max(0, ·))"},
        ),
        "form_factor": (
            ("memristor", "period"),
            m.form_factor,
            {"long_name": "loop form factor 4πS/P² (V, I normalised over the run)"},
        ),
        "pinch_offset": (
            ("memristor", "period"),
            m.pinch_offset,
            {"long_name": "max |I| at V = 0 crossings / max |I| in the period"},
        ),
        "pinched": (
            ("memristor", "period"),
            m.pinched.astype(np.int8),
            {"long_name": f"1 if the loop passes through the origin (offset ≤ {PINCH_TOL})"},
        ),
        "rho_real": (("t", "row", "col"), rho.real, {"long_name": "Re ρ (paper order)"}),
        "rho_imag": (("t", "row", "col"), rho.imag, {"long_name": "Im ρ (paper order)"}),
        **_events_vars(m),
    }
    for name, err in sol.errors.items():
        dims = "t" if np.ndim(err) == 1 else mt
        data[f"{name}_err"] = (
            dims,
            np.asarray(err, dtype=float),
            {"long_name": f"error of {name}"},
        )
    s1, s2 = sol.states
    attrs = {
        **sol.system.as_attrs(),
        "initial_bloch_1": list(s1.bloch),
        "initial_bloch_2": list(s2.bloch),
        "dt": sol.dt,
        "g": coupling_rate(sol.system, sol.dt),
        "method": sol.method,
        "derivative": sol.derivative,
        "pinch_tol": PINCH_TOL,
        "entanglement_tol": m.entanglement_tol,
        "entanglement_min_points": m.min_points,
        "basis": "paper order ee, eg, ge, gg (memristor 1 left), Schrödinger picture",
        **sol.info,
        **(extra_attrs or {}),
    }
    coords = {
        "t": ("t", t, {"units": "1/omega"}),
        "memristor": ("memristor", [1, 2]),
        "period": ("period", np.arange(m.form_factor.shape[1])),
        "row": ("row", np.arange(4)),
        "col": ("col", np.arange(4)),
        "death": ("death", np.arange(m.events.death_start.size)),
        "birth": ("birth", np.arange(m.events.birth.size)),
    }
    return xr.Dataset(data, coords=coords, attrs=provenance_attrs(attrs, seed=seed))


def simulate_coupled_reference(
    system: CoupledMemristors,
    state1: InitialState,
    state2: InitialState,
    t: ArrayLike,
    *,
    dt: float | None = None,
    options: SolverOptions | None = None,
) -> xr.Dataset:
    """The continuous-time reference on the grid ``t`` as a :func:`coupled_dataset`.

    ``dt`` is the protocol step that fixes ``g = δ/Δt`` (default: the step of ``t``, which must
    then be uniform).  ``d⟨σy⟩/dt`` comes from the generator.  ``options``: the integrator
    (default DOP853 at rtol 1e-10, atol 1e-12;
    :func:`~qmemristor.memristor.solve_coupled_reference`).
    """
    return coupled_dataset(
        solve_coupled_reference(system, state1, state2, t, dt=dt, options=options)
    )
