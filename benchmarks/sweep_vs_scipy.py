"""Speed of the batched neuron sweep against per-point SciPy, and the full Fig. 6a map.

Prints:

1. start-up: the kernel's first-call compilation with an empty numba cache, and a fresh
   process's start-up with the cache warm (each in a new interpreter);
2. per-point cost, one process, one thread, on the same random points of the Fig. 6a grid
   (V_in = 2, R_m = 6, α = 1; Γ ∈ [0.01, 1], Z_T ∈ [0, 1]; both start at
   ``neuron.dynamics.initial_state``): SciPy = initial state + ``solve_ivp`` (DOP853, rtol
   1e-8, atol 1e-10) to t_end = 1500; sweep = its ``evaluate`` (initial state with cold caches
   + integration + regime + frequency) under the paper protocol (t_end = 1500, second half:
   the like-for-like ratio and the largest span difference) and under the default stationary
   protocol (each point until settled: its cost and how long the points ran);
3. a 30 × 30 map on threads vs worker processes (the executor choice), and the full 100 × 100
   Fig. 6a map on all cores (the default executor: threads, as the kernel releases the GIL)
   under both protocols: wall time and the resulting per-point cost against SciPy's.

Run from the repository root (takes ~15 min; ``--quick``: 4 points, no full map, ~1 min)::

    PYTHONPATH=src:. python benchmarks/sweep_vs_scipy.py [--points 16] [--skip-full] [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from tests.oracles.neuron_scipy import scipy_solve, window_stats

from qmemristor.neuron import NeuronParams
from qmemristor.sweeps.batch import BatchOptions
from qmemristor.sweeps.neuron import evaluate_neuron
from qmemristor.sweeps.runner import LocalExecutor, make_sweep, run_sweep

T_END = 1500.0
FIXED = {"v_in": 2.0, "r_m": 6.0, "alpha": 1.0}
STARTUP = (
    "import time; t0 = time.perf_counter(); "
    "from qmemristor.sweeps.batch import warm_up; t1 = time.perf_counter(); warm_up(); "
    "t2 = time.perf_counter(); print(f'{t1 - t0:.3f} {t2 - t1:.3f}')"
)


def startup_times() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        rows = []
        for label in ("empty cache (compiles)", "warm cache"):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", STARTUP], env=env, capture_output=True,
                                 text=True, check=True).stdout.split()  # fmt: skip
            total = time.perf_counter() - t0
            rows.append((label, float(out[0]), float(out[1]), total))
    print("start-up (fresh interpreter; NUMBA_CACHE_DIR = a new temporary folder):")
    for label, imp, first, total in rows:
        print(
            f"  {label:24s} import {imp:5.2f} s, first kernel call {first:6.2f} s, "
            f"whole process {total:6.2f} s"
        )


def per_point(n_points: int) -> float:
    """Per-point costs on the same random points of the grid; returns SciPy's mean (s)."""
    from qmemristor.neuron.dynamics import initial_state
    from qmemristor.sweeps import neuron as sweep_neuron

    rng = np.random.default_rng(6)
    gamma = np.linspace(0.01, 1.0, 100)[rng.integers(0, 100, n_points)]
    z_t = np.linspace(0.0, 1.0, 100)[rng.integers(0, 100, n_points)]
    opts = BatchOptions(protocol="paper", t_end=T_END)
    base = NeuronParams(**FIXED)
    params = {k: np.full(n_points, v) for k, v in base.as_attrs().items()}
    params["gamma"], params["z_t"] = gamma, z_t
    evaluate_neuron({k: v[:1] for k, v in params.items()}, {"t_end": 10.0})  # compile / load

    def cold() -> None:  # cold caches: every point pays its own fold scan
        sweep_neuron._folds.cache_clear()
        sweep_neuron._equilibrium_voltages.cache_clear()
        sweep_neuron._equilibrium_start.cache_clear()

    cold()
    t0 = time.perf_counter()
    y0 = sweep_neuron.initial_states(params)
    t_init = (time.perf_counter() - t0) / n_points
    cold()
    t0 = time.perf_counter()
    ours = evaluate_neuron(params, {"protocol": "paper", "t_end": T_END})
    t_ours = (time.perf_counter() - t0) / n_points
    cold()
    t0 = time.perf_counter()
    stat = evaluate_neuron(params, {})
    t_stat = (time.perf_counter() - t0) / n_points
    t_scipy, spans, d_span = [], [], []
    for i in range(n_points):
        p = base.replace(gamma=float(gamma[i]), z_t=float(z_t[i]))
        t0 = time.perf_counter()
        start = initial_state(p)  # the same convention (neuron.dynamics)
        sol = scipy_solve(p, T_END, y0=start)
        t_scipy.append(time.perf_counter() - t0)
        np.testing.assert_array_max_ulp(start, y0[i], maxulp=4)  # two code paths: ulps
        ref = window_stats(sol, T_END, opts.window_start)
        spans.append(ref["span"])
        d_span.append(abs(ours["span"][i] - ref["span"]))
    t_ref = float(np.mean(t_scipy))
    osc = int((ours["regime"] == 1).sum())
    print(
        f"per point, one thread, the same {n_points} random points of the Fig. 6a grid "
        f"({osc} oscillating), t_end = {T_END:g}, start: perturbed equilibrium:"
    )
    rows = [
        ("SciPy: initial_state + solve_ivp DOP853 rtol 1e-8 atol 1e-10", t_ref),
        ("sweep, paper protocol: evaluate (start + integration + regime)", t_ours),
        ("       of which the start (fold scan, cold cache)", t_init),
        ("sweep, stationary protocol (default): evaluate", t_stat),
    ]
    for label, t in rows:
        print(f"  {label:62s} {1e3 * t:9.2f} ms")
    print(f"  ratio paper protocol (cold start per point)          {t_ref / t_ours:6.0f} ×")
    cached = t_ref / (t_ours - t_init)
    print(f"  ratio paper protocol (start cached, as within a map) {cached:6.0f} ×")
    print(f"  stationary / paper protocol cost per point           {t_stat / t_ours:6.2f} ×")
    te = stat["t_reached"]
    print(
        f"  stationary runs: t_reached median {np.median(te):.0f}, max {te.max():.0f}; "
        f"{int((stat['status'] == 5).sum())} not settled"
    )
    print(
        f"  paper protocol: max |span − span_SciPy| = {max(d_span):.1e}  (spans up to "
        f"{max(spans):.3f}; required ≤ 1e-3)"
    )
    return t_ref


def executors(workers: int) -> None:
    sweep = make_sweep("neuron", ["gamma=0.01:1:30", "z_t=0:1:30"], fixed=FIXED,
                       options={"protocol": "paper", "t_end": T_END}, chunk_points=30)  # fmt: skip
    print(f"executor choice, 30 × 30 Fig. 6a map (30 chunks, paper protocol), {workers} workers:")
    for kind, note in (("threads", "nogil kernel"), ("processes", f"incl. {workers} start-ups")):
        t0 = time.perf_counter()
        run_sweep(sweep, executor=LocalExecutor(workers, kind=kind))
        print(f"  {kind:10s} ({note:22s}) {time.perf_counter() - t0:6.1f} s")


def full_map(workers: int, t_scipy: float) -> None:
    walls = {}
    for protocol, opts in (("paper", {"protocol": "paper", "t_end": T_END}), ("stationary", {})):
        sweep = make_sweep("neuron", ["gamma=0.01:1:100", "z_t=0:1:100"], fixed=FIXED,
                           options=opts)  # fmt: skip
        t0 = time.perf_counter()
        ds = run_sweep(sweep, executor=LocalExecutor(workers))
        wall = walls[protocol] = time.perf_counter() - t0
        per_point = wall * workers / sweep.n_points
        print(
            f"full Fig. 6a map 100 × 100, {protocol} protocol, default executor ({workers} "
            f"threads): wall {wall:.1f} s ({wall / 60:.2f} min), "
            f"{int(np.isin(ds.status, (1, 2, 3, 4)).sum())} failed, "
            f"{int((ds.status == 5).sum())} not settled, {int((ds.regime == 1).sum())} oscillating"
        )
        print(
            f"  {1e3 * per_point:.1f} core-ms per point (everything included) → "
            f"{t_scipy / per_point:.0f} × cheaper than SciPy's {1e3 * t_scipy:.0f} ms per point"
        )
    print(f"  stationary / paper wall time: {walls['stationary'] / walls['paper']:.2f} ×")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=16, help="sample points for the ratio")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-full", action="store_true", help="skip the 100 × 100 maps")
    ap.add_argument("--quick", action="store_true", help="4 points, no executor test or maps")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; numba threads off (one kernel per chunk/thread)")
    startup_times()
    t_scipy = per_point(4 if args.quick else args.points)
    if args.quick:
        return
    executors(args.workers)
    if not args.skip_full:
        full_map(args.workers, t_scipy)


if __name__ == "__main__":
    main()
