"""Which points of Paper N's Fig. 6 change between the paper's protocol and the stationary one.

Both heat maps of ``neuron-fig6`` (V_in = 2, R_m = 6; (a) Γ × Z_T at α = 1, (b) Γ × α at
Z_T = 1; 100 × 100 each, ``--quick``: the figure's 14 × 11) are computed twice with the same
sweep code, start and tolerances:

- ``paper``: t_end = 1500, span over the second half (what the figure showed before);
- ``stationary``: each point until the extremes of V agree over three windows (the figure's
  protocol now; hard cap 30000; :mod:`qmemristor.neuron.stationary`).

Prints, per panel: the wall time of each protocol, how many points changed (|Δspan| above
1e-3 — visible on the colour scale — and above 1e-2, regime flips), the status counts of the
stationary run, and the largest changes with their τ, the time the point ran and its status.
``--cache DIR`` keeps both datasets as netCDF (reused when present); ``--csv FILE`` writes
every point whose span changed by more than 1e-3.

Run from the repository root (~15 min for the full maps on 2 cores; ``--quick`` ~1 min)::

    PYTHONPATH=src:. python benchmarks/fig6_stationary_changes.py [--quick] [--cache DIR]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import xarray as xr

from qmemristor.figures.neuron_fig6 import FULL, GAMMA, QUICK, R_M, V_IN
from qmemristor.sweeps.batch import FAILED, NOT_SETTLED
from qmemristor.sweeps.runner import make_sweep, run_sweep

PANELS = {"a": ("z_t", 1.0, {"alpha": 1.0}), "b": ("alpha", 2.0, {"z_t": 1.0})}
PROTOCOLS = {"paper": {"protocol": "paper", "t_end": 1500.0}, "stationary": {"t_end": 30000.0}}
VISIBLE = 1e-3  # a span change that shows on the colour scale (spans reach ~0.15)


def compute(tag: str, protocol: str, quick: bool, cache: Path | None) -> tuple[xr.Dataset, float]:
    other, hi, fixed = PANELS[tag]
    n_g, n_o = (QUICK["n_gamma"], QUICK["n_other"]) if quick else (FULL["n"], FULL["n"])
    path = None if cache is None else cache / f"fig6{tag}_{protocol}{'_quick' if quick else ''}.nc"
    if path is not None and path.exists():
        ds = xr.load_dataset(path)
        return ds, float(ds.attrs.get("wall_s", np.nan))
    opts = dict(PROTOCOLS[protocol])
    if quick and protocol == "stationary":
        opts["t_end"] = QUICK["t_end"]
    sweep = make_sweep(
        "neuron",
        [f"gamma={GAMMA[0]}:{GAMMA[1]}:{n_g}", f"{other}=0:{hi}:{n_o}"],
        fixed={"v_in": V_IN, "r_m": R_M, **fixed},
        options=opts,
    )
    t0 = time.perf_counter()
    ds = run_sweep(sweep)
    wall = time.perf_counter() - t0
    ds.attrs["wall_s"] = wall
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        ds.to_netcdf(path)
    return ds, wall


def report(tag: str, old: xr.Dataset, new: xr.Dataset, t_old: float, t_new: float, rows: list):
    other = PANELS[tag][0]
    d = new.span.values - old.span.values
    g, o = np.meshgrid(new.gamma.values, new[other].values, indexing="ij")
    st = new.status.values
    print(f"panel ({tag}): Γ × {other}, {d.size} points")
    print(f"  wall time: paper {t_old:.0f} s, stationary {t_new:.0f} s ({t_new / t_old:.2f} ×)")
    print(
        f"  stationary status: {int((st == 0).sum())} settled, "
        f"{int((st == NOT_SETTLED).sum())} not settled, {int(np.isin(st, FAILED).sum())} failed; "
        f"t_reached median {np.median(new.t_reached.values):.0f}, "
        f"mean {np.mean(new.t_reached.values):.0f}"
    )
    flips = new.regime.values != old.regime.values
    print(
        f"  span changed by > {VISIBLE:g}: {int((np.abs(d) > VISIBLE).sum())} points "
        f"(> 1e-2: {int((np.abs(d) > 1e-2).sum())}; old larger: {int((d < -VISIBLE).sum())}); "
        f"regime flips: {int(flips.sum())}"
    )
    rate = np.minimum(g, g * (o if other == "alpha" else 1.0))  # min(Γ, αΓ)
    changed = np.abs(d) > VISIBLE
    bands = [(0.0, 0.01), (0.01, 0.03), (0.03, np.inf)]
    parts = []
    for lo, hi in bands:
        inside = (rate > lo) & (rate <= hi)
        n_changed, n_all = int((changed & inside).sum()), int(inside.sum())
        parts.append(f"{n_changed}/{n_all} with min(Γ, αΓ) in ({lo:g}, {hi:g}]")
    counts = ", ".join(parts)
    zero = int((changed & (rate == 0)).sum())
    print(f"  changed/all: {counts}; {zero} at α = 0")
    order = np.argsort(-np.abs(d), axis=None)[:10]
    print(f"  largest changes (Γ, {other}: paper → stationary, status, τ, t_reached):")
    for k in order:
        i, j = np.unravel_index(k, d.shape)
        print(
            f"    Γ = {g[i, j]:.4f}, {other} = {o[i, j]:.4f}: {old.span.values[i, j]:.4f} → "
            f"{new.span.values[i, j]:.4f}  (status {st[i, j]}, τ = {new.tau.values[i, j]:.0f}, "
            f"t = {new.t_reached.values[i, j]:.0f})"
        )
    for i, j in zip(*np.nonzero(np.abs(d) > VISIBLE), strict=True):
        rows.append(
            [tag, g[i, j], other, o[i, j], old.span.values[i, j], new.span.values[i, j],
             int(st[i, j]), new.tau.values[i, j], new.t_reached.values[i, j]]
        )  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the figure's quick 14 × 11 grids")
    ap.add_argument("--cache", type=Path, help="folder for the datasets (reused when present)")
    ap.add_argument("--csv", type=Path, help="write the changed points to this CSV file")
    args = ap.parse_args()
    rows: list = []
    for tag in PANELS:
        old, t_old = compute(tag, "paper", args.quick, args.cache)
        new, t_new = compute(tag, "stationary", args.quick, args.cache)
        report(tag, old, new, t_old, t_new, rows)
    if args.csv is not None:
        with args.csv.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["panel", "gamma", "axis", "value", "span_paper", "span_stationary",
                        "status", "tau", "t_reached"])  # fmt: skip
            w.writerows(rows)
        print(f"wrote {len(rows)} changed points to {args.csv}")


if __name__ == "__main__":
    main()
