"""Accuracy of the sweep's spans against long SciPy runs, stationary and paper protocols.

For each point (regimes across the Paper N maps, slow points with αΓ down to 1e-3 among them)
the sweep's batched kernel runs the stationary protocol (default options, rtol 3e-5) and
reports a settled span on its last window [t_w, t_w + W].  The reference is LSODA
(``scipy.integrate.odeint``, rtol 1e-10, on the plain-Python ``rhs``;
``tests/oracles/neuron_scipy.lsoda_windows``) from the same initial state, window by window
with the same W, run 3 windows (and at least 25 %) beyond the sweep's end:

- ``same window``: |span − span_ref| on the sweep's last window (integration error only);
- ``stationary``: |span − span_ref| against the reference's last window (integration error and
  what the settledness rule left of the transient); ``ref drift`` is the change of the
  reference's span over its last two windows (how stationary the reference itself is);
- ``paper``: the same for the paper protocol (t_end = 1500, second half) against the reference
  on that window: where the transient outlives t_end, the fixed protocol is both far from the
  stationary value and ill-conditioned (the spans of two accurate integrators differ).

Prints one row per point and the worst cases.  Run from the repository root (~10 min; --quick
~2 min)::

    PYTHONPATH=src:. python benchmarks/stationary_accuracy.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from tests.oracles.neuron_scipy import lsoda_windows

from qmemristor.neuron import NeuronParams, device_tables
from qmemristor.neuron.stationary import relaxation_time
from qmemristor.sweeps.batch import BatchOptions, integrate_batch
from qmemristor.sweeps.neuron import equilibrium_start, start_spectra

BASE = {"v_in": 2.0, "r_m": 6.0}
#: (label, parameters): V_in = 2, R_m = 6, α = 1, Z_T = 1 unless given.  Γ_H ≈ 0.6544 is the
#: Hopf point in Γ there; V_in,H ≈ 0.2254 the one in V_in at R_m = 5, Γ = 0.1.
POINTS = [
    ("steady Γ=1", {"gamma": 1.0}),
    ("steady Z_T=0", {"gamma": 0.3, "z_t": 0.0}),
    ("cycle Γ=0.1", {"gamma": 0.1}),
    ("cycle α=2", {"gamma": 0.3, "alpha": 2.0}),
    ("near Hopf Γ=0.62", {"gamma": 0.62}),
    ("near Hopf Γ=0.6494", {"gamma": 0.6494}),
    ("near Hopf Γ=0.6509", {"gamma": 0.6509}),
    ("near Hopf Γ=0.653", {"gamma": 0.653}),
    ("near Hopf Γ=0.654", {"gamma": 0.654}),
    ("Hopf Γ=0.645 Z_T=1", {"gamma": 0.645}),
    ("Hopf Z_T=0.6 Γ=0.36", {"gamma": 0.36, "z_t": 0.6}),
    ("steady Γ=0.69", {"gamma": 0.69}),
    ("coexistence V_in=2.9", {"v_in": 2.9, "r_m": 5.0, "gamma": 0.1}),
    ("Fig. 3 V_in=0.23", {"v_in": 0.23, "r_m": 5.0, "gamma": 0.1}),
    ("Hopf V_in=0.25", {"v_in": 0.25, "r_m": 5.0, "gamma": 0.1}),
    ("Hopf V_in=0.228", {"v_in": 0.228, "r_m": 5.0, "gamma": 0.1}),
    ("Fig. 4 V_in=1.75", {"v_in": 1.75, "r_m": 5.0, "gamma": 0.1}),
    ("α=0 Γ=0.2", {"gamma": 0.2, "alpha": 0.0}),
    ("Γ=0.5 α=1.5 Z_T=0.8", {"gamma": 0.5, "alpha": 1.5, "z_t": 0.8}),
    ("slow Γ=0.01 Z_T=0.2", {"gamma": 0.01, "z_t": 0.2}),
    ("slow Γ=0.01 α=1", {"gamma": 0.01}),
    ("slow Γ=0.02 Z_T=0.5", {"gamma": 0.02, "z_t": 0.5}),
    ("slow Γ=0.01 α=0.4", {"gamma": 0.01, "alpha": 0.4}),
    ("slow Γ=0.03 α=0.1", {"gamma": 0.03, "alpha": 0.1}),
    ("slow Γ=0.01 α=0.1", {"gamma": 0.01, "alpha": 0.1}),
]
QUICK = {"steady Γ=1", "cycle Γ=0.1", "near Hopf Γ=0.6509", "slow Γ=0.01 Z_T=0.2",
         "slow Γ=0.01 α=0.4"}  # fmt: skip


def ours(p: NeuronParams, protocol: str):
    tables = device_tables()
    y0 = equilibrium_start(p)[None]
    params = {k: np.array([v]) for k, v in p.as_attrs().items()}
    ev, _ = start_spectra(params, y0, tables)
    opts = BatchOptions(protocol=protocol)
    res = integrate_batch(p.pvec[None], y0, tables, opts, spectra=ev)
    return res, y0[0], float(relaxation_time(p.gamma, p.alpha, ev)[0])


def row(label: str, kw: dict) -> dict:
    p = NeuronParams(**{**BASE, **kw})
    t0 = time.perf_counter()
    res, y0, tau = ours(p, "stationary")
    t_ours = time.perf_counter() - t0
    w = float(res.t_reached[0] - res.window_start[0])
    k_last = round(res.t_reached[0] / w)  # windows of ours: [kW, (k+1)W], k < k_last
    n_ref = max(k_last + 3, math.ceil(1.25 * k_last))
    t0 = time.perf_counter()
    ref = lsoda_windows(p, y0, w, n_ref)
    t_ref = time.perf_counter() - t0
    span_ref = ref["v_max"] - ref["v_min"]
    paper, _, _ = ours(p, "paper")
    ref_paper = lsoda_windows(p, y0, 750.0, 2)
    return {
        "label": label,
        "status": int(res.status[0]),
        "tau": tau,
        "t": float(res.t_reached[0]),
        "span": float(res.span[0]),
        "same": abs(float(res.span[0]) - span_ref[k_last - 1]),
        "stat": abs(float(res.span[0]) - span_ref[-1]),
        "drift": abs(span_ref[-1] - span_ref[-2]),
        "span_ref": float(span_ref[-1]),
        "paper": float(paper.span[0]),
        "paper_err": abs(float(paper.span[0]) - (ref_paper["v_max"] - ref_paper["v_min"])[1]),
        "paper_vs_stat": abs(float(paper.span[0]) - span_ref[-1]),
        "t_ours": t_ours,
        "t_ref": t_ref,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="five points only")
    args = ap.parse_args()
    pts = [(lab, kw) for lab, kw in POINTS if not args.quick or lab in QUICK]
    print("stationary protocol (default options, rtol 3e-5) vs LSODA rtol 1e-10, V_in = 2, "
          "R_m = 6 unless given")  # fmt: skip
    head = (
        f"{'point':22s} {'st':>2s} {'tau':>7s} {'t_end':>6s} {'span':>9s} {'same win':>9s} "
        f"{'station.':>9s} {'ref drift':>9s} | {'paper':>8s} {'err':>8s} {'vs stat':>8s}"
    )
    print(head)
    rows = []
    for lab, kw in pts:
        r = row(lab, kw)
        rows.append(r)
        print(
            f"{lab:22s} {r['status']:2d} {r['tau']:7.1f} {r['t']:6.0f} {r['span']:9.6f} "
            f"{r['same']:9.1e} {r['stat']:9.1e} {r['drift']:9.1e} | {r['paper']:8.5f} "
            f"{r['paper_err']:8.1e} {r['paper_vs_stat']:8.1e}",
            flush=True,
        )
    settled = [r for r in rows if r["status"] == 0]
    worst = max(settled, key=lambda r: r["stat"])
    worst_same = max(settled, key=lambda r: r["same"])
    worst_paper = max(rows, key=lambda r: r["paper_err"])
    print(f"worst stationary span error (settled points): {worst['stat']:.1e} at {worst['label']}")
    print(f"worst same-window span error: {worst_same['same']:.1e} at {worst_same['label']}")
    print(f"paper protocol, worst |span − span_LSODA| on its own window: "
          f"{worst_paper['paper_err']:.1e} at {worst_paper['label']}")  # fmt: skip
    far = max(rows, key=lambda r: r["paper_vs_stat"])
    print(
        f"paper protocol vs the stationary span: up to {far['paper_vs_stat']:.1e} "
        f"({far['label']}: {far['paper']:.4f} vs {far['span_ref']:.4f})"
    )


if __name__ == "__main__":
    main()
