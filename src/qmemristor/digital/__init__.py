"""Digital (gate-based) simulation on Qiskit circuits; the only subpackage that imports qiskit."""
