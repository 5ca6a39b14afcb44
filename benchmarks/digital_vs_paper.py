"""Speed of the digital memristor: the paper's protocol against this project's paths.

Baseline (Paper M, §M2): the paper layout (one fresh ancilla per step, so i + 1 qubits at t_i),
one circuit per time point and observable (σx and σy), 5000 shots, run on qiskit-aer with its
default (automatic → statevector) method, all circuits in one ``run`` call.

Ours, on the same time points t_0 … t_n (γ0 = 0.4, a = π/4, b = π/5, 30 points per period):

* ``sampled``: exact outcome probabilities of every circuit, propagated once through all steps,
  then seeded binomial shots (the same statistics);
* ``density``: the exact probabilities alone;
* ``aer`` with the reset layout (2 qubits, density-matrix method): the real circuits.

Prints per-point costs and ratios, the linear scaling of ``sampled`` at 600, 6 000 and 60 000
points, the time of a whole CLI call, and where the paper layout's statevector
(16·2^(n+1) bytes) stops fitting in memory.  Run from the repository root:

    PYTHONPATH=src python benchmarks/digital_vs_paper.py [--steps 24] [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from qmemristor.digital import build_protocol, protocol_circuits, run_protocol
from qmemristor.memristor import InitialState, MemristorParams
from qmemristor.options import Execution

PARAMS = MemristorParams(gamma0=0.4)
STATE = InitialState.from_angles(math.pi / 4, math.pi / 5)
SHOTS = 5000
DT = 2 * math.pi / 30  # 30 points per period


def grid(steps: int) -> np.ndarray:
    return np.arange(steps + 1) * DT


def paper_protocol(t: np.ndarray, seed: int) -> float:
    """The baseline: build the paper-layout circuits and run them on AerSimulator()."""
    from qiskit_aer import AerSimulator

    t0 = time.perf_counter()
    circuits = protocol_circuits(build_protocol(PARAMS, STATE, t), "paper", ("x", "y"))
    result = AerSimulator().run(circuits, shots=SHOTS, seed_simulator=seed).result()
    assert result.success
    return time.perf_counter() - t0


def timed(fn, repeat: int) -> float:
    """Best of ``repeat`` wall times (the least disturbed by other processes)."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:10.3f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=24, help="collisions of the last point (24)")
    ap.add_argument("--repeat", type=int, default=5, help="repeats of the fast paths (5)")
    ap.add_argument("--skip-cli", action="store_true", help="do not time the CLI call")
    args = ap.parse_args()
    t = grid(args.steps)
    n_pts = t.size
    print(
        f"machine: {os.cpu_count()} cores; time points t_0..t_{args.steps} ({n_pts} points), "
        f"σx and σy, {SHOTS} shots, largest circuit {args.steps + 1} qubits (paper layout)"
    )

    # cold first call of ours (includes building the collision operator from Qiskit once)
    cold = timed(lambda: run_protocol(PARAMS, STATE, t, Execution(backend="sampled", seed=1)), 1)
    base = paper_protocol(t, seed=1)
    sampled = timed(
        lambda: run_protocol(PARAMS, STATE, t, Execution(backend="sampled", seed=1)), args.repeat
    )
    density = timed(
        lambda: run_protocol(PARAMS, STATE, t, Execution(backend="density")), args.repeat
    )
    reset_aer = timed(
        lambda: run_protocol(PARAMS, STATE, t, Execution(backend="aer", layout="reset", seed=1)),
        max(1, args.repeat // 2),
    )
    print()
    print(f"{'path':46s} {'total':>13s} {'per point':>13s} {'ratio':>10s}")
    rows = [
        ("paper protocol: paper layout on Aer (baseline)", base),
        ("ours: sampled, first call (cold)", cold),
        ("ours: sampled", sampled),
        ("ours: density (exact, no shots)", density),
        ("ours: reset layout on Aer (density_matrix)", reset_aer),
    ]
    for name, sec in rows:
        print(f"{name:46s} {fmt(sec)} {fmt(sec / n_pts)} {base / sec:9.0f}×")

    print("\nsampled: linear cost in the number of time points (2 observables, 5000 shots)")
    per = []
    for n in (600, 6_000, 60_000):
        tt = grid(n - 1)  # n points
        sec = timed(
            lambda tt=tt: run_protocol(PARAMS, STATE, tt, Execution(backend="sampled", seed=2)), 3
        )
        per.append(sec / n)
        print(f"  {n:6d} points: {fmt(sec)}  ({sec / n * 1e6:7.2f} µs per point)")
    print(f"  per-point cost 60 000 vs 600 points: {per[-1] / per[0]:.2f}× (1 = linear)")

    if not args.skip_cli:
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": str(root / "src")}
        cmd = [
            sys.executable,
            "-m",
            "qmemristor",
            "memristor",
            "simulate",
            "--method",
            "circuit",
            "--backend",
            "sampled",
            "--periods",
            "20",
            "--points-per-period",
            "30",
            "--gamma0",
            "0.4",
            "--seed",
            "1",
            "--json",
        ]

        def cli() -> None:
            subprocess.run(cmd, env=env, check=True, capture_output=True)

        sec = timed(cli, 3)
        exact_cmd = [c for c in cmd if c not in ("--backend", "sampled")]
        exact_cmd[exact_cmd.index("circuit")] = "exact"
        sec_exact = timed(
            lambda: subprocess.run(exact_cmd, env=env, check=True, capture_output=True), 3
        )
        print(
            f"\nCLI `memristor simulate --method circuit --backend sampled --periods 20` "
            f"(601 points × 2 × 5000 shots): {sec:.2f} s whole call "
            f"(`--method exact`, same imports: {sec_exact:.2f} s)"
        )

    print("\npaper layout: Aer statevector of n + 1 qubits = 16·2^(n+1) bytes")
    try:
        have = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        have = None
    for n in (24, 28, 29, 30, 31, 34):
        b = 16 * 2 ** (n + 1)
        fits = "fits" if b <= 24 * 2**30 else "does NOT fit"
        print(f"  n = {n:2d} collisions ({n + 1} qubits): {b / 2**30:9.3f} GiB  {fits} in 24 GiB")
    last = max(n for n in range(64) if 16 * 2 ** (n + 1) <= 24 * 2**30)
    print(
        f"  last time point that fits in 24 GiB: t_{last} ({last + 1} qubits, "
        f"{16 * 2 ** (last + 1) / 2**30:.0f} GiB); at 30 points per period that is "
        f"{last / 30:.2f} periods"
    )
    if have:
        last_here = max(n for n in range(64) if 16 * 2 ** (n + 1) <= have)
        print(f"  this machine ({have / 2**30:.1f} GiB): last fit t_{last_here}")


if __name__ == "__main__":
    main()
