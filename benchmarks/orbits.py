"""Speed of limit-cycle continuation: the whole Fig. 4 cycle family of the neuron.

R_m = 5, Γ = 0.1, α = 1, Z_T = 1, V_in from the first Hopf point (0.2254) to the second
(3.3086): ``neuron.orbits.cycle_families`` with its defaults (40 intervals of degree 4, ≥ 200
cycles, Floquet multipliers at each).  Named baselines:

* **AUTO-07p**: ≈ 6 s single-threaded for this kind of family on this kind of machine (issue
  15; target: under 3 s) — an external number, not run here;
* **long integrations** (what the package did before: one SciPy DOP853 run per V_in past the
  transient, rtol 1e-8): a few are timed in this process and scaled to the family's number of
  cycles (per-cycle cost × cycles).

Part (2), ``--maps``: both Fig. 6 maps (span over (Γ, Z_T) at α = 1 and over (Γ, α) at Z_T = 1,
V_in = 2, R_m = 6; 2 × 100 × 100, ``--quick`` 2 × 14 × 11) by orbits (the ``neuron-orbits``
sweep: cycles continued along Γ, checked by a short integration) and by integration (the
``neuron`` sweep, stationary protocol, hard cap 30000) in this process on 2 workers, side by
side: wall time of each, status counts, and |span_orbits − span_integration| where both are
status 0 (issue 15: target ≤ 30 s on 2 cores, spans within 1e-4).

Reports the minimum over repeats of wall and CPU time (the machine is shared: CPU time is the
less noisy of the two), the Hopf-point search and the continuation separately, and the whole
``qmemristor neuron orbits --json`` process (start-up included) in a subprocess.  Run::

    PYTHONPATH=src python benchmarks/orbits.py [--quick] [--maps | --maps-only]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

from qmemristor.neuron import NeuronParams, equilibria, rhs
from qmemristor.neuron.orbits import cycle_families, span
from qmemristor.neuron.stability import hopf_points

P = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0, z_t=1.0)
WINDOW = (0.0, 5.0)
AUTO_SECONDS = 6.0
TARGET_SECONDS = 3.0


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def best(fn, repeats):
    runs = [timed(fn) for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


def integration_cost(values, t_end=600.0):
    """Seconds per V_in of a DOP853 run of ``t_end`` (the transient of the slowest cycles
    decays as exp(−0.045 t)) from the perturbed equilibrium, rtol 1e-8 / atol 1e-10."""
    from scipy.integrate import solve_ivp

    total = 0.0
    for v in values:
        p = P.replace(v_in=v)
        eq = min(equilibria(p), key=lambda e: abs(e.V))
        y0 = np.asarray(eq.state) + 1e-3 * np.array([1, 0, 0, 1]) / np.sqrt(2)
        w, _, _ = timed(
            lambda p=p, y0=y0: solve_ivp(
                rhs, (0, t_end), y0, args=(p,), method="DOP853", rtol=1e-8, atol=1e-10
            )
        )
        total += w
    return total / len(values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one repeat, two integrations")
    ap.add_argument("--maps", action="store_true", help="also part (2), the Fig. 6 maps")
    ap.add_argument("--maps-only", action="store_true", help="only part (2)")
    args = ap.parse_args()
    repeats = 1 if args.quick else 5
    cycle_families(P, WINDOW)  # warm-up: F_ij tables, imports

    hw, hc, hs = best(lambda: hopf_points(P, "v_in", WINDOW), repeats)
    fw, fc, res = best(lambda: cycle_families(P, WINDOW), repeats)
    (fam,) = res.families
    s = span(fam)
    print(
        f"Fig. 4 family: {len(fam)} cycles with multipliers, V_in {fam.mu[0]:.10g} → "
        f"{fam.mu[-1]:.10g}, ends {fam.ends}, largest span {s.max():.6f} at V_in = "
        f"{fam.mu[np.argmax(s)]:.4f}, special points: {[sp.kind for sp in fam.special_points]}"
    )
    print(f"  Hopf points alone           wall {hw:6.2f} s  cpu {hc:6.2f} s  ({len(hs)} points)")
    print(f"  whole family (Hopf + cycles) wall {fw:6.2f} s  cpu {fc:6.2f} s  (min of {repeats})")
    print(
        f"  vs AUTO-07p ≈ {AUTO_SECONDS:g} s: ×{AUTO_SECONDS / fc:.2f} (cpu), "
        f"×{AUTO_SECONDS / fw:.2f} (wall); target < {TARGET_SECONDS:g} s: "
        f"{'met' if fc < TARGET_SECONDS else 'missed'} (cpu)"
    )

    sample = np.linspace(0.5, 3.0, 2 if args.quick else 5)
    per = integration_cost(sample)
    print(
        f"  baseline: long integrations, {per:.2f} s per V_in (t = 600, DOP853) × {len(fam)} "
        f"= {per * len(fam):.0f} s → collocation ×{per * len(fam) / fw:.0f} faster (wall)"
    )

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([p for p in sys.path if p])}
    cmd = [sys.executable, "-m", "qmemristor", "neuron", "orbits", "--r-m", "5",
           "--v-in-min", "0", "--v-in-max", "5", "--json"]  # fmt: skip
    runs = []
    for _ in range(1 if args.quick else 3):
        w = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        runs.append(time.perf_counter() - w)
    w = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import qmemristor.neuron.orbits"], check=True, env=env)
    imp = time.perf_counter() - w
    print(
        f"  `qmemristor neuron orbits --json` whole process: {min(runs):.2f} s "
        f"(of which Python start-up + imports {imp:.2f} s)"
    )


def maps(quick: bool) -> None:
    """Part (2): both Fig. 6 maps by orbits and by integration, side by side."""
    from qmemristor.sweeps.runner import LocalExecutor, make_sweep, run_sweep

    n_g, n_o = (14, 11) if quick else (100, 100)
    print(f"(2) Fig. 6 maps, 2 × {n_g} × {n_o} points, 2 workers (shared machine: loaded)")
    panels = (("z_t", 1.0, {"alpha": 1.0}), ("alpha", 2.0, {"z_t": 1.0}))
    total = {"orbits": 0.0, "integrate": 0.0}
    worst = 0.0
    for other, hi, fixed in panels:
        axes = [f"gamma=0.01:1:{n_g}", f"{other}=0:{hi}:{n_o}"]
        fx = {"v_in": 2.0, "r_m": 6.0, **fixed}
        res = {}
        for method, model in (("orbits", "neuron-orbits"), ("integrate", "neuron")):
            chunk = (n_g, max(1, 200 // n_g)) if method == "orbits" else None
            sw = make_sweep(model, axes, fixed=fx, options={"protocol": "stationary"}, chunk=chunk)
            w = time.perf_counter()
            res[method] = run_sweep(sw, executor=LocalExecutor(2))
            total[method] += time.perf_counter() - w
            codes, counts = np.unique(res[method].status.values, return_counts=True)
            counts_s = ", ".join(f"{c}: {k}" for c, k in zip(codes, counts, strict=True))
            print(f"  panel {other:5s} {method:9s} {time.perf_counter() - w:7.1f} s  "
                  f"status counts {{{counts_s}}}")  # fmt: skip
        a, b = res["orbits"], res["integrate"]
        both = (a.status.values == 0) & (b.status.values == 0)
        d = np.abs(a.span.values - b.span.values)[both]
        cyc = both & (a.regime.values == 1)
        dc = np.abs(a.span.values - b.span.values)[cyc]
        worst = max(worst, float(d.max()) if d.size else 0.0)
        print(f"  panel {other:5s} |Δspan| over {both.sum()} points status 0 in both: max "
              f"{d.max():.2e}, median over {cyc.sum()} cycles {np.median(dc):.2e}")  # fmt: skip
    ratio = total["integrate"] / total["orbits"]
    print(f"  both maps: orbits {total['orbits']:.1f} s, integration {total['integrate']:.1f} s "
          f"(integration/orbits = {ratio:.2f}); target ≤ 30 s; max |Δspan| {worst:.2e} "
          "(target 1e-4)")  # fmt: skip


if __name__ == "__main__":
    if "--maps-only" in sys.argv:
        maps("--quick" in sys.argv)
    else:
        main()
        if "--maps" in sys.argv:
            maps("--quick" in sys.argv)
