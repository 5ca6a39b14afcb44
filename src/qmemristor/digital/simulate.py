"""From circuit runs to the memristors' variables with standard errors (no datasets here).

:func:`estimate_memristor` turns a :class:`~.execute.CircuitRun` into the
:class:`~qmemristor.memristor.MemristorRun` of the memristor it measured (⟨σx⟩, ⟨σy⟩, ⟨V⟩,
⟨I⟩ with ``d⟨σy⟩/dt`` a finite difference of the sampled σy, form factors) and its standard
errors; :func:`estimate_coupled` turns a :class:`~.coupled.CoupledRun` into the
:class:`~qmemristor.memristor.CoupledSolution` of the two memristors (exact states, or
two-qubit tomography projected onto physical states, with bootstrap errors of the Wootters
quantity).  The labelled datasets of both, and the one-call entry points
:func:`qmemristor.digital.simulate_circuit` and :func:`qmemristor.digital.simulate_coupled`,
are in :mod:`qmemristor.results.digital`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..analysis.entanglement import wootters_quantity
from ..conventions import QISKIT_PAULI_SIGN
from ..errors import ParameterError
from ..memristor import (
    CoupledSolution,
    InitialState,
    MemristorParams,
    MemristorRun,
    Trajectory,
    coupled_trajectories,
    memristor_run,
)
from .coupled import CoupledRun
from .estimate import (
    density_from_paulis,
    expectation_from_counts,
    memristor_estimates,
    paper_expectations,
    paulis_from_parities,
    physical_density,
    two_qubit_paulis,
)
from .execute import CircuitRun

if TYPE_CHECKING:  # pragma: no cover - what the lazy names below resolve to
    from ..results.digital import (
        circuit_dataset,
        coupled_circuit_dataset,
        simulate_circuit,
        simulate_coupled,
    )

__all__ = [
    "DERIVATIVE_EXACT",
    "DERIVATIVE_SAMPLED",
    "CircuitEstimate",
    "circuit_dataset",
    "coupled_circuit_dataset",
    "estimate_coupled",
    "estimate_memristor",
    "simulate_circuit",
    "simulate_coupled",
]

#: How ``d⟨σy⟩/dt`` is obtained on each kind of backend (stored with the results).
DERIVATIVE_EXACT = (
    "generator of the continuous-time limit evaluated at the digital state "
    "(Tr σy L_t(ρ), qmemristor.memristor.coupled_trajectories)"
)
DERIVATIVE_SAMPLED = "numpy.gradient edge_order=2 on the sampled <σy> (finite difference)"


@dataclass(frozen=True)
class CircuitEstimate:
    """One memristor estimated from a circuit run.

    Attributes
    ----------
    run : CircuitRun
        The counts (or exact probabilities) it comes from.
    memristor : MemristorRun
        ⟨σx⟩, ⟨σy⟩ (⟨σz⟩ if measured, else NaN), ``d⟨σy⟩/dt`` (finite difference of the
        sampled σy), Γ, ⟨V⟩, ⟨I⟩ and form factors; method ``"circuit"``.
    errors : mapping of str to ndarray, shape (n_t,)
        Standard errors of ``sigma_x``, ``sigma_y``, ``sigma_z``, ``dsigma_y_dt``, ``V``, ``I``
        (shot noise only; the finite difference's bias is not included).
    raw : mapping of str to (ndarray, ndarray)
        With mitigation: the unmitigated paper-basis ``(⟨σ⟩, error)`` of each observable.
    """

    run: CircuitRun
    memristor: MemristorRun
    errors: Mapping[str, NDArray[np.float64]]
    raw: Mapping[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)


def estimate_memristor(
    run: CircuitRun, params: MemristorParams, state: InitialState
) -> CircuitEstimate:
    """⟨σ⟩, ⟨V⟩, ⟨I⟩ of a :class:`CircuitRun` with standard errors (mitigated if it was).

    Needs σx and σy among the observables.
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
    errors = {
        "sigma_x": sx_err,
        "sigma_y": sy_err,
        "sigma_z": sz_err,
        "dsigma_y_dt": est["dsigma_y_dt_err"],
        "V": est["V_err"],
        "I": est["I_err"],
    }
    raw: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    if run.expectation is not None and run.counts0 is not None and run.shots is not None:
        for j, o in enumerate(run.observables):
            mean, err = expectation_from_counts(run.counts0[:, j], run.shots)
            raw[o] = (QISKIT_PAULI_SIGN[o] * mean, err)
    return CircuitEstimate(run, memristor_run(traj, params, state, "circuit"), errors, raw)


# --------------------------------------------------------------------------------------------
# two coupled memristors
# --------------------------------------------------------------------------------------------


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


def estimate_coupled(run: CoupledRun, *, bootstrap: int = 200) -> CoupledSolution:
    """The two memristors' states and trajectories from a :class:`CoupledRun`.

    ``density`` (exact): the full two-memristor state at every time and ``d⟨σy⟩/dt`` from the
    generator of the continuous-time limit at that state.  Shot-based backends: two-qubit
    tomography (all nine settings), the linear-inversion state projected onto physical states
    (error of the Wootters quantity: ``bootstrap`` parametric resamplings), single-memristor
    expectations with standard errors, and ``d⟨σy⟩/dt`` by finite differences with propagated
    shot noise — so ⟨I⟩ has the finite-difference bias of docs/theory.md §M2.
    """
    proto = run.protocol
    system, t = proto.system, proto.t
    common: dict[str, Any] = {
        "system": system,
        "states": (proto.state1, proto.state2),
        "t": t,
        "dt": proto.dt,
        "method": "circuit",
    }
    if run.rho is not None:
        exact = coupled_trajectories(system, t, run.rho, dt=proto.dt)
        return CoupledSolution(
            rho=run.rho, trajectories=exact, derivative=DERIVATIVE_EXACT, **common
        )
    if run.parities is not None and run.parities_err is not None:
        tt, tt_err = paulis_from_parities(run.parities, run.parities_err, run.settings)
        w_err = _bootstrap_wootters_gaussian(tt, tt_err, bootstrap, run.seed)
    elif run.counts is not None and run.shots is not None:
        tt, tt_err = two_qubit_paulis(run.counts, run.shots, run.settings)
        w_err = _bootstrap_wootters(run.counts, run.shots, run.settings, bootstrap, run.seed)
    else:  # pragma: no cover - a run has states, counts or parities
        raise ParameterError("a coupled run without states, counts or parities")
    trajs: list[Trajectory] = []
    errs: dict[str, list[NDArray[np.float64]]] = {
        k: [] for k in ("sigma_x", "sigma_y", "sigma_z", "dsigma_y_dt", "V", "I")
    }
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
    errors["wootters"] = w_err
    errors["concurrence"] = w_err
    return CoupledSolution(
        rho=physical_density(density_from_paulis(tt)),
        trajectories=(trajs[0], trajs[1]),
        derivative=DERIVATIVE_SAMPLED,
        errors=errors,
        info={"bootstrap": bootstrap},
        **common,
    )


#: Names defined in :mod:`qmemristor.results.digital` (datasets), imported on first use.
_RESULTS = ("circuit_dataset", "coupled_circuit_dataset", "simulate_circuit", "simulate_coupled")


def __getattr__(name: str) -> Any:
    if name in _RESULTS:
        from ..results import digital as _results

        return getattr(_results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
