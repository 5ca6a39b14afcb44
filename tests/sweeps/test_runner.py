"""Running sweeps: the generic model interface, stores and resumption, local vs Dask executors."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from qmemristor.errors import DataFileError, ParameterError
from qmemristor.neuron import NeuronParams, equilibria
from qmemristor.sweeps import (
    STATUS_OUTPUT,
    DaskExecutor,
    LocalExecutor,
    Output,
    SweepModel,
    SweepStore,
    compute_chunk,
    make_sweep,
    pointwise,
    run_sweep,
)
from qmemristor.sweeps.runner import EVAL_LOG_ENV
from tests.helpers import SRC


# --------------------------------------------------------------------------------------------
# a toy model through the extension point (stands in for the coupled memristors)
# --------------------------------------------------------------------------------------------
def _damped(a: float, b: float, *, t_end: float) -> dict[str, float]:
    """x' = −a x, x(0) = b: x(t_end) and its time average, in closed form; fails for a ≤ 0."""
    if a <= 0:
        raise ValueError("a must be > 0")
    return {"final": b * math.exp(-a * t_end), "mean": b * (1 - math.exp(-a * t_end)) / (a * t_end)}


TOY = SweepModel(
    name="toy",
    defaults={"a": 1.0, "b": 1.0},
    outputs=(Output("final"), Output("mean"), STATUS_OUTPUT),
    evaluate=pointwise(_damped, ("final", "mean")),
    check_options=lambda o: {"t_end": float(o.get("t_end", 1.0))},
    status_meanings={0: "ok", 1: "exception in the per-point function"},
)


def test_pointwise_model_runs_and_records_failures():
    sweep = make_sweep(TOY, ["a=-0.5:2:6", "b=1:3:3"], options={"t_end": 2.0}, chunk=(2, 2))
    ds = run_sweep(sweep, model=TOY)
    a, b = np.meshgrid(ds.a.values, ds.b.values, indexing="ij")
    ok = a > 0
    np.testing.assert_allclose(ds.final.values[ok], (b * np.exp(-2 * a))[ok], rtol=1e-15)
    np.testing.assert_array_equal(ds.status.values, np.where(ok, 0, 1))
    assert np.isnan(ds.final.values[~ok]).all()
    assert dict(ds.sizes) == {"a": 6, "b": 3} and ds.attrs["model"] == "toy"
    assert json.loads(ds.attrs["sweep_spec"])["options"] == {"t_end": 2.0}


# --------------------------------------------------------------------------------------------
# stores: streaming, resuming, refusing
# --------------------------------------------------------------------------------------------
SMALL = {
    "axes": ["gamma=0.05:0.9:4", "z_t=0.4:1:3"],
    "fixed": {"v_in": 2.0, "r_m": 6.0},
    "options": {"t_end": 60.0, "dt_out": 0.1},
    "chunk": (1, 3),
}


def small_sweep(**changes):
    return make_sweep("neuron", **{**SMALL, **changes})


@pytest.fixture(scope="module")
def small_reference():
    return run_sweep(small_sweep())


def _counts(log: Path, n: int) -> np.ndarray:
    counts = np.zeros(n, dtype=int)
    if log.exists():
        for line in log.read_text().split("\n"):
            for i in line.split():
                counts[int(i)] += 1
    return counts


def test_store_streams_and_resumes_only_missing_chunks(tmp_path, monkeypatch, small_reference):
    sweep = small_sweep()
    store = SweepStore.open(tmp_path / "s.zarr", sweep, _neuron())
    first = list(sweep.chunks())[:2]
    for c in first:  # an interrupted run: two chunks stored
        store.write(*compute_chunk(store.model, sweep, c))
    assert store.done_mask().sum() == 2
    partial = store.to_dataset()
    assert np.isnan(partial.span.values[2:]).all() and (partial.status.values[2:] == -1).all()
    log = tmp_path / "evals.log"
    monkeypatch.setenv(EVAL_LOG_ENV, str(log))
    ds = run_sweep(sweep, out=tmp_path / "s.zarr")
    counts = _counts(log, sweep.n_points)
    assert counts[:6].sum() == 0 and (counts[6:] == 1).all()  # only the missing 2 × 3 points
    xr.testing.assert_identical(ds, small_reference)
    # a finished store: nothing recomputed, the dataset read back as is
    again = run_sweep(sweep, out=tmp_path / "s.zarr")
    assert _counts(log, sweep.n_points).sum() == counts.sum()
    xr.testing.assert_identical(again, small_reference)
    # readable with plain xarray (consolidated metadata, no warning)
    with xr.open_zarr(tmp_path / "s.zarr") as raw:
        np.testing.assert_array_equal(raw.span.values, ds.span.values)
        assert int(raw.done.sum()) == sweep.n_chunks


def _neuron():
    from qmemristor.sweeps import get_model

    return get_model("neuron")


def test_store_refuses_another_sweep_and_corrupt_stores(tmp_path):
    path = tmp_path / "m.zarr"
    run_sweep(small_sweep(options={"t_end": 30.0, "dt_out": 0.1}), out=path)
    with pytest.raises(DataFileError, match=r"different sweep fingerprint.*new --out or delete"):
        run_sweep(small_sweep(), out=path)
    bad = tmp_path / "bad.zarr"
    bad.mkdir()
    (bad / "zarr.json").write_text("{not json")
    with pytest.raises(DataFileError, match="corrupt"):
        run_sweep(small_sweep(), out=bad)
    import zarr

    zarr.open_group(str(tmp_path / "foreign.zarr"), mode="w", zarr_format=3).attrs["x"] = 1
    with pytest.raises(DataFileError, match="not written by this program"):
        run_sweep(small_sweep(), out=tmp_path / "foreign.zarr")
    (tmp_path / "plain.zarr").mkdir()
    with pytest.raises(DataFileError, match="not a zarr v3 store"):
        run_sweep(small_sweep(), out=tmp_path / "plain.zarr")


# --------------------------------------------------------------------------------------------
# the physics the sweep reports
# --------------------------------------------------------------------------------------------
def test_regime_map_matches_linear_stability():
    """Oscillation exactly where the (unique) equilibrium is unstable, away from the Hopf line.

    Independent oracle: the Jacobian's eigenvalues at the equilibrium (SPEC §N3).  Cells
    whose leading growth/decay rate |Re λ| is below 0.02 are skipped: there the record
    (t_end = 600, decay e^{−0.02·300} ≈ 2e-3 over the window) cannot settle the regime.
    """
    sweep = make_sweep("neuron", ["gamma=0.1:1:7", "z_t=0.2:1:5"], fixed={"v_in": 2.0, "r_m": 6.0},
                       options={"t_end": 600.0})  # fmt: skip
    ds = run_sweep(sweep)
    checked = 0
    for i, g in enumerate(ds.gamma.values):
        for j, z in enumerate(ds.z_t.values):
            (eq,) = equilibria(NeuronParams(v_in=2.0, r_m=6.0, gamma=float(g), z_t=float(z)))
            lead = eq.eigenvalues.real.max()
            if abs(lead) < 0.02:
                continue
            checked += 1
            assert ds.regime.values[i, j] == (1 if lead > 0 else 0), (g, z, lead)
            if lead < 0:
                assert ds.span.values[i, j] < 1e-6
                assert abs(ds.V_mean.values[i, j] - eq.V) < 1e-6
            else:
                # near the Hopf pair: ω ≈ |Im λ| ≈ 7 (Ω = 7 shifted by the coupling to V)
                assert abs(ds.frequency.values[i, j] - abs(eq.eigenvalues.imag).max()) < 0.5
    assert checked >= 25


# --------------------------------------------------------------------------------------------
# executors
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def many_chunks():
    """12 chunks of one point: more than the 2 × workers an executor keeps in flight."""
    sweep = small_sweep(chunk=(1, 1))
    return sweep, run_sweep(sweep, executor=LocalExecutor(1, kind="threads"))


def test_dask_executor_gives_the_local_dataset(many_chunks):
    """A LocalCluster on loopback (threads: processes=False, quick to start) = local threads."""
    distributed = pytest.importorskip("distributed")
    sweep, reference = many_chunks
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
        host="127.0.0.1", dashboard_address=None,
    ) as cluster:  # fmt: skip
        ds = run_sweep(sweep, executor=DaskExecutor(cluster.scheduler_address))
        toy = make_sweep(TOY, ["a=-1:1:5"], options={"t_end": 1.0}, chunk=(1,))
        with distributed.Client(cluster) as client:
            toy_ds = run_sweep(toy, model=TOY, executor=DaskExecutor(client=client))
    xr.testing.assert_identical(ds, reference)
    xr.testing.assert_identical(toy_ds, run_sweep(toy, model=TOY, executor=LocalExecutor(1)))


@pytest.mark.slow
def test_dask_worker_processes_give_the_local_dataset(many_chunks):
    """``n_workers``: a LocalCluster of worker processes (what ``--workers N`` starts)."""
    pytest.importorskip("distributed")
    sweep, reference = many_chunks
    ds = run_sweep(sweep, executor=DaskExecutor(n_workers=2))
    xr.testing.assert_identical(ds, reference)


def test_local_processes_threads_and_one_thread_agree(many_chunks, small_reference):
    sweep, reference = many_chunks
    procs = run_sweep(sweep, executor=LocalExecutor(2, kind="processes"))
    xr.testing.assert_identical(procs, reference)
    threads = run_sweep(small_sweep(), executor=LocalExecutor(2, kind="threads"))
    xr.testing.assert_identical(threads, small_reference)
    # a model that cannot be pickled runs on threads under "auto", and is refused otherwise
    toy = make_sweep(TOY, ["a=0.5:1:12"], options={"t_end": 1.0}, chunk=(1,))
    auto = run_sweep(toy, model=TOY, executor=LocalExecutor(2))
    assert (auto.status.values == 0).all()
    with pytest.raises(ParameterError, match="not picklable"):
        run_sweep(toy, model=TOY, executor=LocalExecutor(2, kind="processes"))


# --------------------------------------------------------------------------------------------
# kill -9 and resume
# --------------------------------------------------------------------------------------------
KILL_ARGS = [
    "neuron", "sweep", "--x", "gamma=0.02:0.5:12", "--y", "z_t=0.6:1:5", "--v-in", "2",
    "--r-m", "6", "--protocol", "paper", "--t-end", "6000", "--chunk-size", "5", "--json",
]  # fmt: skip


def _cli_env(log: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env[EVAL_LOG_ENV] = str(log)
    return env


def _done(path: Path) -> np.ndarray | None:
    import zarr

    if not (path / "zarr.json").exists():  # not created yet (it appears atomically)
        return None
    return np.asarray(zarr.open_group(str(path), mode="r")["done"][...]) == 1


@pytest.mark.slow
def test_sigkill_and_rerun_equals_an_uninterrupted_sweep(tmp_path, cli):
    """SIGKILL a CLI sweep mid-way, rerun the same command: same dataset, no point redone.

    12 × 5 points; ``--chunk-size 5`` is raised to the command's smallest chunk (16 points:
    4 chunks of 3 Γ rows; ~0.1 s a point on one core).  The test waits until a chunk is
    stored, kills the process (no clean-up runs), then reruns it.  Evaluations are counted
    with the ``QMEMRISTOR_SWEEP_EVAL_LOG`` hook.
    """
    from qmemristor.cli.sweep import MIN_CHUNK_POINTS
    from qmemristor.sweeps.store import point_mask

    spec = make_sweep(
        "neuron", ["gamma=0.02:0.5:12", "z_t=0.6:1:5"], fixed={"v_in": 2.0, "r_m": 6.0},
        options={"protocol": "paper", "t_end": 6000.0}, chunk_points=MIN_CHUNK_POINTS,
    )  # fmt: skip
    out = tmp_path / "killed.zarr"
    log1, log2 = tmp_path / "run1.log", tmp_path / "run2.log"
    cmd = [sys.executable, "-m", "qmemristor", *KILL_ARGS, "--out", str(out)]
    proc = subprocess.Popen(cmd, env=_cli_env(log1), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 300
    done = None
    while time.monotonic() < deadline and proc.poll() is None:
        done = _done(out)
        if done is not None and done.sum() >= 1:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    done = _done(out)
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it could be killed"
    assert done is not None and done.shape == spec.chunk_grid and 1 <= done.sum() < done.size
    n = 60
    stored = point_mask(spec, done).reshape(-1)
    # rerun the same command
    rerun = subprocess.run(cmd, env=_cli_env(log2), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary == {**summary, "points": n, "failed": 0, "out": str(out)}
    first, second = _counts(log1, n), _counts(log2, n)
    assert (first[stored] == 1).all()  # stored chunks were computed once ...
    assert (second[stored] == 0).all()  # ... and not again
    assert (second[~stored] == 1).all()  # the rest exactly once by the rerun
    assert (first <= 1).all()
    # an uninterrupted run of the same command (in-process) gives the same dataset
    fresh = tmp_path / "fresh.zarr"
    res = cli(*KILL_ARGS, "--out", str(fresh))
    assert res.code == 0, res.err
    a = SweepStore.open(out, spec, _neuron()).to_dataset()
    b = SweepStore.open(fresh, spec, _neuron()).to_dataset()
    xr.testing.assert_identical(a, b)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values)


def test_auto_executor_uses_threads_for_gil_free_models_and_processes_otherwise():
    """The rule of LocalExecutor(kind="auto") (measured reasons in its docstring)."""
    from qmemristor.sweeps.models import get_model
    from qmemristor.sweeps.runner import _compute_registered

    neuron, coupled = get_model("neuron"), get_model("coupled")
    assert neuron.releases_gil and not coupled.releases_gil
    ex = LocalExecutor(2)
    assert ex._task(neuron, 100)[0] == "threads"
    assert ex._task(coupled, 100)[:2] == ("processes", _compute_registered)
    assert ex._task(coupled, 3)[0] == "threads"  # too few chunks to pay for start-ups
    assert LocalExecutor(1)._task(coupled, 100)[0] == "threads"
