"""Run a sweep: validate it, compute the missing chunks on an executor, store them as they come.

- :func:`make_sweep` builds a validated :class:`~qmemristor.sweeps.grid.Sweep` (axis names
  known to the model, no parameter both swept and fixed, every axis value accepted by the
  model, options with defaults filled in).
- :func:`run_sweep` computes it: with ``out=PATH.zarr`` chunk by chunk into a resumable store
  (:mod:`qmemristor.sweeps.store`), otherwise in memory; returns the ``xarray.Dataset``.
- Executors (the unit of work is a chunk; results come back to the caller, which writes):
  :class:`LocalExecutor` — threads or worker processes on this machine (default: all cores;
  threads for GIL-free models such as the neuron, processes for other sweeps of many
  chunks); :class:`DaskExecutor` — an existing ``distributed`` scheduler
  (``address="tcp://HOST:PORT"``) or a ``LocalCluster`` it starts (``n_workers=N``).
  Dask is imported only when a :class:`DaskExecutor` is used.

Determinism: a chunk's results depend only on the specification and the chunk (the same
points, evaluated in the same order by the same code), never on the executor, the number of
workers or the completion order, so an interrupted and resumed sweep equals an uninterrupted
one bit for bit on the same machine (workers on other machines agree to round-off).

Test hook: if the environment variable ``QMEMRISTOR_SWEEP_EVAL_LOG`` names a file, every
evaluated chunk appends one line with the flat indices of its points (to count evaluations).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError
from .grid import DEFAULT_CHUNK_POINTS, Axis, Chunk, Sweep, default_chunk, parse_axis
from .models import SweepModel, get_model
from .store import MemoryResults, SweepStore

__all__ = [
    "EVAL_LOG_ENV",
    "DaskExecutor",
    "LocalExecutor",
    "compute_chunk",
    "compute_sweep",
    "make_sweep",
    "run_sweep",
]

EVAL_LOG_ENV = "QMEMRISTOR_SWEEP_EVAL_LOG"
ProgressFn = Callable[[int, int], None]


# --------------------------------------------------------------------------------------------
# specification
# --------------------------------------------------------------------------------------------
def make_sweep(
    model: str | SweepModel,
    axes: Sequence[Axis | str],
    *,
    fixed: Mapping[str, float] | None = None,
    options: Mapping[str, Any] | None = None,
    seed: int | None = None,
    chunk: Sequence[int] | None = None,
    chunk_points: int = DEFAULT_CHUNK_POINTS,
) -> Sweep:
    """A validated sweep of ``model`` over ``axes`` (``Axis`` or ``"NAME=START:STOP:NUM"``).

    Parameters
    ----------
    model : str or SweepModel
        ``"neuron"`` or any registered / given model.
    axes : sequence
        One or more axes; their names must be parameters of the model.
    fixed : mapping, optional
        Parameters held fixed (others take the model's defaults).  A name may not be both
        swept and fixed.
    options : mapping, optional
        Numerical options of the model (for the neuron: the fields of
        :class:`~qmemristor.sweeps.batch.BatchOptions`, e.g. ``t_end``).
    seed : int, optional
        Recorded in the attributes (and passed on to models that draw random numbers).
    chunk : sequence of int, optional
        Chunk shape; default: about ``chunk_points`` points, whole rows of the last axis.

    Raises
    ------
    ParameterError
        Unknown names (the message lists the valid ones), a parameter swept twice or swept
        and fixed, an axis value the model rejects (e.g. α outside [0, 2]), bad options.
    """
    mdl = get_model(model)
    parsed = tuple(a if isinstance(a, Axis) else parse_axis(a) for a in axes)
    if not parsed:
        raise ParameterError("a sweep needs at least one axis")
    known = mdl.parameters
    for a in parsed:
        if a.name not in known:
            raise ParameterError(
                f"unknown axis parameter {a.name!r}; valid names: {', '.join(known)}"
            )
    names = [a.name for a in parsed]
    if len(set(names)) != len(names):
        raise ParameterError(f"the same parameter is on two axes ({', '.join(names)})")
    given = dict(fixed or {})
    for k in given:
        if k not in known:
            raise ParameterError(f"unknown parameter {k!r}; valid names: {', '.join(known)}")
        if k in names:
            raise ParameterError(f"{k} is both an axis and a fixed parameter; choose one")
    full = {k: float(given.get(k, v)) for k, v in mdl.defaults.items() if k not in names}
    if mdl.check_point is not None:
        base = {**full, **{a.name: float(mdl.defaults[a.name]) for a in parsed}}
        mdl.check_point(base)  # the fixed values (axes at their defaults)
        for a in parsed:
            for v in a.values:
                try:
                    mdl.check_point({**base, a.name: float(v)})
                except ParameterError as exc:
                    raise ParameterError(f"axis {a}: {exc}") from None
    opts = dict(options or {})
    if mdl.check_options is not None:
        opts = mdl.check_options(opts)
    shape = tuple(a.num for a in parsed)
    chunk_shape = tuple(chunk) if chunk is not None else default_chunk(shape, chunk_points)
    return Sweep(
        model=mdl.name,
        axes=parsed,
        fixed=tuple(full.items()),
        options=tuple(opts.items()),
        seed=seed,
        chunk=chunk_shape,
    )


# --------------------------------------------------------------------------------------------
# one chunk
# --------------------------------------------------------------------------------------------
_PREPARED: set[str] = set()
_PREPARE_LOCK = threading.Lock()


def _prepare_once(model: SweepModel, sweep: Sweep) -> None:
    """Run ``model.prepare`` once per process and fixed parameters (compiles, builds tables)."""
    if model.prepare is None:
        return
    key = f"{model.name}:{sweep.to_json()}"
    with _PREPARE_LOCK:
        if key not in _PREPARED:
            model.prepare(sweep.fixed_dict)
            _PREPARED.add(key)


def compute_chunk(
    model: SweepModel, sweep: Sweep, chunk: Chunk
) -> tuple[Chunk, dict[str, NDArray]]:
    """Evaluate the points of one chunk: ``(chunk, {output: array of the chunk's shape})``.

    The task every executor runs (a plain module-level function, so Dask can ship it).
    """
    _prepare_once(model, sweep)
    params = sweep.chunk_parameters(chunk)
    results = model.evaluate(params, sweep.options_dict)
    out = {
        o.name: np.asarray(results[o.name]).astype(o.dtype, copy=False).reshape(chunk.shape)
        for o in model.outputs
    }
    log = os.environ.get(EVAL_LOG_ENV)
    if log:
        line = " ".join(str(i) for i in sweep.flat_indices(chunk)) + "\n"
        with open(log, "a", encoding="ascii") as fh:  # one write per chunk (O_APPEND)
            fh.write(line)
    return chunk, out


# --------------------------------------------------------------------------------------------
# executors
# --------------------------------------------------------------------------------------------
def _compute_registered(name: str, sweep: Sweep, chunk: Chunk):
    """:func:`compute_chunk` for a registered model looked up by name (worker processes)."""
    return compute_chunk(get_model(name), sweep, chunk)


def _worker_init(parent: int) -> None:
    """Set up a worker process: Ctrl-C is the driver's business (it stops the pool, so no
    tracebacks from workers), and the worker exits when the driver is gone.

    Measured reason for the watchdog: when the driver is killed (SIGKILL), idle
    ``ProcessPoolExecutor`` workers wait forever on their task queue (each holds a copy of
    its write end, so they never see end-of-file), keeping the driver's stdout open.  A
    daemon thread checks every 0.5 s that the parent is still ``parent`` and ends the process
    otherwise (the kernel releases the GIL, so this also ends a busy worker).
    """
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="qmemristor-parent-watch", daemon=True).start()


#: ``kind="auto"`` uses worker processes from this many chunks per worker to compute.
PROCESS_MIN_CHUNKS_PER_WORKER = 4


class LocalExecutor:
    """Chunks on this machine: a pool of worker processes or of threads (default: all cores).

    ``kind="auto"`` (default) takes threads for a model whose evaluation releases the GIL
    (:attr:`SweepModel.releases_gil`, e.g. the neuron's ``nogil`` kernel), and worker
    processes for other models when there are at least :data:`PROCESS_MIN_CHUNKS_PER_WORKER`
    chunks per worker and the model can be sent to another process; threads otherwise.
    Measured for the neuron (``benchmarks/sweep_vs_scipy.py``, 2 cores, quiet machine): the
    full 100 × 100 Fig. 6a map takes 86.8 s on threads and 88.9 s on processes, a 30 × 30 map
    9.2 s and 12.2 s — a spawned worker costs ~3 s of start-up (imports, numba cache load,
    F_ij tables) and threads already run the kernel in parallel.  A model written in NumPy
    and Python holds the GIL, so there processes are what uses the cores.  Results are the
    same either way (same code, same chunks).
    """

    def __init__(self, workers: int | None = None, *, kind: str = "auto") -> None:
        if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
            raise ParameterError(f"workers must be ≥ 1 (got {workers!r})")
        if kind not in ("auto", "threads", "processes"):
            raise ParameterError(f"kind must be 'auto', 'threads' or 'processes' (got {kind!r})")
        self.workers = int(workers) if workers else (os.cpu_count() or 1)
        self.kind = kind

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _task(self, model: SweepModel, n_chunks: int):
        """(pool kind, task function, model argument) for this run."""
        import pickle

        kind = self.kind
        if kind == "auto":
            many = n_chunks >= PROCESS_MIN_CHUNKS_PER_WORKER * self.workers
            gil = not model.releases_gil
            kind = "processes" if self.workers > 1 and many and gil else "threads"
        if kind == "threads":
            return kind, compute_chunk, model
        try:  # a registered model travels by name; another one must pickle
            if get_model(model.name) is model:
                return kind, _compute_registered, model.name
        except ParameterError:
            pass
        try:
            pickle.dumps(model)
        except (pickle.PicklingError, AttributeError, TypeError):
            if self.kind == "processes":
                raise ParameterError(
                    f"model {model.name!r} cannot be sent to worker processes (not picklable); "
                    "register it or use threads"
                ) from None
            return "threads", compute_chunk, model
        return kind, compute_chunk, model

    def map(
        self, model: SweepModel, sweep: Sweep, chunks: Iterable[Chunk]
    ) -> Iterator[tuple[Chunk, dict[str, NDArray]]]:
        """Results of ``compute_chunk`` as they complete (at most 2 × workers in flight)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        todo = list(chunks)
        kind, fn, arg = self._task(model, len(todo))
        pool: ThreadPoolExecutor | ProcessPoolExecutor
        if kind == "threads":
            pool = ThreadPoolExecutor(max_workers=self.workers)
        else:
            pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        queue = iter(todo)
        try:
            # range first: zip stops on it without drawing (and dropping) one more chunk
            first = [c for _, c in zip(range(2 * self.workers), queue, strict=False)]
            pending = {pool.submit(fn, arg, sweep, c) for c in first}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    yield f.result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(pool.submit(fn, arg, sweep, nxt))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


#: A scheduler address as ``distributed`` takes it: protocol, host (name, IPv4 or [IPv6]), port.
_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):[0-9]{1,5}$")


class DaskExecutor:
    """Chunks on a Dask ``distributed`` cluster.

    Parameters
    ----------
    address : str, optional
        Scheduler of an existing cluster (``"tcp://HOST:PORT"``); its workers must be able to
        import qmemristor (and the model's functions).
    n_workers : int, optional
        Without ``address``: start a ``LocalCluster`` with this many single-threaded worker
        processes (closed on exit).
    client : distributed.Client, optional
        Use this client (and leave it open).
    processes : bool
        For the ``LocalCluster``: worker processes (default) or threads of this process.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        n_workers: int | None = None,
        client: Any = None,
        processes: bool = True,
    ) -> None:
        if sum(x is not None for x in (address, n_workers, client)) != 1:
            raise ParameterError("give exactly one of a scheduler address, n_workers or a client")
        if n_workers is not None and (isinstance(n_workers, bool) or int(n_workers) < 1):
            raise ParameterError(f"workers must be ≥ 1 (got {n_workers!r})")
        if address is not None and not _ADDRESS.match(str(address)):
            raise ParameterError(
                f"{address!r} is not a Dask scheduler address; expected PROTOCOL://HOST:PORT, "
                "e.g. tcp://10.0.0.5:8786"
            )
        self.address = address
        self.n_workers = n_workers
        self.client = client
        self.processes = processes
        self._own: list[Any] = []

    def __enter__(self) -> DaskExecutor:
        if self.client is not None:
            return self
        from distributed import Client, LocalCluster

        if self.address is not None:
            try:
                self.client = Client(self.address, timeout="5s")
            except (OSError, TimeoutError) as exc:
                raise OSError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
            self._own = [self.client]
        else:
            assert self.n_workers is not None  # exactly one of the three (__init__)
            cluster = LocalCluster(
                n_workers=int(self.n_workers),
                threads_per_worker=1,
                processes=self.processes,
                protocol="tcp://",
                host="127.0.0.1",
                dashboard_address=None,
            )
            self.client = Client(cluster)
            self._own = [self.client, cluster]
        return self

    def __exit__(self, *exc: object) -> None:
        for obj in self._own:
            obj.close()
        self._own = []

    def map(
        self, model: SweepModel, sweep: Sweep, chunks: Iterable[Chunk]
    ) -> Iterator[tuple[Chunk, dict[str, NDArray]]]:
        """Results of ``compute_chunk`` as they complete (at most 2 × workers in flight)."""
        from distributed import as_completed

        if self.client is None:
            raise RuntimeError("use DaskExecutor as a context manager")
        n = max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))
        todo = iter(chunks)
        first = [  # range first: zip stops on it without drawing (and dropping) one more chunk
            self.client.submit(compute_chunk, model, sweep, c, pure=False)
            for _, c in zip(range(2 * n), todo, strict=False)
        ]
        queue = as_completed(first)
        for fut in queue:
            yield fut.result()
            fut.release()
            nxt = next(todo, None)
            if nxt is not None:
                queue.add(self.client.submit(compute_chunk, model, sweep, nxt, pure=False))


# --------------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------------
def run_sweep(
    sweep: Sweep,
    *,
    out: str | os.PathLike[str] | None = None,
    executor: LocalExecutor | DaskExecutor | None = None,
    model: SweepModel | None = None,
    progress: ProgressFn | None = None,
):
    """Compute ``sweep`` and return its ``xarray.Dataset``.

    :func:`compute_sweep`, labelled (arguments as there).

    Returns
    -------
    xarray.Dataset
        One coordinate per axis, one variable per model output (``status`` among them);
        attributes: fixed parameters, options, axes, specification, version and seed.
    """
    return compute_sweep(
        sweep, out=out, executor=executor, model=model, progress=progress
    ).to_dataset()


def compute_sweep(
    sweep: Sweep,
    *,
    out: str | os.PathLike[str] | None = None,
    executor: LocalExecutor | DaskExecutor | None = None,
    model: SweepModel | None = None,
    progress: ProgressFn | None = None,
) -> SweepStore | MemoryResults:
    """Compute ``sweep``; its results as a store (``out``) or in memory.

    Parameters
    ----------
    sweep : Sweep
        From :func:`make_sweep`.
    out : path, optional
        A ``.zarr`` store: created if missing, else resumed (only chunks not yet done are
        computed; a store of another sweep raises
        :class:`~qmemristor.errors.DataFileError`).  Without it, results stay in memory.
    executor : LocalExecutor or DaskExecutor, optional
        Where chunks run (default: :class:`LocalExecutor` with all cores).
    model : SweepModel, optional
        The model, if it is not registered under ``sweep.model``.
    progress : callable, optional
        ``progress(points_done, points_total)`` after every stored chunk (and once at start).

    Returns
    -------
    SweepStore or MemoryResults
        ``read_arrays()`` gives the outputs as plain arrays, ``to_dataset()`` the labelled
        dataset of :func:`run_sweep`.
    """
    mdl = model if model is not None else get_model(sweep.model)
    if mdl.name != sweep.model:
        raise ParameterError(f"the sweep is for model {sweep.model!r}, not {mdl.name!r}")
    new_store = out is not None and not Path(out).exists()
    results = SweepStore.open(out, sweep, mdl) if out is not None else MemoryResults(sweep, mdl)
    todo = results.missing()
    done = sweep.n_points - sum(c.size for c in todo)
    if progress is not None:
        progress(done, sweep.n_points)
    if todo:
        ex = executor if executor is not None else LocalExecutor()
        try:
            ex.__enter__()
        except BaseException:
            if new_store and out is not None:  # nothing computed yet: leave nothing behind
                shutil.rmtree(out, ignore_errors=True)
            raise
        try:
            for chunk, res in ex.map(mdl, sweep, todo):
                results.write(chunk, res)
                done += chunk.size
                if progress is not None:
                    progress(done, sweep.n_points)
        finally:
            ex.__exit__(None, None, None)
        left = results.missing()
        if left:  # an executor that lost chunks must not pass for a finished sweep
            raise RuntimeError(f"{len(left)} chunk(s) were not computed, e.g. {left[0].index}")
    return results
