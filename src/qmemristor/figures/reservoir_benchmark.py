"""Reservoir computing benchmark (new; tasks of Selimović et al. 2025 and the usual ones).

(a) Test NMSE of every reservoir and baseline on NARMA10, Mackey–Glass (τ = 17) one-step
prediction, the quartic function and the Santa Fe laser, with exact features; (b) short-term
memory capacity; (c–g) the same scores against the shots per observable per read
(10² … 10⁵, and exact at the right), the baselines as horizontal lines.  Data: the table of
:func:`qmemristor.reservoir.benchmark.run_table` (``qmemristor reservoir table``);
``--quick`` uses the small sizes of :meth:`~qmemristor.reservoir.benchmark.BenchmarkConfig.quick`.
"""

from __future__ import annotations

import numpy as np

from ..reservoir.benchmark import BenchmarkConfig, run_table
from ..results.reservoir import table_dataset
from . import FigureConfig, register

COLORS = {
    "memristor": "#1f3b73",
    "network": "#e9a03b",
    "neuron": "#d1495b",
    "esn": "#2a9d8f",
    "linear": "#888888",
}
NMSE_TASKS = ("narma10", "mackey-glass", "quartic", "santafe")
EXACT_AT = 1e6  # where "exact" is drawn on the shots axis


@register(
    "reservoir-benchmark",
    paper="new (reservoir computing)",
    summary="Reservoir NMSE per task vs ESN/linear baselines, and NMSE against shots per read",
)
def make(config: FigureConfig):
    from matplotlib.figure import Figure

    bench = (
        BenchmarkConfig.quick(config.seed) if config.quick else BenchmarkConfig(seed=config.seed)
    )
    ds = table_dataset(run_table(bench))
    fig = Figure(figsize=(13.0, 7.2), layout="constrained")
    axd = fig.subplot_mosaic([["a", "a", "a", "b", "b"], ["c", "d", "e", "f", "g"]])
    reservoirs = [str(r) for r in ds.reservoir.values]
    exact = ds.sel(shots=0)

    ax = axd["a"]
    width = 0.8 / len(reservoirs)
    for j, r in enumerate(reservoirs):
        vals = [float(exact.nmse_test.sel(task=t, reservoir=r)) for t in NMSE_TASKS]
        ax.bar(np.arange(len(NMSE_TASKS)) + (j - (len(reservoirs) - 1) / 2) * width, vals, width,
               color=COLORS.get(r, "k"), label=r)  # fmt: skip
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(NMSE_TASKS)), NMSE_TASKS)
    ax.set_ylabel("test NMSE (exact features)")
    ax.legend(ncol=len(reservoirs), fontsize=8)
    ax.set_title("(a) lower is better", loc="left", fontsize=10)

    ax = axd["b"]
    caps = [float(exact.capacity.sel(task="memory-capacity", reservoir=r)) for r in reservoirs]
    ax.bar(reservoirs, caps, color=[COLORS.get(r, "k") for r in reservoirs])
    ax.set_ylabel("memory capacity Σ r²")
    ax.set_yscale("log")
    ax.set_title("(b) higher is better", loc="left", fontsize=10)

    shots = np.array([int(s) for s in ds.shots.values])
    x = np.where(shots == 0, EXACT_AT, shots).astype(float)
    order = np.argsort(x)
    for key, t in zip("cdefg", (*NMSE_TASKS, "memory-capacity"), strict=True):
        ax = axd[key]
        var = ds.capacity if t == "memory-capacity" else ds.nmse_test
        for r in reservoirs:
            y = var.sel(task=t, reservoir=r).values
            if np.all(np.isnan(y[shots > 0])):  # a baseline: no shot noise
                ax.axhline(float(y[shots == 0][0]), color=COLORS.get(r, "k"), ls="--", lw=1)
            else:
                ax.plot(x[order], y[order], "o-", color=COLORS.get(r, "k"), ms=4, label=r)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks([1e2, 1e3, 1e4, 1e5, EXACT_AT], ["1e2", "1e3", "1e4", "1e5", "exact"])
        ax.set_xlabel("shots per observable per read")
        ax.set_title(f"({key}) {t}", loc="left", fontsize=10)
        ax.set_ylabel("memory capacity" if t == "memory-capacity" else "test NMSE")
    axd["c"].legend(fontsize=8)
    feats = ", ".join(
        f"{r} {int(ds.features.sel(task='narma10', reservoir=r))}" for r in reservoirs
    )
    note = f"readout features: {feats} (baselines dashed in c–g)"
    if config.quick:
        note = f"quick sizes (CI): 400 training samples, 3-node network; {note}"
    fig.suptitle(note, fontsize=9)
    ds.attrs["figure"] = "reservoir-benchmark"
    return fig, ds
