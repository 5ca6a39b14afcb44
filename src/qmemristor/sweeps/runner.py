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

Interruptions: Ctrl-C stops a run at once (a chunk that is running is abandoned, chunks
already computed are stored) and raises :class:`SweepInterrupted`; a lost executor (a Dask
scheduler gone) raises :class:`ExecutorLostError`; either way the store keeps every chunk
computed before and the same call resumes it.  Two runs on one store are kept apart by
:class:`~qmemristor.sweeps.store.StoreLock`.  Before anything is created, :func:`make_sweep`
checks the sweep's size (:func:`check_sweep_size`: the results a run holds in memory, within
``QMEMRISTOR_MAX_BYTES``) and tolerance options (``rtol``, ``atol``: the shared ranges of
:mod:`qmemristor.limits`).

Determinism: a chunk's results depend only on the specification and the chunk (the same
points, evaluated in the same order by the same code), never on the executor, the number of
workers or the completion order, so an interrupted and resumed sweep equals an uninterrupted
one bit for bit on the same machine (workers on other machines agree to round-off).

Test hook: if the environment variable ``QMEMRISTOR_SWEEP_EVAL_LOG`` names a file, every
evaluated chunk appends one line with the flat indices of its points (to count evaluations).
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import limits
from ..errors import ParameterError
from .grid import DEFAULT_CHUNK_POINTS, Axis, Chunk, Sweep, default_chunk, parse_axis
from .models import SweepModel, get_model
from .store import (
    MemoryResults,
    StoreLock,
    SweepStore,
    check_store_path,
    point_mask,
    result_bytes_per_point,
)

__all__ = [
    "EVAL_LOG_ENV",
    "DaskExecutor",
    "ExecutorLostError",
    "LocalExecutor",
    "SweepInterrupted",
    "check_sweep_size",
    "compute_chunk",
    "make_sweep",
    "run_sweep",
]

EVAL_LOG_ENV = "QMEMRISTOR_SWEEP_EVAL_LOG"
ProgressFn = Callable[[int, int], None]
NoteFn = Callable[[str], None]

#: Longest time in seconds between two flushes of computed chunks into a store (they are
#: sooner when cheap: :class:`~qmemristor.sweeps.store.SweepStore`).
FLUSH_INTERVAL = 10.0
#: A run holds its results in memory (the arrays of every output) and returns a dataset that
#: copies them: twice the bytes of the results at least.
RESULT_COPIES = 2


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_sweep`: the message says how many points are stored where."""


class ExecutorLostError(ConnectionError):
    """The executor went away during a run (a Dask scheduler stopped or unreachable)."""


# --------------------------------------------------------------------------------------------
# sizes
# --------------------------------------------------------------------------------------------
def check_sweep_size(sweep: Sweep, model: SweepModel, extra_bytes: float = 0.0) -> None:
    """Refuse a sweep whose results do not fit the memory budget, before anything is made.

    The estimate is a lower bound: :data:`RESULT_COPIES` copies of every output (points ×
    bytes per point, e.g. 42 B for the neuron) plus one byte per chunk (the done marks) plus
    ``extra_bytes`` (what the model's evaluation of the chunks in flight needs, if the caller
    knows).  Raises :class:`~qmemristor.errors.ResourceLimitError` naming the sizes, the
    budget and the remedy.
    """
    points = math.prod(sweep.shape)
    need = RESULT_COPIES * float(points) * result_bytes_per_point(model)
    need += float(math.prod(sweep.chunk_grid)) + float(extra_bytes)
    shape = " × ".join(str(n) for n in sweep.shape)
    limits.check_bytes(
        need,
        f"a sweep of {points:.3g} points ({shape}) in {float(sweep.n_chunks):.3g} chunks",
        "use fewer points per axis or split the sweep into several",
    )


def _check_tolerances(options: Mapping[str, Any]) -> None:
    """Options named ``rtol`` / ``atol`` are integrator tolerances, in the shared ranges."""
    if "rtol" in options:
        limits.check_rtol(options["rtol"])
    if "atol" in options:
        limits.check_atol(options["atol"])


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
    check_size: Callable[[Sweep], None] | None = None,
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
    check_size : callable, optional
        ``check_size(sweep)`` raises for a sweep too large to run (e.g. a work estimate of the
        model); called after :func:`check_sweep_size` and before the axis values are checked
        one by one.

    Raises
    ------
    ParameterError
        Unknown names (the message lists the valid ones), a parameter swept twice or swept
        and fixed, an axis value the model rejects (e.g. α outside [0, 2]), bad options or
        tolerances outside the shared ranges (``rtol`` in [1e-14, 0.1], ``atol`` in
        [1e-30, 1e-4]).
    ResourceLimitError
        The sweep's results do not fit the memory budget (:func:`check_sweep_size`), or
        ``check_size`` refused it.
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
    base = {**full, **{a.name: float(mdl.defaults[a.name]) for a in parsed}}
    if mdl.check_point is not None:
        mdl.check_point(base)  # the fixed values (axes at their defaults)
    opts = dict(options or {})
    if mdl.check_options is not None:
        opts = mdl.check_options(opts)
    _check_tolerances(opts)
    shape = tuple(a.num for a in parsed)
    chunk_shape = tuple(chunk) if chunk is not None else default_chunk(shape, chunk_points)
    sweep = Sweep(
        model=mdl.name,
        axes=parsed,
        fixed=tuple(full.items()),
        options=tuple(opts.items()),
        seed=seed,
        chunk=chunk_shape,
    )
    check_sweep_size(sweep, mdl)
    if check_size is not None:
        check_size(sweep)
    if mdl.check_point is not None:  # every axis value (after the size: axes can be long)
        for a in parsed:
            for v in a._values:
                try:
                    mdl.check_point({**base, a.name: float(v)})
                except ParameterError as exc:
                    raise ParameterError(f"axis {a}: {exc}") from None
    return sweep


# --------------------------------------------------------------------------------------------
# one chunk
# --------------------------------------------------------------------------------------------
_PREPARED: set[str] = set()
_PREPARE_LOCK = threading.Lock()


def _prepare_once(model: SweepModel, sweep: Sweep) -> None:
    """Run ``model.prepare`` once per process and fixed parameters (compiles, builds tables)."""
    if model.prepare is None:
        return
    key = f"{model.name}:{sweep.fingerprint}"
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


class _DaemonThreads:
    """A pool of daemon threads running submitted calls, each with a
    :class:`concurrent.futures.Future`; :meth:`abandon` leaves the running calls behind.

    Measured reason (instead of ``ThreadPoolExecutor``): the interpreter joins the worker
    threads of a ``ThreadPoolExecutor`` at exit, so Ctrl-C in a sweep waited for every running
    chunk to finish (9.6 s for the chunks of 200 stationary points at Γ ∈ [0.01, 1] on 2 cores)
    before the process could exit, only to discard them.  Daemon threads are not joined: the
    process exits at once, and an abandoned chunk ends with it (its results are not wanted).
    """

    def __init__(self, workers: int) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"qmemristor-sweep-{i}", daemon=True)
            for i in range(workers)
        ]
        for t in self._threads:
            t.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fut, fn, args = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                fut.set_exception(exc)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut: Future = Future()
        self._queue.put((fut, fn, args))
        return fut

    def shutdown(self, wait: bool = True) -> None:
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for t in self._threads:
                t.join()


def _ready_results(futures: Iterable[Any]) -> list[Any]:
    """Results of the futures that completed successfully (the others are dropped)."""
    out = []
    for f in futures:
        try:
            if f.done() and not f.cancelled() and f.exception(timeout=0) is None:
                out.append(f.result(timeout=0))
        except Exception:  # noqa: BLE001 - a result that cannot be fetched is recomputed
            continue
    return out


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
        """Results of ``compute_chunk`` as they complete (at most 2 × workers in flight).

        If the iteration ends early (Ctrl-C, an error of the caller, ``close()``), running
        chunks are abandoned at once: threads are left to finish unobserved (daemon threads,
        gone with the process), worker processes are terminated.  Chunks that had completed
        but were not yet taken are kept in ``unconsumed``.
        """
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        n = len(chunks) if isinstance(chunks, Sized) else None
        if n is None:
            chunks = list(chunks)
            n = len(chunks)
        kind, fn, arg = self._task(model, n)
        self.unconsumed: list[tuple[Chunk, dict[str, NDArray]]] = []
        pool: Any
        if kind == "threads":
            pool = _DaemonThreads(min(self.workers, max(n, 1)))
        else:
            pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        queue_ = iter(chunks)
        pending: set[Any] = set()
        ready: list[Any] = []  # completed, not yet handed to the caller
        try:
            # range first: zip stops on it without drawing (and dropping) one more chunk
            first = [c for _, c in zip(range(2 * self.workers), queue_, strict=False)]
            pending = {pool.submit(fn, arg, sweep, c) for c in first}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                ready = list(finished)
                while ready:
                    f = ready.pop()
                    nxt = next(queue_, None)  # keep the workers busy while the caller stores
                    if nxt is not None:
                        pending.add(pool.submit(fn, arg, sweep, nxt))
                    yield f.result()
        except BaseException:
            self.unconsumed = _ready_results([*ready, *pending])
            for f in pending:
                f.cancel()
            _abandon(pool)
            raise
        pool.shutdown(wait=True)


def _abandon(pool: Any) -> None:
    """Stop a pool without waiting for its running tasks."""
    if isinstance(pool, _DaemonThreads):
        pool.shutdown(wait=False)
        return
    # a ProcessPoolExecutor has no way to stop a running task but ending its process (the
    # processes are ours: started by this pool)
    for proc in list(getattr(pool, "_processes", None) or {}.values()):
        with contextlib.suppress(Exception):
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


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
        self._log_levels: list[tuple[Any, int]] = []

    def __enter__(self) -> DaskExecutor:
        if self.client is not None:
            return self
        import logging

        from distributed import Client, LocalCluster

        # distributed logs a lost scheduler (and its reconnection attempts) on stderr, where
        # the caller reports it in one line instead (ExecutorLostError); restored on exit
        # unless the scheduler was lost (see _lost)
        # (the handler distributed puts on its logger: its child loggers have levels of their
        # own, so the handler is where all of them can be held back)
        self._log_levels = [(h, h.level) for h in logging.getLogger("distributed").handlers]
        for h, _ in self._log_levels:
            h.setLevel(logging.CRITICAL + 1)

        if self.address is not None:
            try:
                self.client = Client(self.address, timeout="5s")
            except (OSError, TimeoutError) as exc:
                self.__exit__()
                raise OSError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
            self._own = [self.client]
        else:
            cluster = LocalCluster(
                n_workers=int(self.n_workers or 1),  # set when there is no address
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
        for obj in self._own:  # a lost scheduler must not hold the exit for long
            with contextlib.suppress(Exception):
                obj.close(timeout=5)
        self._own = []
        for h, level in self._log_levels:
            h.setLevel(level)
        self._log_levels = []

    def _lost(self, exc: BaseException) -> ExecutorLostError:
        where = f" at {self.address}" if self.address else ""
        reason = getattr(exc, "reason", None)  # a future cancelled by distributed
        # the client keeps trying to reconnect in the background and logs a traceback when it
        # gives up, after this run has ended: distributed's log stays quiet from now on
        self._log_levels = []
        detail = reason or " ".join(str(exc).split()) or type(exc).__name__
        return ExecutorLostError(f"lost the Dask scheduler{where} ({detail})")

    def map(
        self, model: SweepModel, sweep: Sweep, chunks: Iterable[Chunk]
    ) -> Iterator[tuple[Chunk, dict[str, NDArray]]]:
        """Results of ``compute_chunk`` as they complete (at most 2 × workers in flight).

        A scheduler that goes away (or whose connection breaks) raises
        :class:`ExecutorLostError`; an early end of the iteration cancels the chunks in
        flight (completed ones are kept in ``unconsumed``).
        """
        from distributed import as_completed

        if self.client is None:
            raise RuntimeError("use DaskExecutor as a context manager")
        self.unconsumed: list[tuple[Chunk, dict[str, NDArray]]] = []
        submitted: list[Any] = []
        try:
            n = max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))
            todo = iter(chunks)
            submitted = [  # range first: zip stops on it without drawing one more chunk
                self.client.submit(compute_chunk, model, sweep, c, pure=False)
                for _, c in zip(range(2 * n), todo, strict=False)
            ]
            queue_ = as_completed(submitted)
            for fut in queue_:
                if self.client.status not in ("running", "connecting"):
                    raise self._lost(RuntimeError(f"client {self.client.status}"))
                result = fut.result()
                fut.release()
                submitted.remove(fut)
                nxt = next(todo, None)
                if nxt is not None:
                    new = self.client.submit(compute_chunk, model, sweep, nxt, pure=False)
                    submitted.append(new)
                    queue_.add(new)
                yield result
        except (KeyboardInterrupt, GeneratorExit):
            self.unconsumed = _ready_results(submitted)
            self._cancel(submitted)
            raise
        except _LOST_ERRORS as exc:
            raise self._lost(exc) from exc
        except Exception as exc:
            if _is_connection_error(exc):
                raise self._lost(exc) from exc
            raise

    def _cancel(self, futures: list[Any]) -> None:
        with contextlib.suppress(Exception):
            self.client.cancel(futures, asynchronous=False, force=True)


def _is_connection_error(exc: BaseException) -> bool:
    """A failure of the connection to the scheduler (as distributed reports it)."""
    try:
        from distributed.client import FutureCancelledError
        from distributed.comm.core import CommClosedError
    except ImportError:  # pragma: no cover - distributed is imported by then
        return False
    if isinstance(exc, CommClosedError | OSError | TimeoutError):
        return True
    # futures of a client that lost its scheduler are cancelled with this reason
    return isinstance(exc, FutureCancelledError) and "scheduler" in str(exc).lower()


#: Connection failures as builtins (distributed's own ones are checked by
#: :func:`_is_connection_error`).
_LOST_ERRORS = (ConnectionError, TimeoutError)


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
    note: NoteFn | None = None,
    flush_interval: float = FLUSH_INTERVAL,
):
    """Compute ``sweep`` and return its ``xarray.Dataset``.

    Parameters
    ----------
    sweep : Sweep
        From :func:`make_sweep`.
    out : path, optional
        A ``.zarr`` store: created at the first stored results (a run that fails before
        leaves none), else resumed: only chunks not yet done are computed, after the stored
        ones are verified against their data (missing or unreadable data are recomputed, with
        a note); a store of another sweep raises :class:`~qmemristor.errors.DataFileError`,
        a store another run is using :class:`~qmemristor.sweeps.store.StoreLockedError`.
        Without it, results stay in memory.
    executor : LocalExecutor or DaskExecutor, optional
        Where chunks run (default: :class:`LocalExecutor` with all cores).
    model : SweepModel, optional
        The model, if it is not registered under ``sweep.model``.
    progress : callable, optional
        ``progress(points_done, points_total)`` after every computed chunk (and once at start).
    note : callable, optional
        ``note(line)`` for what the run repaired in the store (default: a ``UserWarning``).
    flush_interval : float
        Seconds between writes of computed chunks into the store (module
        :mod:`~qmemristor.sweeps.store`); 0 stores every chunk as it comes.

    Returns
    -------
    xarray.Dataset
        One coordinate per axis, one variable per model output (``status`` among them);
        attributes: fixed parameters, options, axes, specification, version and seed.

    Raises
    ------
    SweepInterrupted
        Ctrl-C: the run stops at once; the chunks computed so far are stored.
    ExecutorLostError
        The executor went away (a Dask scheduler); the chunks computed so far are stored.
    """
    mdl = model if model is not None else get_model(sweep.model)
    if mdl.name != sweep.model:
        raise ParameterError(f"the sweep is for model {sweep.model!r}, not {mdl.name!r}")
    check_sweep_size(sweep, mdl)
    say = note if note is not None else (lambda line: warnings.warn(line, stacklevel=3))
    if out is None:
        return _run(sweep, mdl, MemoryResults(sweep, mdl), executor, progress, say, None)
    path = check_store_path(Path(out).expanduser())
    with StoreLock(path):
        store = SweepStore.open(path, sweep, mdl)
        store.flush_interval = float(flush_interval)
        return _run(sweep, mdl, store, executor, progress, say, path)


def _run(sweep, mdl, results, executor, progress, say, path) -> Any:
    """The loop of :func:`run_sweep` over the chunks still to compute."""
    done_mask = results.done_mask()
    for line in results.notes:
        say(line)
    n_todo = int(done_mask.size - done_mask.sum())
    done = int(point_mask(sweep, done_mask).sum())
    if progress is not None:
        progress(done, sweep.n_points)
    if n_todo:
        ex = executor if executor is not None else LocalExecutor()
        ex.__enter__()
        stream: Any = ex.map(mdl, sweep, _Pending(results.pending(), n_todo))  # a generator
        stopped: BaseException | None = None
        try:
            for chunk, res in stream:
                results.write(chunk, res)
                done += chunk.size
                if progress is not None:
                    progress(done, sweep.n_points)
        except (KeyboardInterrupt, ExecutorLostError) as exc:
            stopped = exc
        finally:
            # closing the stream hands over the chunks that completed but were not taken (a
            # Ctrl-C may arrive while a result is being stored, outside the stream)
            stream.close()
            try:
                if isinstance(stopped, KeyboardInterrupt):
                    for chunk, res in getattr(ex, "unconsumed", ()):
                        results.write(chunk, res)
                results.flush()
            finally:
                with contextlib.suppress(Exception):
                    ex.__exit__(None, None, None)
        if stopped is not None:  # what is kept, counted from the results themselves
            kept = _kept(int(point_mask(sweep, results.done_mask()).sum()), sweep, path)
            if isinstance(stopped, KeyboardInterrupt):
                raise SweepInterrupted(f"interrupted; {kept}") from None
            raise ExecutorLostError(f"{stopped}; {kept}") from None
        if not results.done_mask().all():  # an executor that lost chunks must not pass
            left = next(results.pending())
            raise RuntimeError(f"chunk {left.index} was not computed")
    return results.to_dataset()


def _kept(done: int, sweep: Sweep, path: Any) -> str:
    if path is None:
        return f"{done} of {sweep.n_points} points were computed (in memory only: not kept)"
    return (
        f"{done} of {sweep.n_points} points are stored in {path}; run the same command again "
        "to continue"
    )


class _Pending:
    """The chunks still to compute: an iterator that knows its length."""

    def __init__(self, chunks: Iterator[Chunk], n: int) -> None:
        self._chunks = chunks
        self._n = n

    def __iter__(self) -> Iterator[Chunk]:
        return self._chunks

    def __len__(self) -> int:
        return self._n
