"""Digital (gate-based) simulation on Qiskit circuits; the only subpackage that imports qiskit.

Paper M's collisional model of the memristor (SPEC §M2): circuits in the paper's layout (one
fresh ancilla per step) and a reset layout (one reused ancilla), backends from exact
(``density``) through sampled shots and qiskit-aer to noisy fake IBM devices and real hardware,
and estimates of ⟨σ⟩, ⟨V⟩, ⟨I⟩ with standard errors.
"""

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
from .estimate import (
    derivative_with_error,
    expectation_from_counts,
    gradient_weights,
    memristor_estimates,
    paper_expectations,
)
from .execute import (
    BACKENDS,
    CircuitRun,
    collision_kraus,
    fake_backend,
    fake_backend_names,
    initial_density,
    outcome_probabilities,
    propagate,
    run_protocol,
)
from .simulate import circuit_dataset, simulate_circuit

__all__ = [
    "BACKENDS",
    "LAYOUTS",
    "OBSERVABLES",
    "CircuitRun",
    "Layout",
    "Protocol",
    "build_protocol",
    "circuit_dataset",
    "circuit_stats",
    "collision_angle",
    "collision_kraus",
    "collision_step",
    "derivative_with_error",
    "expectation_from_counts",
    "fake_backend",
    "fake_backend_names",
    "get_layout",
    "gradient_weights",
    "initial_density",
    "memristor_estimates",
    "outcome_probabilities",
    "paper_expectations",
    "propagate",
    "protocol_circuit",
    "protocol_circuits",
    "readout_circuit",
    "run_protocol",
    "simulate_circuit",
    "state_preparation",
    "steps_circuit",
    "to_qasm3",
]
