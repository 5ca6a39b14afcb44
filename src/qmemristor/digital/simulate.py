"""High-level entry point: the memristor on digital circuits, as a labelled ``xarray.Dataset``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..analysis.entanglement import wootters_quantity
from ..conventions import QISKIT_PAULI_SIGN
from ..errors import ParameterError
from ..memristor import (
    CoupledMemristors,
    InitialState,
    MemristorParams,
    Trajectory,
    coupled_dataset,
    coupled_trajectories,
    trajectory_dataset,
)
from ..options import Execution
from .coupled import CoupledRun, run_coupled_protocol
from .estimate import (
    density_from_paulis,
    expectation_from_counts,
    memristor_estimates,
    paper_expectations,
    paulis_from_parities,
    physical_density,
    two_qubit_paulis,
)
from .execute import CircuitRun, run_protocol

__all__ = ["circuit_dataset", "coupled_circuit_dataset", "simulate_circuit", "simulate_coupled"]


def circuit_dataset(run: CircuitRun, params: MemristorParams, state: InitialState) -> xr.Dataset:
    """Dataset of a :class:`CircuitRun`: the variables of ``memristor.simulate`` plus errors.

    On ``t``: ``sigma_x``, ``sigma_y`` (and ``sigma_z`` if measured, else NaN), their
    ``*_err``, ``dsigma_y_dt`` (finite difference of the sampled σy) and its error, ``gamma``,
    ``V``, ``V_err``, ``I``, ``I_err``; ``counts0`` and/or ``p0`` on ``(t, observable)``; the
    per-period ``form_factor``.  Attributes: parameters, initial Bloch vector,
    ``method = "circuit"``, backend, layout, shots, seed, circuit counts, package version.
    """
    if not {"x", "y"} <= set(run.observables):
        raise ParameterError("⟨V⟩ and ⟨I⟩ need both σx and σy among the observables")
    exp = paper_expectations(run)
    (sx, sx_err), (sy, sy_err) = exp["x"], exp["y"]
    sz, sz_err = exp.get("z", (np.full_like(sx, np.nan), np.full_like(sx, np.nan)))
    est = memristor_estimates(run.t, sx, sx_err, sy, sy_err, k=params.k, omega=params.omega)
    traj = Trajectory(
        t=run.t,
        sigma_x=sx,
        sigma_y=sy,
        sigma_z=sz,
        dsigma_y_dt=est["dsigma_y_dt"],
        gamma=params.protocol.rate(run.t),
    )
    extra: dict[str, Any] = {
        "backend": run.backend,
        "layout": run.layout,
        "shots": "exact" if run.shots is None else run.shots,
        "observables": ",".join(run.observables),
        "derivative": "numpy.gradient edge_order=2 on the sampled <σy> (finite difference)",
        "mitigation": run.info.get("mitigation", {}).get("strategies", "none"),
        **{f"circuit_{k}": v for k, v in run.info.items()},
    }
    ds = trajectory_dataset(traj, params, state, method="circuit", seed=run.seed, extra_attrs=extra)
    # the I of trajectory_dataset is the same formula; keep ours (identical) with its error
    ds["sigma_x_err"] = ("t", sx_err, {"long_name": "standard error of <σx>"})
    ds["sigma_y_err"] = ("t", sy_err, {"long_name": "standard error of <σy>"})
    ds["sigma_z_err"] = ("t", sz_err, {"long_name": "standard error of <σz>"})
    ds["dsigma_y_dt_err"] = ("t", est["dsigma_y_dt_err"], {"long_name": "error of d<σy>/dt"})
    ds["V_err"] = ("t", est["V_err"], {"long_name": "standard error of <V>"})
    ds["I_err"] = ("t", est["I_err"], {"long_name": "standard error of <I> (shot noise only)"})
    if run.expectation is not None:
        raw = (
            {
                o: expectation_from_counts(run.counts0[:, j], run.shots)
                for j, o in enumerate(run.observables)
            }
            if run.counts0 is not None
            else {}
        )
        for o, (mean, err) in raw.items():
            sign = QISKIT_PAULI_SIGN[o]
            ds[f"sigma_{o}_raw"] = ("t", sign * mean, {"long_name": f"unmitigated <σ{o}>"})
            ds[f"sigma_{o}_raw_err"] = (
                "t",
                err,
                {"long_name": f"standard error of unmitigated <σ{o}>"},
            )
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
    :func:`qmemristor.digital.run_protocol`; the keywords are the older interface, kept),
    estimates them with standard errors — mitigated if the execution asks for it — and derives
    ⟨V⟩, ⟨I⟩ (with ``d⟨σy⟩/dt`` a finite difference of the sampled σy, as one must with data)
    and their propagated errors.  ``t`` must start at 0.
    """
    run = run_protocol(
        params,
        state,
        t,
        execution,
        observables=observables,
        backend=backend,
        layout=layout,
        shots=shots,
        seed=seed,
        pass_manager=pass_manager,
        aer_method=aer_method,
    )
    return circuit_dataset(run, params, state)


# --------------------------------------------------------------------------------------------
# two coupled memristors
# --------------------------------------------------------------------------------------------

#: How ``d⟨σy⟩/dt`` is obtained on each kind of backend (stored with the results).
DERIVATIVE_EXACT = (
    "generator of the continuous-time limit evaluated at the digital state "
    "(Tr σy L_t(ρ), qmemristor.memristor.coupled_trajectories)"
)
DERIVATIVE_SAMPLED = "numpy.gradient edge_order=2 on the sampled <σy> (finite difference)"


def _bootstrap_wootters(
    counts: NDArray, shots: int, settings: Sequence[str], n_boot: int, seed: int | None
) -> NDArray[np.float64]:
    """Standard deviation of the Wootters quantity over ``n_boot`` parametric resamplings.

    Each resample draws every circuit's counts again from its observed frequencies
    (multinomial, seeded from the run's seed) and repeats tomography, the projection onto
    physical states and Wootters' formula.
    """
    if n_boot <= 1:
        return np.full(counts.shape[0], np.nan)
    rng = np.random.default_rng(None if seed is None else [int(seed), 4])
    freq = counts / shots
    w = np.empty((n_boot, counts.shape[0]))
    for b in range(n_boot):  # one (n_t, 9, 4) draw at a time keeps memory at ~100 kB
        t, _ = two_qubit_paulis(rng.multinomial(shots, freq), shots, settings)
        w[b] = wootters_quantity(physical_density(density_from_paulis(t)))
    return w.std(axis=0, ddof=1)


def _bootstrap_wootters_gaussian(
    tt: NDArray, tt_err: NDArray, n_boot: int, seed: int | None
) -> NDArray[np.float64]:
    """As :func:`_bootstrap_wootters` for mitigated data: each ``T_ij`` redrawn from
    ``N(T_ij, δT_ij²)`` independently (mitigated estimates are not counts to resample)."""
    if n_boot <= 1:
        return np.full(tt.shape[0], np.nan)
    rng = np.random.default_rng(None if seed is None else [int(seed), 5])
    w = np.empty((n_boot, tt.shape[0]))
    for b in range(n_boot):
        t = tt + tt_err * rng.standard_normal(tt.shape)
        t[..., 0, 0] = 1.0
        w[b] = wootters_quantity(physical_density(density_from_paulis(t)))
    return w.std(axis=0, ddof=1)


def coupled_circuit_dataset(
    run: CoupledRun, *, bootstrap: int = 200, entanglement_tol: float = 1e-10
) -> xr.Dataset:
    """Dataset of a :class:`~qmemristor.digital.coupled.CoupledRun` (see ``coupled_dataset``).

    ``density`` (exact): the full two-memristor state at every time and ``d⟨σy⟩/dt`` from the
    generator of the continuous-time limit at that state.  Shot-based backends: two-qubit
    tomography (all nine settings), the linear-inversion state projected onto physical states
    for the concurrence (error: ``bootstrap`` parametric resamplings), single-memristor
    expectations with standard errors, and ``d⟨σy⟩/dt`` by finite differences with
    propagated shot noise — so ⟨I⟩ has the finite-difference bias of docs/theory.md §M2, and pinch
    verdicts and sudden death/birth are those of noisy data: a "zero" concurrence is
    ``W ≤ entanglement_tol`` of a noisy ``W`` (compare with ``wootters_err``).
    """
    proto = run.protocol
    system, t = proto.system, proto.t
    extra: dict[str, Any] = {
        "backend": run.backend,
        "layout": run.layout,
        "shots": "exact" if run.shots is None else run.shots,
        "settings": ",".join(run.settings),
        "mitigation": run.info.get("mitigation", {}).get("strategies", "none"),
        **{f"circuit_{k}": v for k, v in run.info.items()},
    }
    common = {
        "dt": proto.dt,
        "method": "circuit",
        "state1": proto.state1,
        "state2": proto.state2,
        "seed": run.seed,
        "entanglement_tol": entanglement_tol,
    }
    if run.rho is not None:
        trajs = coupled_trajectories(system, t, run.rho, dt=proto.dt)
        ds = coupled_dataset(
            system, t, run.rho, trajs, derivative=DERIVATIVE_EXACT, extra_attrs=extra, **common
        )
    else:
        if run.parities is not None and run.parities_err is not None:
            tt, tt_err = paulis_from_parities(run.parities, run.parities_err, run.settings)
        else:
            tt, tt_err = two_qubit_paulis(run.counts, run.shots, run.settings)
        rho = physical_density(density_from_paulis(tt))
        trajs, errs = (
            [],
            {k: [] for k in ("sigma_x", "sigma_y", "sigma_z", "dsigma_y_dt", "V", "I")},
        )
        for k, m in enumerate(system.memristors):
            # ⟨σa⊗1⟩ = T[a, 0] for memristor 1, ⟨1⊗σa⟩ = T[0, a] for memristor 2
            sx, sy, sz = (tt[:, a, 0] if k == 0 else tt[:, 0, a] for a in (1, 2, 3))
            ex, ey, ez = (tt_err[:, a, 0] if k == 0 else tt_err[:, 0, a] for a in (1, 2, 3))
            est = memristor_estimates(t, sx, ex, sy, ey, k=m.k, omega=m.omega)
            trajs.append(Trajectory(t, sx, sy, sz, est["dsigma_y_dt"], m.protocol.rate(t)))
            for name, val in (
                ("sigma_x", ex),
                ("sigma_y", ey),
                ("sigma_z", ez),
                ("dsigma_y_dt", est["dsigma_y_dt_err"]),
                ("V", est["V_err"]),
                ("I", est["I_err"]),
            ):
                errs[name].append(val)
        errors = {k: np.stack(v) for k, v in errs.items()}
        if run.parities is not None:
            w_err = _bootstrap_wootters_gaussian(tt, tt_err, bootstrap, run.seed)
        else:
            w_err = _bootstrap_wootters(run.counts, run.shots, run.settings, bootstrap, run.seed)
        errors["wootters"] = w_err
        errors["concurrence"] = w_err
        extra["bootstrap"] = bootstrap
        ds = coupled_dataset(
            system,
            t,
            rho,
            (trajs[0], trajs[1]),
            derivative=DERIVATIVE_SAMPLED,
            errors=errors,
            extra_attrs=extra,
            **common,
        )
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
    ``system.coupling`` (in ``system.frame``).  ``execution`` (or the older keywords) as in
    :func:`qmemristor.digital.run_protocol`; ``density`` (the default) is exact and gives the
    full two-memristor state at every time.  ``t`` must be uniform and start at 0.  Returns
    the dataset of :func:`qmemristor.memristor.coupled_dataset` (V, I, concurrence, Wootters
    quantity, form factors, pinch verdicts, sudden death/birth, states) plus counts or
    probabilities of the tomography circuits; mitigated if the execution asks for it.
    """
    run = run_coupled_protocol(
        system,
        state1,
        state2,
        t,
        execution,
        backend=backend,
        layout=layout,
        shots=shots,
        seed=seed,
        pass_manager=pass_manager,
        aer_method=aer_method,
    )
    return coupled_circuit_dataset(run, bootstrap=bootstrap)
