"""Speed of limit-cycle continuation: the whole Fig. 4 cycle family of the neuron.

R_m = 5, Γ = 0.1, α = 1, Z_T = 1, V_in from the first Hopf point (0.2254) to the second
(3.3086): ``neuron.orbits.cycle_families`` with its defaults (40 intervals of degree 4, ≥ 200
cycles, Floquet multipliers at each).  Named baselines:

* **AUTO-07p**: ≈ 6 s single-threaded for this kind of family on this kind of machine (issue
  15; target: under 3 s) — an external number, not run here;
* **long integrations** (what the package did before: one SciPy DOP853 run per V_in past the
  transient, rtol 1e-8): a few are timed in this process and scaled to the family's number of
  cycles (per-cycle cost × cycles).

Reports the minimum over repeats of wall and CPU time (the machine is shared: CPU time is the
less noisy of the two), the Hopf-point search and the continuation separately, and the whole
``qmemristor neuron orbits --json`` process (start-up included) in a subprocess.  Run::

    PYTHONPATH=src python benchmarks/orbits.py [--quick]
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


if __name__ == "__main__":
    main()
