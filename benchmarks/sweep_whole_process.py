"""Whole-process cost of ``qmemristor neuron sweep`` on a 21 × 21 grid against per-point SciPy.

What a user waits for: one ``python -m qmemristor neuron sweep`` process from start to exit
(interpreter start-up, imports, loading the compiled kernels from numba's cache, equilibria,
integration, regimes, the zarr store), for Paper N's Fig. 6a plane (V_in = 2, R_m = 6;
Γ ∈ [0.01, 1] × Z_T ∈ [0, 1], 21 × 21 points) under the paper protocol (t_end = 1500, second
half kept) and the default stationary protocol.

Baseline (named): per-point SciPy in one process — for each point the same initial state
(``neuron.dynamics.initial_state``) and one ``solve_ivp`` (DOP853) on ``qmemristor.neuron.rhs``
from 0 to 1500 sampled every 0.05 over the second half, at two accuracies: the simulate default
(rtol 1e-8, atol 1e-10) and the sweep's own (rtol 3e-5, atol 1e-9).  ``--baseline-src`` takes
that ``rhs`` from another checkout: the issue's baseline is the plain-Python field of the
package before the model was compiled once (e.g. ``git archive main`` with its ``rhs``: a
Python function of one state, ~15 µs a call); without it the baseline is this checkout's
``rhs`` (the compiled field called from Python), and with it both are printed side by side.
SciPy runs on ``--scipy-points`` points drawn from the grid (seeded); its whole-grid cost is
its process start-up plus 441 × the mean per-point cost.

Reported: CPU time (user + system of the child processes; the machine is shared, so wall
time is printed too but CPU is the number to compare) as the minimum over ``--repeats`` runs,
and the load average.  The numba cache is warm (one untimed run first), as for any second use.

Run from the repository root (``--src`` measures another checkout, e.g. a baseline commit
exported with ``git archive``)::

    python benchmarks/sweep_whole_process.py [--repeats 3] [--scipy-points 8] [--quick] \
        [--baseline-src /tmp/base/src]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GRID = ["--x", "gamma=0.01:1:21", "--y", "z_t=0:1:21", "--v-in", "2", "--r-m", "6"]
N_POINTS = 21 * 21
SCIPY = r"""
import json, sys, time, resource
t0 = time.process_time()
import numpy as np
from qmemristor.neuron import NeuronParams
from qmemristor.neuron import rhs
from qmemristor.neuron.dynamics import initial_state
from scipy.integrate import solve_ivp
n, rtol, atol = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
rng = np.random.default_rng(21)
gam = np.linspace(0.01, 1.0, 21)[rng.integers(0, 21, n)]
zt = np.linspace(0.0, 1.0, 21)[rng.integers(0, 21, n)]
t = np.concatenate([[0.0], 750.0 + 0.05 * np.arange(15001)])
base = NeuronParams(v_in=2.0, r_m=6.0)
def solve(p, rtol, atol, t):
    sol = solve_ivp(rhs, (0.0, t[-1]), initial_state(p), method="DOP853", t_eval=t, rtol=rtol,
                    atol=atol, args=(p,))
    assert sol.success, sol.message
solve(base, rtol, atol, t[:3])  # compile/load
t1 = time.process_time()
cost = []
for g, z in zip(gam, zt):
    s = time.process_time()
    p = base.replace(gamma=float(g), z_t=float(z))
    solve(p, rtol, atol, t)
    cost.append(time.process_time() - s)
print(json.dumps({"startup": t1 - t0, "per_point": float(np.mean(cost))}))
"""


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(CPU s, wall s, stdout) of one child process."""
    c0, w0 = _child_cpu(), time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return _child_cpu() - c0, time.perf_counter() - w0, out


def sweep_cost(env: dict[str, str], protocol: str, repeats: int) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for k in range(repeats + 1):  # the first run warms numba's cache and is not counted
        tmp = tempfile.mkdtemp()
        try:
            cmd = [sys.executable, "-m", "qmemristor", "neuron", "sweep", *GRID,
                   "--protocol", protocol, "--out", str(Path(tmp) / "map.zarr")]  # fmt: skip
            if protocol == "paper":
                cmd += ["--t-end", "1500"]
            cpu, wall, _ = run(cmd, env)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if k:
            best = (min(best[0], cpu), min(best[1], wall))
    return best


def startup_cost(env: dict[str, str], repeats: int) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for _ in range(repeats):
        cpu, wall, _ = run([sys.executable, "-m", "qmemristor", "--help"], env)
        best = (min(best[0], cpu), min(best[1], wall))
    return best


def scipy_cost(env: dict[str, str], n: int, rtol: float, atol: float) -> tuple[float, float]:
    """(start-up CPU s, mean CPU s per point) of the per-point SciPy baseline."""
    _, _, out = run([sys.executable, "-c", SCIPY, str(n), repr(rtol), repr(atol)], env)
    rec = json.loads(out.strip().splitlines()[-1])
    return rec["startup"], rec["per_point"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default="src", help="the package's src folder (default: src)")
    ap.add_argument("--baseline-src", help="src folder whose neuron.rhs is the SciPy baseline")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scipy-points", type=int, default=8)
    ap.add_argument("--quick", action="store_true", help="1 repeat, 2 SciPy points, paper only")
    args = ap.parse_args()
    if args.quick:
        args.repeats, args.scipy_points = 1, 2
    env = {**os.environ, "PYTHONPATH": str(Path(args.src).resolve())}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    h_cpu, h_wall = startup_cost(env, args.repeats)
    print(f"`qmemristor --help` whole process: CPU {h_cpu:.2f} s, wall {h_wall:.2f} s")
    sources = {"this checkout's rhs (compiled field)": env}
    if args.baseline_src:
        base_env = {**os.environ, "PYTHONPATH": str(Path(args.baseline_src).resolve())}
        sources = {f"baseline rhs from {args.baseline_src}": base_env, **sources}
    scipy: dict[str, dict[float, float]] = {}
    for label, src_env in sources.items():
        scipy[label] = {}
        for rtol, atol in ((1e-8, 1e-10), (3e-5, 1e-9)):
            s0, per = scipy_cost(src_env, args.scipy_points, rtol, atol)
            scipy[label][rtol] = s0 + N_POINTS * per
            print(
                f"SciPy DOP853 on {label}, rtol {rtol:g} atol {atol:g}: start-up {s0:.2f} s, "
                f"{per:.3f} s per point (mean of {args.scipy_points}) -> {N_POINTS} points "
                f"{scipy[label][rtol]:.0f} s CPU"
            )
    for protocol in ("paper",) if args.quick else ("paper", "stationary"):
        cpu, wall = sweep_cost(env, protocol, args.repeats)
        print(
            f"neuron sweep 21×21, {protocol} protocol: whole process CPU {cpu:.2f} s "
            f"(wall {wall:.2f} s; min of {args.repeats})"
        )
        for label, cost in scipy.items():
            print(
                f"    ratio vs SciPy on {label}: rtol 1e-8 {cost[1e-8] / cpu:.0f}×, "
                f"at the sweep's rtol 3e-5 {cost[3e-5] / cpu:.0f}×"
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
