"""Sweep stores: completion marks verified against the data on resume, no store from a failed
start, batched flushes, and one run per store (the lock)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from qmemristor.errors import ParameterError, ResourceLimitError
from qmemristor.sweeps import (
    STATUS_OUTPUT,
    Output,
    SweepModel,
    SweepStore,
    get_model,
    make_sweep,
    run_sweep,
)
from qmemristor.sweeps.runner import EVAL_LOG_ENV
from qmemristor.sweeps.store import StoreLock, StoreLockedError, block_factors
from tests.helpers import SRC


def _counts(log: Path, n: int) -> np.ndarray:
    counts = np.zeros(n, dtype=int)
    if log.exists():
        for line in log.read_text().split("\n"):
            for i in line.split():
                counts[int(i)] += 1
    return counts


# a cheap neuron sweep of 3 blocks: 6 × 8 points in chunks of 1 × 4 points, blocks of 2 × 8
# (BLOCK_POINTS is patched down so that blocks, not the whole grid, are the stored files)
SPEC = {
    "axes": ["gamma=0.05:0.9:6", "z_t=0.3:1:8"],
    "fixed": {"v_in": 2.0, "r_m": 6.0},
    "options": {"protocol": "paper", "t_end": 40.0, "dt_out": 0.1},
    "chunk": (1, 4),
}


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr("qmemristor.sweeps.store.BLOCK_POINTS", 16)


@pytest.fixture(scope="module")
def reference():
    return run_sweep(make_sweep("neuron", **SPEC))


def test_blocks_are_whole_chunks(small_blocks):
    sweep = make_sweep("neuron", **SPEC)
    assert sweep.chunk_grid == (6, 2)
    assert block_factors(sweep) == (2, 2)  # 16 points: two rows of two chunks of 4
    big = make_sweep("neuron", ["gamma=0:1:300", "z_t=0:1:300"], chunk_points=16)
    assert big.chunk == (1, 16) and block_factors(big, 4096) == (13, 19)


@pytest.mark.parametrize("damage", ["delete", "truncate", "flip", "delete-marks"])
def test_resume_recomputes_missing_or_unreadable_blocks(
    tmp_path, monkeypatch, small_blocks, reference, damage
):
    """Issue 19, example 1: a block deleted, truncated or altered after the run is found on
    resume (its file is missing or fails its CRC-32C), its points are recomputed once, with a
    note; nothing else is redone, and the result equals an uninterrupted run."""
    sweep = make_sweep("neuron", **SPEC)
    out = tmp_path / "m.zarr"
    run_sweep(sweep, out=out)
    target = out / "span" / "c" / "1" / "0"  # block (1, 0): Γ rows 2–3, Z_T columns 0–7
    assert target.is_file()
    if damage == "delete":
        target.unlink()
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:-7])
    elif damage == "flip":
        raw = bytearray(target.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        target.write_bytes(bytes(raw))
    else:  # the completion marks of the block are gone: its chunks count as not done
        (out / "done" / "c" / "1" / "0").unlink()
    log = tmp_path / "evals.log"
    monkeypatch.setenv(EVAL_LOG_ENV, str(log))
    notes: list[str] = []
    ds = run_sweep(sweep, out=out, note=notes.append)
    counts = _counts(log, sweep.n_points).reshape(sweep.shape)
    assert (counts[2:4] == 1).all() and counts.sum() == 16  # exactly the block, once
    xr.testing.assert_identical(ds, reference)
    if damage == "delete-marks":
        assert notes == []  # unmarked chunks are simply computed
    else:
        assert len(notes) == 1
        assert "span/c/1/0" in notes[0] and "recomputing their 16 point(s)" in notes[0]
    with xr.open_zarr(out) as raw:  # the store is whole again
        np.testing.assert_array_equal(raw.span.values, reference.span.values)
        assert int(raw.done.sum()) == sweep.n_chunks


def test_a_failed_start_leaves_no_store(tmp_path):
    """A model that raises on its first chunk: the store (and its lock) never appear."""

    def evaluate(params, options):
        raise ParameterError("this model refuses every point")

    bad = SweepModel(
        name="refuser", defaults={"a": 1.0}, outputs=(Output("y"), STATUS_OUTPUT),
        evaluate=evaluate,
    )  # fmt: skip
    sweep = make_sweep(bad, ["a=0:1:4"], chunk=(2,))
    with pytest.raises(ParameterError, match="refuses every point"):
        run_sweep(sweep, out=tmp_path / "m.zarr", model=bad)
    assert list(tmp_path.iterdir()) == []


def test_sizes_are_refused_before_anything_exists(tmp_path, monkeypatch):
    with pytest.raises(ResourceLimitError, match=r"1e\+10 points .* more than the memory budget"):
        make_sweep("neuron", ["gamma=0:1:100000", "z_t=0:1:100000"])
    monkeypatch.setenv("QMEMRISTOR_MAX_BYTES", "512KiB")
    with pytest.raises(ResourceLimitError, match="QMEMRISTOR_MAX_BYTES"):
        make_sweep("neuron", ["gamma=0:1:100", "z_t=0:1:100"])  # 1e4 × 2 copies × 42 B: 840 kB
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "stretch"),
    [(["--t-end", "20", "--dt-out", "1e-320"], "6.66667"),
     (["--protocol", "paper", "--t-end", "1e308"], "5e+307")],
)  # fmt: skip
def test_sample_counts_beyond_any_memory_are_refused(cli, tmp_path, args, stretch):
    """--dt-out 1e-320 or --t-end 1e308 overflowed the sample count (an internal error)."""
    from tests.helpers import assert_one_line_error

    res = cli("neuron", "sweep", "--x", "gamma=0.1:0.9:3", *args, "--out", str(tmp_path / "m.zarr"))
    assert_one_line_error(res, f"samples of V over the sampled stretch ({stretch})")
    assert list(tmp_path.iterdir()) == []


def test_tolerance_options_are_in_the_shared_range():
    for rtol in (1e308, 1e-300, 0.5):
        with pytest.raises(ParameterError, match=r"rtol must be in \[1e-14, 0.1\]"):
            make_sweep("neuron", ["gamma=0:1:3"], options={"rtol": rtol})
    with pytest.raises(ParameterError, match=r"atol must be in \[1e-30, 0.0001\]"):
        make_sweep("neuron", ["gamma=0:1:3"], options={"atol": 1.0})


def test_flushes_are_batched_and_the_end_stores_everything(tmp_path, monkeypatch, small_blocks):
    """With a long flush interval nothing is written until the run ends (then everything):
    the store is created by the first flush, at the end here."""
    calls = []
    real = SweepStore.flush

    def counting(self):
        calls.append(len(self._dirty))
        real(self)

    monkeypatch.setattr(SweepStore, "flush", counting)
    monkeypatch.setattr("qmemristor.sweeps.store.FLUSH_COST_RATIO", 1e9)
    sweep = make_sweep("neuron", **SPEC)
    seen = []
    run_sweep(sweep, out=tmp_path / "m.zarr",
              progress=lambda d, n: seen.append((tmp_path / "m.zarr").exists()))  # fmt: skip
    # one flush right after the first chunk (it creates the store; the cost of later ones is
    # not known yet), the rest at the end
    assert calls[0] == 1 and sum(c > 0 for c in calls) == 2
    assert seen[1] is True and calls[-1] == 3, calls  # the 3 blocks in one flush at the end


# --------------------------------------------------------------------------------------------
# one run per store
# --------------------------------------------------------------------------------------------
HOLD = textwrap.dedent(
    """
    import sys, time
    from qmemristor.sweeps.store import StoreLock
    with StoreLock(sys.argv[1]):
        print("locked", flush=True)
        sys.stdin.readline()  # hold the lock until told to go
    """
)


def _holder(store: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_on_a_store_is_refused_while_the_first_holds_it(tmp_path):
    store = tmp_path / "m.zarr"
    proc = _holder(store)
    try:
        holder = json.loads((tmp_path / "m.zarr.lock").read_text())
        assert holder["pid"] == proc.pid
        sweep = make_sweep("neuron", **SPEC)
        with pytest.raises(StoreLockedError, match=rf"in use by another sweep \(PID {proc.pid},"):
            run_sweep(sweep, out=store)
        assert not store.exists()  # the refused run made nothing
    finally:
        proc.communicate("go\n", timeout=60)
    assert not (tmp_path / "m.zarr.lock").exists()  # released by its holder
    with StoreLock(store):  # free again
        pass


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    store = tmp_path / "m.zarr"
    proc = _holder(store)
    proc.kill()  # SIGKILL: the lock file stays, its process is gone
    proc.wait()
    assert (tmp_path / "m.zarr.lock").exists()
    sweep = make_sweep("neuron", **{**SPEC, "axes": ["gamma=0.05:0.9:2", "z_t=0.3:1:4"]})
    ds = run_sweep(sweep, out=store)
    assert (ds.status.values == 0).all()
    assert not (tmp_path / "m.zarr.lock").exists()


def test_a_lock_on_another_host_or_of_a_reused_pid_is_respected(tmp_path):
    store = tmp_path / "m.zarr"
    lock = tmp_path / "m.zarr.lock"
    lock.write_text(json.dumps({"pid": 1, "host": "elsewhere", "start": None, "since": "x"}))
    with pytest.raises(StoreLockedError, match="PID 1 on elsewhere"):
        StoreLock(store).acquire()
    # this host, a live PID (1 is always alive), another start time: a later process that
    # reuses the PID of a dead holder — stale
    import socket

    lock.write_text(json.dumps({"pid": 1, "host": socket.gethostname(), "start": "0",
                                "since": "x"}))  # fmt: skip
    if Path("/proc/1/stat").exists():
        with StoreLock(store):
            assert json.loads(lock.read_text())["pid"] == os.getpid()
    lock.write_text("not a lock")
    with pytest.raises(StoreLockedError, match="which this program did not write"):
        StoreLock(store).acquire()


def test_a_store_of_single_chunk_blocks_is_resumed(tmp_path, reference):
    """Blocks of one chunk each (the layout of earlier versions, one zarr chunk per sweep
    chunk): a store is resumed with the blocks it was written with."""
    sweep = make_sweep("neuron", **SPEC)
    store = SweepStore.open(tmp_path / "m.zarr", sweep, get_model("neuron"))
    store.factors = (1, 1)
    store.block = sweep.chunk
    run = store.write  # write two chunks through the old layout's block shape
    from qmemristor.sweeps import compute_chunk

    for c in list(sweep.chunks())[:2]:
        run(*compute_chunk(store.model, sweep, c))
    store.flush()
    ds = run_sweep(sweep, out=tmp_path / "m.zarr")
    xr.testing.assert_identical(ds, reference)


# --------------------------------------------------------------------------------------------
# Ctrl-C and a lost scheduler: one line, what is computed is stored, the rerun continues
# --------------------------------------------------------------------------------------------
#: 12 × 5 points in 4 chunks of 3 Γ rows (the command's smallest chunk, 16 points), ~0.1 s a
#: point on one core at t_end = 6000: long enough to interrupt between chunks
STOP_AXES = ["gamma=0.02:0.5:12", "z_t=0.6:1:5"]
STOP_ARGS = [
    "neuron", "sweep", "--x", STOP_AXES[0], "--y", STOP_AXES[1], "--v-in", "2", "--r-m", "6",
    "--protocol", "paper", "--t-end", "6000", "--chunk-size", "16", "--json",
]  # fmt: skip


def _stop_sweep():
    return make_sweep(
        "neuron", STOP_AXES, fixed={"v_in": 2.0, "r_m": 6.0},
        options={"protocol": "paper", "t_end": 6000.0}, chunk_points=16,
    )  # fmt: skip


def _env(log: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env[EVAL_LOG_ENV] = str(log)
    return env


def _stored(path: Path, sweep) -> np.ndarray:
    """Points whose chunk is marked done in the store at ``path`` (flat, C order)."""
    from qmemristor.sweeps.store import point_mask

    return point_mask(sweep, SweepStore.open(path, sweep, get_model("neuron")).done_mask())


@pytest.mark.slow
def test_ctrl_c_stops_with_one_line_keeps_the_computed_points_and_the_rerun_finishes(tmp_path):
    """SIGINT to a CLI sweep after its first chunk: exit 130 within seconds, one line on
    stderr naming how many points are stored; every chunk computed before the signal is in
    the store; the same command then computes exactly the missing points, once each, and the
    store equals an uninterrupted run."""
    import signal
    import time

    sweep = _stop_sweep()
    out = tmp_path / "m.zarr"
    log1, log2 = tmp_path / "run1.log", tmp_path / "run2.log"
    cmd = [sys.executable, "-m", "qmemristor", *STOP_ARGS, "--out", str(out)]
    proc = subprocess.Popen(cmd, env=_env(log1), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if log1.exists() and log1.read_text().count("\n") >= 1:
            break
        time.sleep(0.01)
    before = _counts(log1, sweep.n_points).reshape(sweep.shape) > 0  # computed before Ctrl-C
    proc.send_signal(signal.SIGINT)
    # 60 s: the run stops at once (running chunks are abandoned); the bound is for a loaded CI
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    n_kept = int(lines[0].split("interrupted; ")[1].split(" of ")[0])
    assert lines[0] == (
        f"qmemristor: error: interrupted; {n_kept} of {sweep.n_points} points are stored in "
        f"{out}; run the same command again to continue"
    )
    stored = _stored(out, sweep)
    assert before.any() and not stored.all(), "the sweep finished before it could be stopped"
    assert int(stored.sum()) == n_kept
    assert stored[before].all()  # nothing computed before the signal was dropped
    first = _counts(log1, sweep.n_points).reshape(sweep.shape)
    assert (first[stored] == 1).all()
    rerun = subprocess.run(cmd, env=_env(log2), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    second = _counts(log2, sweep.n_points).reshape(sweep.shape)
    assert (second[stored] == 0).all() and (second[~stored] == 1).all()  # none lost or redone
    # same code on the same inputs (the same chunks) as an uninterrupted run: bit-identical
    resumed = SweepStore.open(out, sweep, get_model("neuron")).to_dataset()
    xr.testing.assert_identical(resumed, run_sweep(sweep))


HOST_SCHEDULER = textwrap.dedent(
    """
    import sys
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                           host="127.0.0.1", protocol="tcp://", dashboard_address=None)
    print(cluster.scheduler_address, flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.slow
def test_a_lost_scheduler_is_one_error_and_the_store_stays_resumable(tmp_path, monkeypatch):
    """The scheduler (a separate process, its worker in it) is killed once the first chunk
    is stored: the run raises ExecutorLostError naming the points kept; a local rerun
    computes exactly the rest and equals an uninterrupted run."""
    pytest.importorskip("distributed")
    from qmemristor.sweeps import DaskExecutor, LocalExecutor
    from qmemristor.sweeps.runner import ExecutorLostError

    sweep = make_sweep(
        "neuron", ["gamma=0.05:0.9:4", "z_t=0.3:1:8"], fixed={"v_in": 2.0, "r_m": 6.0},
        options={"protocol": "paper", "t_end": 200.0}, chunk=(1, 8),
    )  # fmt: skip
    log = tmp_path / "evals.log"
    host = subprocess.Popen([sys.executable, "-c", HOST_SCHEDULER], env=_env(log),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    out = tmp_path / "m.zarr"
    try:
        address = host.stdout.readline().strip()
        assert address.startswith("tcp://"), address

        def kill_after_first(done: int, total: int) -> None:
            if done > 0 and host.poll() is None:
                host.kill()  # SIGKILL: scheduler and worker gone without a word
                host.wait()

        with pytest.raises(ExecutorLostError) as info:
            run_sweep(sweep, out=out, executor=DaskExecutor(address), progress=kill_after_first,
                      flush_interval=0)  # fmt: skip
    finally:
        if host.poll() is None:
            host.kill()
            host.wait()
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"lost the Dask scheduler at {address}")
    stored = _stored(out, sweep)
    assert stored.any() and not stored.all()
    assert f"; {int(stored.sum())} of {sweep.n_points} points are stored in {out}" in msg
    first = _counts(log, sweep.n_points).reshape(sweep.shape)
    log2 = tmp_path / "evals2.log"
    monkeypatch.setenv(EVAL_LOG_ENV, str(log2))
    ds = run_sweep(sweep, out=out, executor=LocalExecutor(1, kind="threads"))
    second = _counts(log2, sweep.n_points).reshape(sweep.shape)
    assert (first[stored] == 1).all() and (second[stored] == 0).all()
    assert (second[~stored] == 1).all()
    # same code on the same inputs (the same chunks): bit-identical to an uninterrupted run
    xr.testing.assert_identical(ds, run_sweep(sweep))
