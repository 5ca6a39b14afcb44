"""Datasets of the reservoir benchmarks (:mod:`qmemristor.reservoir`) and their Markdown table.

Layout: dimensions ``task``, ``reservoir`` and ``shots`` (shots per observable per read;
**0 stands for exact expectation values**); variables ``nmse_train``, ``nmse_test``
(NaN for the memory capacity), ``capacity`` (memory-capacity task only), ``alpha`` (median
ridge α chosen by CV), ``features`` (task, reservoir), the device cost ``circuits``,
``total_shots`` and ``hold_executions`` (NaN for exact features and classical baselines), and
``capacity_per_delay`` (reservoir, shots, delay) when the memory capacity was run.  Baselines
(``esn``, ``linear``) have no shot noise: their values sit at ``shots = 0`` and are NaN
elsewhere; they have the features of the first quantum reservoir.  ``esn_same_features`` and
``linear_same_features`` (task, reservoir) are the baselines' scores (test NMSE, or the
capacity) with the number of features of each quantum reservoir (NaN on the baseline rows).
Attributes: the configuration, split, every reservoir's parameters, the seed
and the package version (:func:`qmemristor.io.provenance_attrs`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..io import provenance_attrs
from ..reservoir.benchmark import BenchmarkResult, Score, TableResult

__all__ = ["benchmark_dataset", "table_dataset", "table_markdown"]

_VARS = ("nmse_train", "nmse_test", "capacity", "alpha")
_COST = ("circuits", "total_shots", "hold_executions")


def _dataset(
    tasks: Sequence[str],
    reservoirs: Sequence[str],
    budgets: Sequence[int | None],
    scores: dict[tuple[str, str, int | None], Score],
    attrs: dict[str, object],
    seed: int,
) -> xr.Dataset:
    shape = (len(tasks), len(reservoirs), len(budgets))
    data = {v: np.full(shape, np.nan) for v in (*_VARS, *_COST)}
    feats = np.zeros(shape[:2], dtype=np.int64)
    delays = 0
    for sc in scores.values():
        if sc.capacity_per_delay is not None:
            delays = max(delays, sc.capacity_per_delay.size)
    per_delay = np.full((len(reservoirs), len(budgets), delays), np.nan)
    for (t, r, s), sc in scores.items():
        i, j, k = tasks.index(t), reservoirs.index(r), budgets.index(s)
        feats[i, j] = sc.features
        for v in _VARS:
            data[v][i, j, k] = getattr(sc, v)
        if sc.cost is not None:
            for v in _COST:
                data[v][i, j, k] = getattr(sc.cost, v)
        if sc.capacity_per_delay is not None:
            per_delay[j, k, : sc.capacity_per_delay.size] = sc.capacity_per_delay
    dims = ("task", "reservoir", "shots")
    ds = xr.Dataset(
        {v: (dims, data[v]) for v in (*_VARS, *_COST)},
        coords={
            "task": list(tasks),
            "reservoir": list(reservoirs),
            "shots": [0 if s is None else int(s) for s in budgets],
        },
    )
    ds["features"] = (("task", "reservoir"), feats)
    if delays:
        ds["capacity_per_delay"] = (("reservoir", "shots", "delay"), per_delay)
        ds = ds.assign_coords(delay=np.arange(1, delays + 1))
    ds.shots.attrs["note"] = "shots per observable per read; 0 = exact expectation values"
    ds.nmse_test.attrs["long_name"] = "NMSE on the test rows (mean squared error / variance)"
    ds.capacity.attrs["long_name"] = "memory capacity: sum over delays of r^2 (test rows)"
    ds.hold_executions.attrs["long_name"] = "input holds executed by a device, all shots"
    ds.attrs.update(provenance_attrs(attrs, seed=seed))
    return ds


def _attrs(result_config, tasks, reservoirs) -> dict[str, object]:
    out: dict[str, object] = dict(result_config.describe())
    split = result_config.split
    out.update(washout=split.washout, n_train=split.n_train, n_test=split.n_test)
    out["readout"] = "standardised ridge, alpha per target by forward-chaining 5-fold CV"
    for t in tasks:
        for k, v in t.describe().items():
            if k.startswith("task_") or k == "input_range":
                out[f"{t.name}.{k}"] = v
    for name, params in reservoirs.items():
        for k, v in params.items():
            out[f"{name}.{k}"] = v
    return out


def _metric(sc: Score) -> float:
    return sc.capacity if math.isfinite(sc.capacity) else sc.nmse_test


def table_dataset(table: TableResult) -> xr.Dataset:
    """The comparison of :func:`~qmemristor.reservoir.benchmark.run_table` as a dataset."""
    tasks = [t.name for t in table.tasks]
    reservoirs = list(table.reservoirs)
    attrs = _attrs(table.config, table.tasks, table.reservoirs)
    ds = _dataset(tasks, reservoirs, table.budgets, table.scores, attrs, table.config.seed)
    for b in ("esn", "linear"):
        same = np.full((len(tasks), len(reservoirs)), np.nan)
        for (t, r), base in table.matched.items():
            same[tasks.index(t), reservoirs.index(r)] = _metric(base[b])
        ds[f"{b}_same_features"] = (("task", "reservoir"), same)
        ds[f"{b}_same_features"].attrs["long_name"] = (
            f"{b} baseline with as many features as the reservoir: test NMSE "
            "(memory capacity: capacity)"
        )
    return ds


def benchmark_dataset(result: BenchmarkResult, seed: int, config) -> xr.Dataset:
    """One benchmark run (the reservoir and its two baselines) as a dataset."""
    main = result.score
    scores = {(result.task.name, main.reservoir, main.shots): main}
    for name, sc in result.baselines.items():
        scores[(result.task.name, f"{name} (baseline)", None)] = sc
    reservoirs = [main.reservoir, "esn (baseline)", "linear (baseline)"]
    budgets = [main.shots] if main.shots is None else [main.shots, None]
    attrs = _attrs(config, [result.task], {main.reservoir: result.reservoir})
    return _dataset([result.task.name], reservoirs, budgets, scores, attrs, seed)


def _fmt(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:.3g}"


def table_markdown(ds: xr.Dataset) -> str:
    """Markdown table: one row per (task, reservoir), one column per shot budget.

    The cells are the test NMSE (lower is better) or, for the memory capacity, the capacity
    (higher is better).  When the dataset has them, two more columns give the ESN and linear
    baselines with as many features as the row's reservoir.
    """
    shots = [int(s) for s in ds.shots.values]
    heads = ["exact" if s == 0 else f"S = {s:.0e}".replace("e+0", "e") for s in shots]
    same = [b for b in ("esn", "linear") if f"{b}_same_features" in ds]
    heads += [f"{b}, same F" for b in same]
    lines = [
        "| task | reservoir | features | metric | " + " | ".join(heads) + " |",
        "|---|---|---|---|" + "---|" * len(heads),
    ]
    for t in ds.task.values:
        cap = t == "memory-capacity"
        var = ds.capacity if cap else ds.nmse_test
        for r in ds.reservoir.values:
            cells = [_fmt(float(var.sel(task=t, reservoir=r, shots=s))) for s in shots]
            cells += [_fmt(float(ds[f"{b}_same_features"].sel(task=t, reservoir=r))) for b in same]
            feats = int(ds.features.sel(task=t, reservoir=r))
            metric = "capacity ↑" if cap else "NMSE test ↓"
            lines.append(f"| {t} | {r} | {feats} | {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
