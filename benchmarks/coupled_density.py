"""Speed of the exact coupled-memristor path against Qiskit doing the same propagation.

Baseline: ``qiskit.quantum_info.DensityMatrix`` carries the two memristors' state through the
protocol step by step — at each step the 4-qubit step circuit (both collisions with fresh
ancillas in |0⟩, then the interaction gate) is evolved on ``ρ ⊗ |00⟩⟨00|`` and the ancillas
are traced out.  This is already linear in the number of steps (the paper's own route, one
circuit per time point, is quadratic).

Ours: :func:`qmemristor.digital.propagate_coupled` — one 16×16 superoperator per step built
vectorised from the same circuits' operators, applied in turn.

Both give the same states (checked here to 1e-12).  Paper set-up: σy⊗σy, δ = 0.02,
γ0 = 0.02 for both, (|e⟩+|g⟩)/√2, 30 steps per period.  Run from the repository root:

    PYTHONPATH=src python benchmarks/coupled_density.py [--periods 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from qiskit.quantum_info import DensityMatrix, partial_trace

from qmemristor.digital import build_coupled_protocol, coupled_step_circuit, propagate_coupled
from qmemristor.memristor import (
    CoupledMemristors,
    Coupling,
    InitialState,
    MemristorParams,
    time_grid,
)

PLUS = InitialState.from_angles(math.pi / 4, 0.0)


def baseline(proto) -> np.ndarray:
    """Step-by-step DensityMatrix evolution of the step circuits (ancillas traced out)."""
    from qmemristor.digital import initial_density

    rho = np.kron(initial_density(proto.state2), initial_density(proto.state1))
    anc = np.zeros((4, 4), dtype=complex)
    anc[0, 0] = 1.0
    out = [rho]
    for k in range(proto.steps):
        qc = coupled_step_circuit(proto, k)
        full = DensityMatrix(np.kron(anc, rho)).evolve(qc)  # qubits: sys0, sys1, anc1, anc2
        rho = partial_trace(full, [2, 3]).data
        out.append(rho)
    return np.array(out)


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, res = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        best = min(best, time.perf_counter() - t0)
    return best, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--periods", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    system = CoupledMemristors(
        MemristorParams(gamma0=0.02), MemristorParams(gamma0=0.02), Coupling("yy", 0.02)
    )
    proto = build_coupled_protocol(system, PLUS, PLUS, time_grid(args.periods, 30))
    t_ours, ours = best_of(lambda: propagate_coupled(proto), args.repeat)
    t_base, base = best_of(lambda: baseline(proto), 1)
    err = float(np.max(np.abs(ours - base)))
    print(f"{proto.steps} steps (σy⊗σy, δ = 0.02, γ0 = 0.02, 30 steps per period)")
    print(f"  Qiskit DensityMatrix, step by step : {t_base:8.3f} s")
    print(f"  propagate_coupled (superoperators) : {t_ours:8.4f} s")
    print(f"  ratio                              : {t_base / t_ours:8.0f}×   max |Δρ| = {err:.1e}")


if __name__ == "__main__":
    main()
