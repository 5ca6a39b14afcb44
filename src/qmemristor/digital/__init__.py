"""Digital (gate-based) simulation on Qiskit circuits; the only subpackage that imports qiskit.

Paper M's collisional model of a memristor (docs/theory.md §M2): circuits in the paper's layout (one
fresh ancilla per step) and a reset layout (one reused ancilla), backends from exact
(``density``) through sampled shots and qiskit-aer to noisy fake IBM devices and real hardware,
and estimates of ⟨σ⟩, ⟨V⟩, ⟨I⟩ with standard errors.  Two coupled memristors (docs/theory.md §M3):
interaction gates (:mod:`.interactions`), the coupled protocol with two-qubit tomography
(:mod:`.coupled`) and :func:`simulate_coupled`.  How circuits run is one
:class:`qmemristor.options.Execution` (backend, layout, shots, seed, ..., mitigation); error
mitigation that works with the reset layout — readout correction, reset-aware ZNE folding,
dynamical decoupling, Pauli twirling — is in :mod:`.mitigation` and :mod:`.folding`, the
``EstimatorV2`` path in :mod:`.estimator`, and the resource estimate that refuses impossible
runs before they start in :func:`estimate_resources`.

The functions that return labelled datasets — :func:`simulate_circuit`,
:func:`simulate_coupled`, :func:`circuit_dataset`, :func:`coupled_circuit_dataset` — are
defined in the results layer (:mod:`qmemristor.results.digital`) and reachable here, imported
when first used; :mod:`.simulate` turns runs into estimates with standard errors.
"""

from typing import TYPE_CHECKING, Any

from .collision import (
    LAYOUTS,
    OBSERVABLES,
    Layout,
    Protocol,
    build_protocol,
    circuit_stats,
    collision_angle,
    collision_step,
    get_layout,
    protocol_circuit,
    protocol_circuits,
    readout_circuit,
    state_preparation,
    steps_circuit,
    to_qasm3,
)
from .coupled import (
    SETTINGS,
    CoupledProtocol,
    CoupledRun,
    build_coupled_protocol,
    coupled_outcome_probabilities,
    coupled_protocol_circuit,
    coupled_protocol_circuits,
    coupled_step_circuit,
    propagate_coupled,
    run_coupled_protocol,
)
from .estimate import (
    density_from_paulis,
    derivative_with_error,
    expectation_from_counts,
    gradient_weights,
    memristor_estimates,
    paper_expectations,
    physical_density,
    two_qubit_paulis,
)
from .execute import (
    BACKENDS,
    CircuitRun,
    ResourceEstimate,
    collision_kraus,
    estimate_resources,
    fake_backend,
    fake_backend_names,
    initial_density,
    outcome_probabilities,
    propagate,
    run_protocol,
)
from .folding import step_folds
from .interactions import gate_label, interaction_circuit, interaction_gate, interaction_matrix
from .mitigation import Measurements, ReadoutCalibration, extrapolate, extrapolate_shared
from .simulate import CircuitEstimate, estimate_coupled, estimate_memristor

if TYPE_CHECKING:  # pragma: no cover - what the lazy names below resolve to
    from ..results.digital import (
        circuit_dataset,
        coupled_circuit_dataset,
        simulate_circuit,
        simulate_coupled,
    )

#: Names defined in :mod:`qmemristor.results.digital` (datasets), imported on first use.
_RESULTS = ("circuit_dataset", "coupled_circuit_dataset", "simulate_circuit", "simulate_coupled")


def __getattr__(name: str) -> Any:
    if name in _RESULTS:
        from ..results import digital as _results

        return getattr(_results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BACKENDS",
    "LAYOUTS",
    "OBSERVABLES",
    "SETTINGS",
    "CircuitEstimate",
    "CircuitRun",
    "CoupledProtocol",
    "CoupledRun",
    "Layout",
    "Measurements",
    "Protocol",
    "ReadoutCalibration",
    "ResourceEstimate",
    "build_coupled_protocol",
    "build_protocol",
    "circuit_dataset",
    "circuit_stats",
    "collision_angle",
    "collision_kraus",
    "collision_step",
    "coupled_circuit_dataset",
    "coupled_outcome_probabilities",
    "coupled_protocol_circuit",
    "coupled_protocol_circuits",
    "coupled_step_circuit",
    "density_from_paulis",
    "derivative_with_error",
    "estimate_coupled",
    "estimate_memristor",
    "estimate_resources",
    "expectation_from_counts",
    "extrapolate",
    "extrapolate_shared",
    "fake_backend",
    "fake_backend_names",
    "gate_label",
    "get_layout",
    "gradient_weights",
    "initial_density",
    "interaction_circuit",
    "interaction_gate",
    "interaction_matrix",
    "memristor_estimates",
    "outcome_probabilities",
    "paper_expectations",
    "physical_density",
    "propagate",
    "propagate_coupled",
    "protocol_circuit",
    "protocol_circuits",
    "readout_circuit",
    "run_coupled_protocol",
    "run_protocol",
    "simulate_circuit",
    "simulate_coupled",
    "state_preparation",
    "step_folds",
    "steps_circuit",
    "to_qasm3",
    "two_qubit_paulis",
]
