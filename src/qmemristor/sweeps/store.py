"""Results of a sweep as an ``xarray.Dataset``, in memory or streamed into a zarr v3 store.

Store layout (readable directly with ``xarray.open_zarr(path)``):

- one array per axis (the coordinate values) and one per output, dimensions = axis names;
  their zarr chunks are *blocks*: whole sweep chunks, about :data:`BLOCK_POINTS` points
  (:func:`block_factors`), each block one file per output, written by an atomic file replace
  (zarr's ``LocalStore``) and protected by a CRC-32C checksum (the ``crc32c`` codec after
  ``zstd``: a truncated or altered file fails to decode);
- ``done`` (uint8, one element per sweep chunk, dims ``chunk_<axis>``, one file per block):
  1 once the chunk's results are stored.  A flush writes the blocks' data files first and
  their ``done`` files after them, so a store killed at any moment (SIGKILL included) marks
  done only chunks whose data are on disk;
- attributes: the provenance (parameters, version, seed), the sweep specification as JSON
  (``sweep_spec``), its fingerprint (``sweep_fingerprint``) and the layout version
  (``sweep_store_layout``).  A store whose fingerprint differs from the requested sweep is
  refused (:class:`~qmemristor.errors.DataFileError`).

Resuming verifies the marks against the data actually present: a block whose chunks are
marked done but whose file of some output is missing, truncated or fails its checksum is
recomputed (every chunk in it), and ``SweepStore.notes`` says so in one line.  Nothing
marked done is trusted without its data.

Writes are batched: :meth:`SweepStore.write` keeps a chunk's results in memory and the store
is written by :meth:`SweepStore.flush`, block by block, when the last flush is older than
:data:`FLUSH_COST_RATIO` times its own duration (at most ``flush_interval`` seconds; at the
end, on an error and on Ctrl-C too): storing then costs at most ~2 % of a run, however small
its chunks, and the store stays as fresh as that allows.  A run killed between flushes loses
only the chunks computed since the last flush (they are recomputed).  The store is created at the
first flush, so a sweep that fails before its first result leaves no store behind.

Only the driver process writes (workers return their chunk's results, a few numbers per
point): no concurrent writers on one store (:class:`StoreLock` keeps a second run out), and
remote Dask workers need not see the driver's file system.
"""

from __future__ import annotations

import json
import math
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import DataFileError, ParameterError
from ..io import (
    check_writable_dir,
    create_zarr_group,
    json_attrs,
    open_zarr_group,
    provenance_attrs,
)
from .grid import Chunk, Sweep
from .models import SweepModel

__all__ = [
    "BLOCK_POINTS",
    "MemoryResults",
    "StoreLock",
    "StoreLockedError",
    "SweepStore",
    "block_factors",
    "build_dataset",
    "dataset_attrs",
    "result_bytes_per_point",
]

FINGERPRINT_KEY = "sweep_fingerprint"
LAYOUT_KEY = "sweep_store_layout"
#: Version of the layout above (1: one zarr chunk per sweep chunk, no checksums).
LAYOUT = 2
#: Points per stored block (whole sweep chunks, at least one).  Measured: a block of 4096
#: points writes its 8 files in ~4 ms, so a flush per second costs < 1 % of a run, while
#: one file per chunk of one point cost 15 ms per chunk (eight zarr writes).
BLOCK_POINTS = 4096
#: A flush is due when the time since the last one exceeds this multiple of its duration.
FLUSH_COST_RATIO = 50.0


def dataset_attrs(sweep: Sweep, model: SweepModel) -> dict[str, Any]:
    """Attributes of a sweep's dataset: fixed parameters, axes, options, version, seed."""
    params: dict[str, Any] = {"model": model.name, **sweep.fixed_dict}
    for k, v in sweep.options:
        params[k if k not in params else f"option_{k}"] = v
    params["axes"] = " ".join(str(a) for a in sweep.axes)
    params["chunk"] = list(sweep.chunk)
    params["status_meanings"] = {str(k): v for k, v in model.status_meanings.items()}
    params["sweep_spec"] = sweep.to_json()
    params[FINGERPRINT_KEY] = sweep.fingerprint
    return provenance_attrs(params, seed=sweep.seed)


def build_dataset(sweep: Sweep, model: SweepModel, arrays: dict[str, NDArray]):
    """The labelled dataset: one coordinate per axis, one variable per model output."""
    import xarray as xr

    dims = sweep.names
    coords = {
        a.name: (a.name, a.values, dict(model.parameter_attrs.get(a.name, {}))) for a in sweep.axes
    }
    data = {o.name: (dims, arrays[o.name], dict(o.attrs)) for o in model.outputs}
    return xr.Dataset(data, coords=coords, attrs=dataset_attrs(sweep, model))


def result_bytes_per_point(model: SweepModel) -> int:
    """Bytes one point's outputs take in memory (the results a run holds)."""
    return sum(np.dtype(o.dtype).itemsize for o in model.outputs)


def _empty(sweep: Sweep, model: SweepModel) -> dict[str, NDArray]:
    return {o.name: np.full(sweep.shape, o.fill, dtype=o.dtype) for o in model.outputs}


def _check_results(chunk: Chunk, model: SweepModel, results: dict[str, NDArray]) -> dict:
    out = {}
    for o in model.outputs:
        if o.name not in results:
            raise ValueError(f"model {model.name!r} returned no {o.name!r}")
        out[o.name] = np.asarray(results[o.name]).astype(o.dtype, copy=False)
        out[o.name] = out[o.name].reshape(chunk.shape)
    return out


def point_mask(sweep: Sweep, done: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``done`` (one flag per chunk) spread over the points of the grid."""
    mask = done
    for axis, c in enumerate(sweep.chunk):
        mask = np.repeat(mask, c, axis=axis)
    return mask[tuple(slice(0, n) for n in sweep.shape)]


def pending_chunks(sweep: Sweep, done: NDArray[np.bool_]) -> Iterator[Chunk]:
    """The chunks not marked in ``done`` (shape: the chunk grid), in C order, lazily."""
    for flat in np.flatnonzero(~done.reshape(-1)):
        yield sweep.chunk_at(tuple(int(i) for i in np.unravel_index(flat, done.shape)))


class MemoryResults:
    """Results held in memory (no store): the same interface as :class:`SweepStore`."""

    def __init__(self, sweep: Sweep, model: SweepModel) -> None:
        self.sweep = sweep
        self.model = model
        self.arrays = _empty(sweep, model)
        self.done = np.zeros(sweep.chunk_grid, dtype=bool)
        self.notes: list[str] = []

    def done_mask(self) -> NDArray[np.bool_]:
        return self.done.copy()

    def missing(self) -> list[Chunk]:
        return list(self.pending())

    def pending(self) -> Iterator[Chunk]:
        return pending_chunks(self.sweep, self.done)

    def write(self, chunk: Chunk, results: dict[str, NDArray]) -> None:
        for name, values in _check_results(chunk, self.model, results).items():
            self.arrays[name][chunk.slices] = values
        self.done[chunk.index] = True

    def flush(self) -> None:
        """Nothing to write (the interface of :meth:`SweepStore.flush`)."""

    def to_dataset(self):
        return build_dataset(self.sweep, self.model, self.arrays)


# --------------------------------------------------------------------------------------------
# blocks
# --------------------------------------------------------------------------------------------
def block_factors(sweep: Sweep, points: int | None = None) -> tuple[int, ...]:
    """Sweep chunks per stored block along each axis: about ``points`` points (default
    :data:`BLOCK_POINTS`), whole rows of chunks along the last axes first (as
    :func:`~qmemristor.sweeps.grid.default_chunk`)."""
    grid = sweep.chunk_grid
    factors = [1] * len(grid)
    target = BLOCK_POINTS if points is None else int(points)
    budget = max(1, target // math.prod(sweep.chunk))
    for i in range(len(grid) - 1, -1, -1):
        take = min(grid[i], budget)
        factors[i] = take
        budget = max(1, budget // take)
        if take < grid[i]:
            break
    return tuple(factors)


def _block_shape(sweep: Sweep, factors: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(min(f * c, n) for f, c, n in zip(factors, sweep.chunk, sweep.shape, strict=True))


class SweepStore:
    """A sweep's zarr store: created at the first flush, resumed afterwards (module docstring).

    Use :meth:`open`; :meth:`missing` (or :meth:`pending`) lists the chunks still to compute
    after verifying what is stored, :meth:`write` takes one chunk's results, :meth:`flush`
    stores them, :meth:`to_dataset` returns everything as a dataset.

    Attributes
    ----------
    notes : list of str
        What the verification of an existing store found and repaired (one line each).
    flush_interval : float
        Longest time in seconds between flushes of written chunks (0: every :meth:`write` is
        stored at once); flushes are sooner when they are cheap (module docstring).
    """

    def __init__(
        self, path: Path, group: Any, sweep: Sweep, model: SweepModel, flush_interval: float = 0.0
    ) -> None:
        self.path = path
        self.group = group
        self.sweep = sweep
        self.model = model
        self.flush_interval = float(flush_interval)
        self.factors = block_factors(sweep)
        self.block = _block_shape(sweep, self.factors)
        self.arrays = _empty(sweep, model)
        self.done = np.zeros(sweep.chunk_grid, dtype=bool)
        self.notes: list[str] = []
        self._zarrays: dict[str, Any] = {}
        self._dirty: set[tuple[int, ...]] = set()
        self._loaded = group is None  # a store not created yet holds nothing
        self._last_flush = time.monotonic()
        self._flush_cost = 0.0

    @classmethod
    def open(cls, path: str | os.PathLike[str], sweep: Sweep, model: SweepModel) -> SweepStore:
        """The store at ``path`` for ``sweep``; a store that does not exist yet is created at
        the first :meth:`flush`.

        Raises :class:`ParameterError` if ``path`` does not end in ``.zarr``, ``OSError`` if
        its folder is missing or not writable, and :class:`DataFileError` if ``path`` holds
        something else (not zarr, corrupt, another program's store or another sweep).
        """
        p = Path(path).expanduser()
        check_store_path(p)
        if not p.exists() and not p.is_symlink():
            return cls(p, None, sweep, model)
        hint = f"use a new --out or delete {p} to start over"
        group = open_zarr_group(p, key=FINGERPRINT_KEY, expected=sweep.fingerprint, hint=hint)
        store = cls(p, group, sweep, model)
        store._attach(hint)
        return store

    # ---- reading and verifying ------------------------------------------------------------
    def _attach(self, hint: str) -> None:
        """Find the arrays a store of this sweep must have, with their shapes and blocks."""
        try:
            names = set(self.group.array_keys())
            arrays = {n: self.group[n] for n in names}
        except Exception as exc:  # listing failed: unreadable metadata
            raise DataFileError(f"{self.path} is a corrupt zarr store; {hint}") from exc
        need = {"done", *self.sweep.names, *(o.name for o in self.model.outputs)}
        if not need <= names:
            raise DataFileError(
                f"{self.path} is a corrupt sweep store (missing {sorted(need - names)}); {hint}"
            )
        done = arrays["done"]
        factors = tuple(int(c) for c in done.chunks)
        block = _block_shape(self.sweep, factors)
        for o in self.model.outputs:
            arr = arrays[o.name]
            if tuple(arr.shape) != self.sweep.shape or tuple(arr.chunks) != block:
                raise DataFileError(
                    f"{self.path} is a corrupt sweep store (array {o.name!r} has shape "
                    f"{tuple(arr.shape)} in blocks {tuple(arr.chunks)}, expected "
                    f"{self.sweep.shape} in blocks {block}); {hint}"
                )
        if tuple(done.shape) != self.sweep.chunk_grid:
            raise DataFileError(
                f"{self.path} is a corrupt sweep store ('done' has shape {tuple(done.shape)}, "
                f"expected {self.sweep.chunk_grid}); {hint}"
            )
        self.factors, self.block = factors, block
        self._zarrays = {
            n: arrays[n].with_config({"write_empty_chunks": True})
            for n in ("done", *(o.name for o in self.model.outputs))
        }

    def _blocks(self) -> Iterator[tuple[int, ...]]:
        grid = tuple(-(-g // f) for g, f in zip(self.sweep.chunk_grid, self.factors, strict=True))
        for b in np.ndindex(*grid):
            yield tuple(int(i) for i in b)

    def _done_slices(self, b: tuple[int, ...]) -> tuple[slice, ...]:
        return tuple(slice(i * f, (i + 1) * f) for i, f in zip(b, self.factors, strict=True))

    def _data_slices(self, b: tuple[int, ...]) -> tuple[slice, ...]:
        return tuple(slice(i * s, (i + 1) * s) for i, s in zip(b, self.block, strict=True))

    def _chunk_file(self, name: str, b: tuple[int, ...]) -> Path:
        return self.path / name / self._zarrays[name].metadata.encode_chunk_key(b)

    def _read(self, name: str) -> tuple[NDArray, set[tuple[int, ...]]]:
        """A whole array, and the blocks whose file fails to decode (read as fill values)."""
        arr = self._zarrays[name]
        try:
            return np.asarray(arr[...]), set()
        except Exception:  # noqa: BLE001 - a corrupt block: read block by block to find it
            pass
        data = np.full(arr.shape, arr.fill_value, dtype=arr.dtype)
        bad = set()
        for b in self._blocks():
            sl = self._done_slices(b) if name == "done" else self._data_slices(b)
            try:
                data[sl] = arr[sl]
            except Exception:  # noqa: BLE001 - checksum mismatch, truncated, undecodable
                bad.add(b)
        return data, bad

    def load(self) -> None:
        """Read the store and verify every chunk marked done against the data present.

        A block marked (partly) done whose file of some output is missing or unreadable is
        recomputed: its chunks lose their mark (one line in ``notes``).  Chunks not
        marked done hold fill values afterwards.
        """
        if self._loaded:
            return
        done, bad_done = self._read("done")
        marked = done == 1
        arrays: dict[str, NDArray] = {}
        damaged: dict[tuple[int, ...], list[str]] = {}
        for o in self.model.outputs:
            arrays[o.name], bad = self._read(o.name)
            for b in self._blocks():
                if marked[self._done_slices(b)].any() and (
                    b in bad or not self._chunk_file(o.name, b).is_file()
                ):
                    damaged.setdefault(b, []).append(o.name)
        before = point_mask(self.sweep, marked)
        for b in damaged:
            marked[self._done_slices(b)] = False
        lost = int(before.sum() - point_mask(self.sweep, marked).sum())
        if damaged:
            first = sorted(damaged)[0]
            files = ", ".join(
                f"{n}/{self._zarrays[n].metadata.encode_chunk_key(first)}" for n in damaged[first]
            )
            more = f" and {len(damaged) - 1} more block(s)" if len(damaged) > 1 else ""
            self.notes.append(
                f"{self.path}: stored results missing or unreadable ({files}{more}); "
                f"recomputing their {lost} point(s)"
            )
        if bad_done:
            self.notes.append(
                f"{self.path}: {len(bad_done)} block(s) of completion marks unreadable; "
                "recomputing their chunks"
            )
        self.done = marked
        unmarked = ~point_mask(self.sweep, marked)
        for o in self.model.outputs:
            data = arrays[o.name].astype(o.dtype, copy=False)
            data[unmarked] = o.fill  # what is not marked holds fill values
            self.arrays[o.name] = data
        self._loaded = True

    def done_mask(self) -> NDArray[np.bool_]:
        """Which chunks are complete (shape: the chunk grid), after verification."""
        self.load()
        return self.done.copy()

    def missing(self) -> list[Chunk]:
        """The chunks still to compute (a list; :meth:`pending` iterates lazily)."""
        return list(self.pending())

    def pending(self) -> Iterator[Chunk]:
        self.load()
        return pending_chunks(self.sweep, self.done)

    # ---- writing --------------------------------------------------------------------------
    def write(self, chunk: Chunk, results: dict[str, NDArray]) -> None:
        """Take one chunk's outputs; stored by the next :meth:`flush` (at once if it is due)."""
        self.load()
        for name, values in _check_results(chunk, self.model, results).items():
            self.arrays[name][chunk.slices] = values
        # the block is marked for the next flush before the chunk counts as done: a Ctrl-C
        # in between leaves the chunk undone, never done and unstored
        self._dirty.add(tuple(i // f for i, f in zip(chunk.index, self.factors, strict=True)))
        self.done[chunk.index] = True
        wait = min(self.flush_interval, FLUSH_COST_RATIO * self._flush_cost)
        if time.monotonic() - self._last_flush >= wait:
            self.flush()

    @property
    def unflushed(self) -> bool:
        """Whether written chunks wait for a :meth:`flush`."""
        return bool(self._dirty)

    def flush(self) -> None:
        """Store the written chunks: each changed block's data files, then its marks.

        Creates the store first if it does not exist yet.  ``OSError`` (a full disk, say)
        leaves the store as it was before this flush: every file is replaced atomically and
        marks are written only after their data.
        """
        start = time.monotonic()
        if not self._dirty:
            self._last_flush = start
            return
        if self.group is None:
            self._create()
            start = time.monotonic()  # the cost of later flushes: block writes only
        blocks = sorted(self._dirty)
        for b in blocks:
            sl = self._data_slices(b)
            for o in self.model.outputs:
                self._zarrays[o.name][sl] = self.arrays[o.name][sl]
        for b in blocks:
            sl = self._done_slices(b)
            self._zarrays["done"][sl] = self.done[sl].astype(np.uint8)
        self._dirty.clear()
        self._last_flush = time.monotonic()
        self._flush_cost = self._last_flush - start

    def _create(self) -> None:
        attrs = json_attrs({**dataset_attrs(self.sweep, self.model), LAYOUT_KEY: LAYOUT})
        create_zarr_group(
            self.path, attrs, lambda g: _populate(g, self.sweep, self.model, self.factors)
        )
        fingerprint = self.sweep.fingerprint
        self.group = open_zarr_group(self.path, key=FINGERPRINT_KEY, expected=fingerprint)
        self._attach(f"delete {self.path} to start over")

    def to_dataset(self):
        """Everything in the store as an in-memory dataset (not-yet-computed points hold fill
        values: NaN, or −1 for codes)."""
        self.load()
        return build_dataset(self.sweep, self.model, {k: v.copy() for k, v in self.arrays.items()})


def check_store_path(path: Path) -> Path:
    """``--out`` of a sweep: a ``.zarr`` path in an existing, writable folder."""
    if path.suffix != ".zarr":
        raise ParameterError(f"--out must end in .zarr (got {path.name})")
    check_writable_dir(path)
    return path


def _codecs() -> list[Any]:
    from zarr.codecs import Crc32cCodec, ZstdCodec

    return [ZstdCodec(), Crc32cCodec()]


def _populate(group: Any, sweep: Sweep, model: SweepModel, factors: tuple[int, ...]) -> None:
    """Create the (empty) arrays of a new store."""
    dims = list(sweep.names)
    block = _block_shape(sweep, factors)
    for a in sweep.axes:
        arr = group.create_array(
            a.name,
            shape=(a.num,),
            dtype="f8",
            chunks=(a.num,),
            dimension_names=[a.name],
            fill_value=np.nan,
            attributes=json_attrs(dict(model.parameter_attrs.get(a.name, {}))),
        )
        arr[...] = a.values
    for o in model.outputs:
        group.create_array(
            o.name,
            shape=sweep.shape,
            dtype=o.dtype,
            chunks=block,
            dimension_names=dims,
            fill_value=o.fill,
            compressors=_codecs(),
            attributes=json_attrs(dict(o.attrs)),
        )
    group.create_array(
        "done",
        shape=sweep.chunk_grid,
        dtype="u1",
        chunks=tuple(min(f, g) for f, g in zip(factors, sweep.chunk_grid, strict=True)),
        dimension_names=[f"chunk_{d}" for d in dims],
        fill_value=0,
        compressors=_codecs(),
        attributes={"long_name": "1 when the chunk's results are stored"},
    )


# --------------------------------------------------------------------------------------------
# one run per store
# --------------------------------------------------------------------------------------------
class StoreLockedError(DataFileError):
    """Another live run holds the store's lock."""


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (Linux: field 22 of /proc/PID/stat), to tell a
    process from a later one that reuses its PID; None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def _alive(pid: int, start: str | None) -> bool:
    """Whether process ``pid`` (started at ``start``, if known) still runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return start is None or _start_time(pid) in (None, start)


class StoreLock:
    """One run per store: a lock file ``<store>.lock`` beside the store, holding the PID, host
    and start time of the run that owns it (JSON).

    Taking it (:meth:`acquire`, or ``with StoreLock(path):``) creates the file atomically
    (written under a temporary name, then hard-linked into place, so it is never seen
    half-written); if it exists, its holder is checked: a holder on this host whose process is
    gone (or whose PID now belongs to a later process) left a *stale* lock, which is
    replaced; a live holder, or one on another host, makes :class:`StoreLockedError` naming
    it.  :meth:`release` removes the file.  A run killed with SIGKILL leaves its lock file,
    stale from then on.
    """

    def __init__(self, store: str | os.PathLike[str]) -> None:
        p = Path(store).expanduser()
        self.store = p
        self.path = p.with_name(p.name + ".lock")
        self._held = False

    def _record(self) -> dict[str, Any]:
        pid = os.getpid()
        return {
            "pid": pid,
            "host": socket.gethostname(),
            "start": _start_time(pid),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }

    def _holder(self) -> dict[str, Any] | None:
        try:
            holder = json.loads(self.path.read_text())
            int(holder["pid"])
            return holder
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def acquire(self) -> StoreLock:
        record = self._record()
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{time.monotonic_ns()}")
        tmp.write_text(json.dumps(record))
        try:
            for _ in range(5):
                try:
                    os.link(tmp, self.path)
                except FileExistsError:
                    pass
                else:
                    self._held = True
                    return self
                holder = self._holder()
                if holder is None:  # released meanwhile: try again
                    continue
                if not holder:
                    raise StoreLockedError(
                        f"{self.store} is locked by {self.path}, which this program did not "
                        f"write; delete {self.path} if no sweep runs on {self.store}"
                    )
                same_host = holder.get("host") == record["host"]
                if same_host and not _alive(int(holder["pid"]), holder.get("start")):
                    self._break(holder)
                    continue
                where = "" if same_host else f" on {holder.get('host')}"
                raise StoreLockedError(
                    f"{self.store} is in use by another sweep (PID {holder['pid']}{where}, "
                    f"since {holder.get('since', '?')}); wait for it to finish, or delete "
                    f"{self.path} if that process is gone"
                )
            raise StoreLockedError(f"could not lock {self.store} (its lock keeps changing)")
        finally:
            tmp.unlink(missing_ok=True)

    def _break(self, stale: dict[str, Any]) -> None:
        """Remove a stale lock, unless another run replaced it meanwhile."""
        grave = self.path.with_name(f".{self.path.name}.stale.{os.getpid()}")
        try:
            os.rename(self.path, grave)
        except FileNotFoundError:
            return
        try:
            if json.loads(grave.read_text()) != stale:  # a live lock taken meanwhile: put back
                try:
                    os.link(grave, self.path)
                except FileExistsError:
                    pass
        except (OSError, ValueError):
            pass
        finally:
            grave.unlink(missing_ok=True)

    def release(self) -> None:
        if self._held:
            self._held = False
            holder = self._holder()
            if holder and int(holder["pid"]) == os.getpid():
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
