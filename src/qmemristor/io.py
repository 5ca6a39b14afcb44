"""Data files and their provenance: xarray ↔ netCDF, PNG, attributes with parameters and version.

Every file is written to a temporary name in the target folder and renamed into place, so an
interrupted or failed write never leaves a half-written file under the final name.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ._version import __version__
from .errors import DataFileError

__all__ = [
    "atomic_path",
    "check_writable_dir",
    "create_zarr_group",
    "json_attrs",
    "open_zarr_group",
    "provenance_attrs",
    "read_netcdf",
    "read_zarr_array",
    "sanitize_attrs",
    "write_netcdf",
    "write_png",
]


def _attr_value(v: Any) -> Any:
    """One attribute value in a form netCDF accepts (str, number, or 1-D numeric array)."""
    if v is None:
        return "none"
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    if isinstance(v, list | tuple | np.ndarray):
        arr = np.asarray(v)
        if arr.dtype.kind in "biuf" and arr.ndim == 1:
            return arr.astype(float if arr.dtype.kind == "f" else np.int64)
        return json.dumps(_jsonable(v))
    if isinstance(v, Mapping):
        return json.dumps(_jsonable(v))
    return str(v)


def _jsonable(v: Any) -> Any:
    """Plain-JSON form of nested values (NaN and ±inf become null)."""
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple | np.ndarray):
        return [_jsonable(x) for x in (v.tolist() if isinstance(v, np.ndarray) else v)]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, bool | int | float | str) or v is None:
        return v
    return str(v)


def json_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes as plain JSON values (zarr attributes): arrays → lists, NaN/inf → null."""
    return _jsonable(dict(attrs))


def sanitize_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes made storable in netCDF: ``None`` → ``"none"``, bools → 0/1, dicts → JSON."""
    return {str(k): _attr_value(v) for k, v in attrs.items()}


def provenance_attrs(params: Mapping[str, Any], *, seed: int | None = None) -> dict[str, Any]:
    """Dataset attributes: the parameters, ``qmemristor_version``, ``seed`` and a JSON copy.

    ``parameters_json`` holds every parameter in one JSON object, so tools that read only one
    attribute still get all of them.  No timestamps: the same command gives the same file.
    """
    out = sanitize_attrs(params)
    out["parameters_json"] = json.dumps(_jsonable(dict(params)), sort_keys=True)
    out["qmemristor_version"] = __version__
    out["seed"] = "none" if seed is None else int(seed)
    return out


def check_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Return the parent folder of ``path``, or raise ``OSError`` with a one-line reason."""
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise OSError(f"cannot write {path}: folder {parent} does not exist")
    # Probe with a real file: permission bits say nothing for root, and read-only mounts
    # (or sysfs) refuse writes that os.access() allows.
    probe = parent / f".{Path(path).name}.{os.getpid()}.{secrets.token_hex(4)}.probe"
    try:
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as exc:
        raise OSError(
            f"cannot write {path}: folder {parent} is not writable ({exc.strerror or exc})"
        ) from None
    return parent


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success."""
    target = Path(path).expanduser()
    parent = check_writable_dir(target)
    # not mkstemp: the writer creates the file, so it gets the user's usual permissions
    tmp_path = parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.is_dir():
            shutil.rmtree(tmp_path, ignore_errors=True)
        elif tmp_path.exists():
            tmp_path.unlink()


def write_netcdf(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write an ``xarray.Dataset`` to netCDF-4 atomically; return the final path."""
    target = Path(path).expanduser()
    with atomic_path(target) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4")
    return target


def read_netcdf(path: str | os.PathLike[str]) -> Any:
    """Load a netCDF file fully into memory, with a one-line error if it is missing or corrupt."""
    import xarray as xr

    p = Path(path).expanduser()
    if not p.is_file():
        raise DataFileError(f"no such file: {p}")
    try:
        with xr.open_dataset(p, engine="netcdf4") as ds:
            return ds.load()
    except Exception as exc:
        raise DataFileError(f"{p} is not a readable netCDF file ({type(exc).__name__})") from exc


def write_png(save: Callable[[Path], None] | Any, path: str | os.PathLike[str]) -> Path:
    """Save a matplotlib ``Figure`` (or any ``save(path)`` callable) as PNG atomically."""
    target = Path(path).expanduser()
    with atomic_path(target) as tmp:
        if callable(save):
            save(tmp)
        else:
            save.savefig(tmp, format="png", dpi=150, metadata={"Software": None})
    return target


# --------------------------------------------------------------------------------------------
# zarr stores (resumable sweeps)
# --------------------------------------------------------------------------------------------
def create_zarr_group(
    path: str | os.PathLike[str],
    attrs: Mapping[str, Any],
    populate: Callable[[Any], None],
) -> Path:
    """Create a zarr v3 group at ``path`` atomically: built in a temporary folder, then renamed.

    ``populate(group)`` creates the arrays.  A process killed meanwhile leaves no half-made
    store under ``path`` (at most a hidden temporary folder beside it).  Raises ``OSError``
    if ``path`` exists.
    """
    import zarr

    target = Path(path).expanduser()
    if target.exists():
        raise OSError(f"cannot create {target}: it exists")
    with atomic_path(target) as tmp:
        group = zarr.open_group(str(tmp), mode="w-", zarr_format=3)
        group.attrs.update(dict(attrs))
        populate(group)
        # consolidated metadata lets xarray.open_zarr read the store without a warning; the
        # arrays' metadata never changes after creation (only chunks are written), so it
        # stays valid.  zarr warns that consolidation is not yet in the v3 spec: expected.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            zarr.consolidate_metadata(str(tmp))
    return target


def open_zarr_group(
    path: str | os.PathLike[str],
    *,
    key: str,
    expected: str,
    hint: str = "",
) -> Any:
    """Open an existing zarr v3 group for appending, checking that ``attrs[key] == expected``.

    Raises :class:`DataFileError` with one line when ``path`` is not a readable zarr group
    (corrupt or not zarr), lacks ``key`` (written by something else), or holds another value
    (a different sweep); ``hint`` is appended to the message (e.g. what to do instead).
    """
    import zarr

    p = Path(path).expanduser()
    tail = f"; {hint}" if hint else ""
    if not p.is_dir() or not (p / "zarr.json").is_file():
        raise DataFileError(f"{p} exists but is not a zarr v3 store{tail}")
    try:
        group = zarr.open_group(str(p), mode="r+", zarr_format=3)
        found = group.attrs.get(key)
    except Exception as exc:  # any decoding failure means a corrupt store
        raise DataFileError(f"{p} is a corrupt zarr store ({type(exc).__name__}){tail}") from exc
    if found is None:
        raise DataFileError(f"{p} was not written by this program (no {key!r}){tail}")
    if found != expected:
        raise DataFileError(
            f"{p} holds a different {key.replace('_', ' ')} ({str(found)[:12]}… ≠ "
            f"{expected[:12]}…){tail}"
        )
    return group


def read_zarr_array(group: Any, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Read a whole array of a zarr group, with :class:`DataFileError` if missing or corrupt."""
    try:
        arr = group[name]
        data = np.asarray(arr[...])
    except Exception as exc:  # missing key, bad chunk, bad metadata
        raise DataFileError(
            f"corrupt zarr store {group.store}: array {name!r} unreadable ({type(exc).__name__})"
        ) from exc
    if shape is not None and data.shape != tuple(shape):
        raise DataFileError(
            f"corrupt zarr store {group.store}: array {name!r} has shape {data.shape}, "
            f"expected {tuple(shape)}"
        )
    return data
