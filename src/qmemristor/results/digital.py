"""Datasets of circuit runs: one memristor (:class:`~qmemristor.digital.CircuitRun`) and two
coupled ones (:class:`~qmemristor.digital.CoupledRun`), and the entry points that run and label.

:func:`simulate_circuit` and :func:`simulate_coupled` take the circuit execution as one
:class:`~qmemristor.options.Execution`, or as its fields given as keywords (``backend``,
``layout``, ``shots``, ``seed``, ``pass_manager``, ``aer_method``: the interface before
:class:`~qmemristor.options.Execution` existed, kept as a convenience at these two entry points
only and turned into an :class:`~qmemristor.options.Execution` at once).  Both are also
importable from :mod:`qmemristor.digital`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from ..digital.coupled import CoupledRun, run_coupled_protocol
from ..digital.execute import CircuitRun, run_protocol
from ..digital.simulate import DERIVATIVE_SAMPLED, estimate_coupled, estimate_memristor
from ..memristor import CoupledMemristors, InitialState, MemristorParams, coupled_measures
from ..options import Execution
from .memristor import coupled_dataset, trajectory_dataset

__all__ = ["circuit_dataset", "coupled_circuit_dataset", "simulate_circuit", "simulate_coupled"]


def _run_attrs(run: CircuitRun | CoupledRun) -> dict[str, Any]:
    """Backend, layout, shots, mitigation and the run's circuit record (``circuit_*``)."""
    return {
        "backend": run.backend,
        "layout": run.layout,
        "shots": "exact" if run.shots is None else run.shots,
    }


def circuit_dataset(run: CircuitRun, params: MemristorParams, state: InitialState) -> xr.Dataset:
    """Dataset of a :class:`CircuitRun`: the variables of ``memristor.simulate`` plus errors.

    On ``t``: ``sigma_x``, ``sigma_y`` (and ``sigma_z`` if measured, else NaN), their
    ``*_err``, ``dsigma_y_dt`` (finite difference of the sampled σy) and its error, ``gamma``,
    ``V``, ``V_err``, ``I``, ``I_err``; with mitigation the unmitigated ``sigma_*_raw`` and
    their errors; ``counts0`` and/or ``p0`` on ``(t, observable)``; the per-period
    ``form_factor``.  Attributes: parameters, initial Bloch vector, ``method = "circuit"``,
    backend, layout, shots, seed, circuit counts, package version.
    """
    est = estimate_memristor(run, params, state)
    extra: dict[str, Any] = {
        **_run_attrs(run),
        "observables": ",".join(run.observables),
        "derivative": DERIVATIVE_SAMPLED,
        "mitigation": run.info.get("mitigation", {}).get("strategies", "none"),
        **{f"circuit_{k}": v for k, v in run.info.items()},
    }
    ds = trajectory_dataset(est.memristor, seed=run.seed, extra_attrs=extra)
    err = est.errors
    ds["sigma_x_err"] = ("t", err["sigma_x"], {"long_name": "standard error of <σx>"})
    ds["sigma_y_err"] = ("t", err["sigma_y"], {"long_name": "standard error of <σy>"})
    ds["sigma_z_err"] = ("t", err["sigma_z"], {"long_name": "standard error of <σz>"})
    ds["dsigma_y_dt_err"] = ("t", err["dsigma_y_dt"], {"long_name": "error of d<σy>/dt"})
    ds["V_err"] = ("t", err["V"], {"long_name": "standard error of <V>"})
    ds["I_err"] = ("t", err["I"], {"long_name": "standard error of <I> (shot noise only)"})
    for o, (mean, e) in est.raw.items():
        ds[f"sigma_{o}_raw"] = ("t", mean, {"long_name": f"unmitigated <σ{o}>"})
        ds[f"sigma_{o}_raw_err"] = ("t", e, {"long_name": f"standard error of unmitigated <σ{o}>"})
    ds = ds.assign_coords(observable=("observable", list(run.observables)))
    if run.counts0 is not None:
        ds["counts0"] = (
            ("t", "observable"),
            run.counts0,
            {"long_name": "shots with outcome 0 on the system qubit (Qiskit basis)"},
        )
    if run.p0 is not None:
        ds["p0"] = (
            ("t", "observable"),
            run.p0,
            {"long_name": "exact probability of outcome 0 (Qiskit basis)"},
        )
    return ds


def simulate_circuit(
    params: MemristorParams,
    state: InitialState,
    t: ArrayLike,
    execution: Execution | None = None,
    *,
    observables: Sequence[str] = ("x", "y"),
    backend: Any = None,
    layout: str | None = None,
    shots: int | None = None,
    seed: int | None = None,
    pass_manager: Any = None,
    aer_method: str | None = None,
) -> xr.Dataset:
    """Simulate one memristor with the collisional circuits of Paper M (docs/theory.md §M2).

    Measures σx and σy (one circuit per time point and observable) as ``execution`` says (see
    :func:`qmemristor.digital.run_protocol`), estimates them with standard errors — mitigated
    if the execution asks for it — and derives ⟨V⟩, ⟨I⟩ (with ``d⟨σy⟩/dt`` a finite difference
    of the sampled σy, as one must with data) and their propagated errors.  ``t`` must start
    at 0.

    Parameters
    ----------
    execution : Execution, optional
        How the circuits run (default: the exact ``density`` backend, paper layout).
    backend, layout, shots, seed, pass_manager, aer_method
        The same as keywords (give these or ``execution``, not both).

    Returns
    -------
    xarray.Dataset
        :func:`circuit_dataset` of the run.
    """
    ex = Execution.resolve(
        execution,
        backend=backend,
        layout=layout,
        shots=shots,
        seed=seed,
        pass_manager=pass_manager,
        aer_method=aer_method,
    )
    return circuit_dataset(
        run_protocol(params, state, t, ex, observables=observables), params, state
    )


def coupled_circuit_dataset(
    run: CoupledRun, *, bootstrap: int = 200, entanglement_tol: float = 1e-10
) -> xr.Dataset:
    """Dataset of a :class:`~qmemristor.digital.CoupledRun` (see ``coupled_dataset``).

    The states and trajectories of :func:`~qmemristor.digital.simulate.estimate_coupled`
    (exact, or tomography with ``bootstrap`` resamplings for the error of the Wootters
    quantity), the measures of :func:`~qmemristor.memristor.coupled_measures`, plus the counts
    or probabilities of the tomography circuits on ``(t, setting, outcome)``.  With shots, pinch
    verdicts and sudden death/birth are those of noisy data: a "zero" concurrence is
    ``W ≤ entanglement_tol`` of a noisy ``W`` (compare with ``wootters_err``).
    """
    sol = estimate_coupled(run, bootstrap=bootstrap)
    extra: dict[str, Any] = {
        **_run_attrs(run),
        "settings": ",".join(run.settings),
        "mitigation": run.info.get("mitigation", {}).get("strategies", "none"),
        **{f"circuit_{k}": v for k, v in run.info.items()},
    }
    measures = coupled_measures(sol, entanglement_tol=entanglement_tol)
    ds = coupled_dataset(sol, measures, seed=run.seed, extra_attrs=extra)
    ds = ds.assign_coords(
        setting=("setting", list(run.settings)), outcome=("outcome", np.arange(4))
    )
    if run.counts is not None:
        ds["counts"] = (
            ("t", "setting", "outcome"),
            run.counts,
            {"long_name": "shots per outcome c0 + 2 c1 (c0 = memristor 1, Qiskit basis)"},
        )
    if run.probabilities is not None:
        ds["probability"] = (
            ("t", "setting", "outcome"),
            run.probabilities,
            {"long_name": "exact probability of outcome c0 + 2 c1 (Qiskit basis)"},
        )
    return ds


def simulate_coupled(
    system: CoupledMemristors,
    state1: InitialState,
    state2: InitialState,
    t: ArrayLike,
    execution: Execution | None = None,
    *,
    backend: Any = None,
    layout: str | None = None,
    shots: int | None = None,
    seed: int | None = None,
    pass_manager: Any = None,
    aer_method: str | None = None,
    bootstrap: int = 200,
) -> xr.Dataset:
    """Simulate two coupled memristors with the collisional circuits (docs/theory.md §M3).

    Every step applies both memristors' collisions and then the interaction of
    ``system.coupling`` (in ``system.frame``).  ``execution`` (or its fields as keywords, as in
    :func:`simulate_circuit`) as in :func:`qmemristor.digital.run_coupled_protocol`;
    ``density`` (the default) is exact and gives the full two-memristor state at every time.
    ``t`` must be uniform and start at 0.  Returns the dataset of
    :func:`qmemristor.memristor.coupled_dataset` (V, I, concurrence, Wootters quantity, form
    factors, pinch verdicts, sudden death/birth, states) plus counts or probabilities of the
    tomography circuits; mitigated if the execution asks for it.
    """
    ex = Execution.resolve(
        execution,
        backend=backend,
        layout=layout,
        shots=shots,
        seed=seed,
        pass_manager=pass_manager,
        aer_method=aer_method,
    )
    run = run_coupled_protocol(system, state1, state2, t, ex)
    return coupled_circuit_dataset(run, bootstrap=bootstrap)
