"""Results of a sweep as an ``xarray.Dataset``, in memory or streamed into a zarr v3 store.

Store layout (readable directly with ``xarray.open_zarr(path)``):

- one array per axis (the coordinate values) and one per output, dimensions = axis names,
  zarr chunks = the sweep's chunks, so every chunk of work is written as whole zarr chunks
  (each an atomic file replace in zarr's ``LocalStore``);
- ``done`` (uint8, one element per chunk, dims ``chunk_<axis>``): set to 1 after a chunk's
  outputs are written, so a store killed at any moment (SIGKILL included) holds only complete
  chunks marked done, and a rerun computes exactly the chunks not marked;
- attributes: the provenance (parameters, version, seed), the sweep specification as JSON
  (``sweep_spec``) and its fingerprint (``sweep_fingerprint``).  A store whose fingerprint
  differs from the requested sweep is refused (:class:`~qmemristor.errors.DataFileError`).

Only the driver process writes (workers return their chunk's results, a few numbers per
point): no concurrent writers on one store, and remote Dask workers need not see the driver's
file system.
"""

from __future__ import annotations

import os
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
    read_zarr_array,
)
from .grid import Chunk, Sweep
from .models import SweepModel

__all__ = ["MemoryResults", "SweepStore", "build_dataset", "dataset_attrs"]

FINGERPRINT_KEY = "sweep_fingerprint"


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


class MemoryResults:
    """Results held in memory (no store): the same interface as :class:`SweepStore`."""

    def __init__(self, sweep: Sweep, model: SweepModel) -> None:
        self.sweep = sweep
        self.model = model
        self.arrays = _empty(sweep, model)
        self.done = np.zeros(sweep.chunk_grid, dtype=bool)

    def missing(self) -> list[Chunk]:
        return [c for c in self.sweep.chunks() if not self.done[c.index]]

    def write(self, chunk: Chunk, results: dict[str, NDArray]) -> None:
        for name, values in _check_results(chunk, self.model, results).items():
            self.arrays[name][chunk.slices] = values
        self.done[chunk.index] = True

    def read_arrays(self) -> dict[str, NDArray]:
        """The outputs as plain arrays on the grid (no xarray: cheap to import)."""
        return self.arrays

    def to_dataset(self):
        return build_dataset(self.sweep, self.model, self.arrays)


class SweepStore:
    """A sweep's zarr store: created on first use, resumed afterwards (module docstring).

    Use :meth:`open`; :meth:`missing` lists the chunks still to compute, :meth:`write` stores
    one chunk's results, :meth:`to_dataset` reads everything back.
    """

    def __init__(self, path: Path, group: Any, sweep: Sweep, model: SweepModel) -> None:
        self.path = path
        self.group = group
        self.sweep = sweep
        self.model = model

    @classmethod
    def open(cls, path: str | os.PathLike[str], sweep: Sweep, model: SweepModel) -> SweepStore:
        """Open the store at ``path`` for ``sweep``, creating it if it does not exist.

        Raises :class:`ParameterError` if ``path`` does not end in ``.zarr``, ``OSError`` if
        its folder is missing or not writable, and :class:`DataFileError` if ``path`` holds
        something else (not zarr, corrupt, another program's store or another sweep).
        """
        p = Path(path).expanduser()
        check_store_path(p)
        hint = f"use a new --out or delete {p} to start over"
        if p.exists():
            group = open_zarr_group(p, key=FINGERPRINT_KEY, expected=sweep.fingerprint, hint=hint)
            store = cls(p, group, sweep, model)
            store._validate(hint)
            return store
        attrs = json_attrs(dataset_attrs(sweep, model))
        create_zarr_group(p, attrs, lambda g: _populate(g, sweep, model))
        group = open_zarr_group(p, key=FINGERPRINT_KEY, expected=sweep.fingerprint)
        return cls(p, group, sweep, model)

    def _validate(self, hint: str) -> None:
        """The arrays a store of this sweep must have, with their shapes."""
        try:
            names = set(self.group.array_keys())
        except Exception as exc:  # listing failed: unreadable metadata
            raise DataFileError(f"{self.path} is a corrupt zarr store; {hint}") from exc
        need = {"done", *self.sweep.names, *(o.name for o in self.model.outputs)}
        if not need <= names:
            raise DataFileError(
                f"{self.path} is a corrupt sweep store (missing {sorted(need - names)}); {hint}"
            )
        read_zarr_array(self.group, "done", self.sweep.chunk_grid)

    def done_mask(self) -> NDArray[np.bool_]:
        """Which chunks are complete (shape: the chunk grid)."""
        return read_zarr_array(self.group, "done", self.sweep.chunk_grid) == 1

    def missing(self) -> list[Chunk]:
        done = self.done_mask()
        return [c for c in self.sweep.chunks() if not done[c.index]]

    def write(self, chunk: Chunk, results: dict[str, NDArray]) -> None:
        """Write one chunk's outputs, then mark it done (in that order: see module doc)."""
        for name, values in _check_results(chunk, self.model, results).items():
            self.group[name][chunk.slices] = values
        self.group["done"][chunk.index] = 1

    def read_arrays(self) -> dict[str, NDArray]:
        """Every output in the store as a plain array on the grid (not-yet-computed points hold
        fill values: NaN, or −1 for codes); no xarray, which costs ~0.6 s CPU to import."""
        return {
            o.name: read_zarr_array(self.group, o.name, self.sweep.shape).astype(o.dtype)
            for o in self.model.outputs
        }

    def to_dataset(self):
        """Everything in the store as an in-memory dataset (:meth:`read_arrays`, labelled)."""
        return build_dataset(self.sweep, self.model, self.read_arrays())


def check_store_path(path: Path) -> Path:
    """``--out`` of a sweep: a ``.zarr`` path in an existing, writable folder."""
    if path.suffix != ".zarr":
        raise ParameterError(f"--out must end in .zarr (got {path.name})")
    check_writable_dir(path)
    return path


def _populate(group: Any, sweep: Sweep, model: SweepModel) -> None:
    """Create the (empty) arrays of a new store."""
    dims = list(sweep.names)
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
            chunks=sweep.chunk,
            dimension_names=dims,
            fill_value=o.fill,
            attributes=json_attrs(dict(o.attrs)),
        )
    group.create_array(
        "done",
        shape=sweep.chunk_grid,
        dtype="u1",
        chunks=(1,) * len(dims),
        dimension_names=[f"chunk_{d}" for d in dims],
        fill_value=0,
        compressors=None,
        attributes={"long_name": "1 when the chunk's results are stored"},
    )
