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
    "provenance_attrs",
    "read_netcdf",
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
