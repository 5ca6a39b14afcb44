"""The memristor's protocol through an ``EstimatorV2``: Pauli expectations without counts.

An estimator measures ⟨X⟩, ⟨Y⟩, ⟨Z⟩ of the system qubit directly, so each time point needs one
circuit (preparation, collisions, the free-evolution phase ``P(−ω t_i)``; no basis change, no
measurement) with all observables in one pub — half the circuits of the sampler path for σx
and σy.  The Qiskit Pauli expectation is the ⟨P⟩ of :mod:`qmemristor.digital.estimate` (after
the basis change of observable ``o``, outcome 0 has probability ``(1 + ⟨P_o⟩)/2``).

Two kinds of estimator:

* IBM Runtime's ``EstimatorV2`` (real hardware, or the local testing mode with a fake device
  as ``mode``): the circuits are transpiled to its backend and the requested mitigation is
  handed to the service as its own resilience options
  (:func:`~qmemristor.digital.mitigation.runtime_estimator_options`: TREX, ZNE, DD,
  twirling), plus ``Mitigation.runtime_options`` as given.  The local testing mode runs on Aer
  and ignores those options with a warning, which is kept in ``info["runtime_warnings"]``.
* any other ``BaseEstimatorV2`` (Qiskit's ``StatevectorEstimator``, ``BackendEstimatorV2``,
  Aer's): ``precision = 1/√shots``; zero-noise extrapolation with this package's folding is
  applied to its expectation values and standard deviations; readout correction, DD and
  twirling need counts or the service and are refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError
from ..options import Execution
from .collision import Layout, Protocol, protocol_circuits
from .execute import CircuitRun, _primitive_backend, _transpile
from .mitigation import extrapolate, extrapolate_shared, runtime_estimator_options

__all__ = ["is_runtime_estimator", "run_estimator_protocol"]

_PAULI = {"x": "X", "y": "Y", "z": "Z"}


def is_runtime_estimator(obj: Any) -> bool:
    """Whether ``obj`` is IBM Runtime's ``EstimatorV2`` (its options carry resilience)."""
    return type(obj).__module__.startswith("qiskit_ibm_runtime") and hasattr(obj, "options")


def _observables(obs: Sequence[str], logical: Any, circuit: Any) -> list[Any]:
    """The Paulis of ``obs`` on the system (qubit 0 of ``logical``), laid out as ``circuit``."""
    from qiskit.quantum_info import SparsePauliOp

    n = logical.num_qubits
    ops = [SparsePauliOp.from_sparse_list([(_PAULI[o], [0], 1.0)], num_qubits=n) for o in obs]
    if circuit.layout is not None:
        ops = [op.apply_layout(circuit.layout) for op in ops]
    return ops


def _run(
    estimator: Any, logical: list, circuits: list, obs: Sequence[str], precision: float | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[str]]:
    pubs = [(c, _observables(obs, lc, c)) for lc, c in zip(logical, circuits, strict=True)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        job = estimator.run(pubs) if precision is None else estimator.run(pubs, precision=precision)
        result = job.result()
    evs = np.array([np.asarray(r.data.evs, dtype=float) for r in result])
    stds = np.array([np.asarray(r.data.stds, dtype=float) for r in result])
    return evs, stds, sorted({str(w.message) for w in caught})


def run_estimator_protocol(
    protocol: Protocol,
    obs: tuple[str, ...],
    execution: Execution,
    layout: Layout,
    info: dict[str, Any],
) -> CircuitRun:
    """Run ``protocol`` on the ``EstimatorV2`` of ``execution`` (see the module docstring)."""
    ex = execution
    est = ex.backend
    m = ex.mitigation
    runtime = is_runtime_estimator(est)
    n_t = protocol.t.size
    backend = _primitive_backend(est)
    info["num_circuits"] = n_t
    if runtime:
        if m.active:
            est.options.update(**runtime_estimator_options(m))
        est.options.default_shots = ex.shots
        if ex.seed is not None:
            est.options.simulator.seed_simulator = ex.seed
        circuits = protocol_circuits(protocol, layout, ("z",), measure=False)
        isa = list(_transpile(circuits, backend, ex.seed, ex.pass_manager))
        evs, stds, notes = _run(est, circuits, isa, obs, None)
        name = f"estimator:{getattr(backend, 'name', type(est).__name__)}"
        if m.active:
            info["mitigation"] = {
                **m.record(),
                "applied_by": "IBM Runtime (resilience options)",
                "runtime_options": runtime_estimator_options(m),
                "circuits": n_t,
                "shots": n_t * ex.shots,
            }
        if notes:
            info["runtime_warnings"] = notes
        return _estimator_run(protocol, obs, ex, name, evs, stds, info)
    if m.readout or m.dd or m.twirl or m.runtime_options:
        raise ParameterError(
            "with a generic EstimatorV2 only zne can be applied (readout correction, dd and "
            "twirling need counts or IBM Runtime's estimator); use a SamplerV2 or BackendV2"
        )
    precision = 1.0 / np.sqrt(ex.shots)
    vals, errs, realised, steps = [], [], [], []
    for scale in m.scales:
        circuits = protocol_circuits(protocol, layout, ("z",), measure=False, fold=scale)
        isa = circuits
        if ex.pass_manager is not None:
            isa = list(ex.pass_manager.run(circuits))
        elif backend is not None and getattr(backend, "target", None) is not None:
            isa = list(_transpile(circuits, backend, ex.seed, None))
        evs, stds, _ = _run(est, circuits, isa, obs, precision)
        vals.append(evs)
        errs.append(stds)
        realised.append([c.metadata["noise_scale"] for c in circuits])
        steps = [c.metadata["index"] for c in circuits]
    y, dy = np.stack(vals), np.stack(errs)
    if len(m.scales) == 1:
        evs, stds = y[0], dy[0]
    elif m.extrapolation == "exponential-shared":
        amount = np.asarray(realised) * np.asarray(steps)
        evs, stds, _, _ = extrapolate_shared(amount, y, dy)
    else:
        evs, stds, _ = extrapolate(np.asarray(realised), y, dy, m.extrapolation)
    if m.active:
        runs = n_t * len(m.scales)
        info["mitigation"] = {**m.record(), "circuits": runs, "shots": runs * ex.shots}
    return _estimator_run(protocol, obs, ex, f"estimator:{type(est).__name__}", evs, stds, info)


def _estimator_run(
    protocol: Protocol,
    obs: tuple[str, ...],
    ex: Execution,
    name: str,
    evs: NDArray[np.float64],
    stds: NDArray[np.float64],
    info: dict[str, Any],
) -> CircuitRun:
    return CircuitRun(
        protocol.t,
        obs,
        ex.shots,
        None,
        None,
        name,
        ex.layout_name,
        ex.seed,
        info,
        expectation=evs,
        expectation_err=stds,
    )
