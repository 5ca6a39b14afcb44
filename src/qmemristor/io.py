"""Data files and their provenance: xarray ↔ netCDF, PNG, attributes with parameters and version.

Every file is written to a temporary name in the folder of the resolved target (symlinks
followed) and renamed into place, so an interrupted or failed write never leaves a
half-written file under the final name; a full device is one ``OSError`` line.
"""

from __future__ import annotations

import errno
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
    "check_output_file",
    "check_writable_dir",
    "create_zarr_group",
    "json_attrs",
    "open_zarr_group",
    "provenance_attrs",
    "read_netcdf",
    "read_zarr_array",
    "resolve_target",
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


#: Free space below which a failed write is reported as a full device (HDF5 reports a full
#: disk only as "NetCDF: HDF error"; a disk that filled up during the write has ~0 left).
_FULL_DEVICE_BYTES = 1 << 20


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` really creates: ``~`` expanded, symlinks followed.

    A symlink (also a dangling one, or a chain) is followed to the path it names, so the
    temporary file is built in *that* folder and renamed onto it (never across devices, and
    never in ``/`` for a dangling relative link); the link itself is left in place.
    """
    return Path(os.path.realpath(Path(path).expanduser()))


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # pragma: no cover - non-POSIX
        return 255


def _short_name(name: str, suffix: str, limit: int) -> str:
    """``.{name}{suffix}`` cut to at most ``limit`` bytes (UTF-8), keeping the suffix."""
    room = limit - 1 - len(suffix.encode())
    head = name.encode()[:room].decode(errors="ignore")
    return f".{head}{suffix}"


def check_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Return the folder in which ``path`` (symlinks followed) will be written, or raise
    ``OSError`` with a one-line reason.  Existing targets (e.g. a store to resume) are allowed.
    """
    target = resolve_target(path)
    parent = target.parent
    plain = Path(os.path.abspath(Path(path).expanduser()))
    link = f" (a link to {target})" if target != plain else ""
    if not parent.is_dir():
        raise OSError(f"cannot write {path}{link}: folder {parent} does not exist")
    # Probe with a real file: permission bits say nothing for root, and read-only mounts
    # (or sysfs) refuse writes that os.access() allows.  The probe's name is short and fixed
    # in length, so a legal long target name does not make it too long.
    probe = parent / f".qmemristor-probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as exc:
        raise OSError(
            f"cannot write {path}{link}: folder {parent} is not writable ({exc.strerror or exc})"
        ) from None
    return parent


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Check, before any work, that a data file can be written at ``path``; return the
    resolved target.

    Refused with one line: a missing or unwritable folder, a name longer than the file system
    allows, and a target that exists but is not a regular file (a folder, a device: replacing
    it would destroy it).
    """
    parent = check_writable_dir(path)
    target = resolve_target(path)
    size = len(target.name.encode())
    if size > _name_max(parent):
        raise OSError(
            f"cannot write {path}: the file name is {size} bytes, longer than the "
            f"{_name_max(parent)} the file system allows"
        )
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file"
        raise OSError(f"cannot write {path}: {target} is {kind}")
    return target


def _device_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _FULL_DEVICE_BYTES
    except OSError:  # pragma: no cover
        return False


def _write_error(exc: BaseException, target: Path, parent: Path) -> OSError | None:
    """The one-line ``OSError`` for a failed write, or None for a failure that is not I/O."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or e.__context__
    codes = {getattr(e, "errno", None) for e in chain}
    if codes & {errno.ENOSPC, errno.EDQUOT} or _device_full(parent):
        return OSError(f"no space left on device writing {target}")
    os_err = next((e for e in chain if isinstance(e, OSError) and e.strerror), None)
    if os_err is not None:
        return OSError(f"cannot write {target}: {os_err.strerror}")
    return None


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside the resolved ``path``; rename it onto it only on success.

    The temporary name lives in the folder of the resolved target (:func:`resolve_target`),
    so the final :func:`os.replace` is atomic and never crosses devices.  A failure of the
    writer because the device is full (or any other I/O error) becomes one ``OSError`` line
    naming the target; the temporary file is removed.
    """
    target = resolve_target(path)
    parent = check_writable_dir(path)
    if target.is_dir() and target.suffix != ".zarr":
        raise OSError(f"cannot write {path}: {target} is a folder")
    # not mkstemp: the writer creates the file, so it gets the user's usual permissions
    suffix = f".{os.getpid()}.{secrets.token_hex(4)}.tmp"
    tmp_path = parent / _short_name(target.name, suffix, _name_max(parent))
    try:
        try:
            yield tmp_path
            os.replace(tmp_path, target)
        except Exception as exc:
            err = _write_error(exc, target, parent)  # before the cleanup frees the space
            if err is None:
                raise
            raise err from exc
    finally:
        if tmp_path.is_dir():
            shutil.rmtree(tmp_path, ignore_errors=True)
        elif tmp_path.exists():
            tmp_path.unlink()


def write_netcdf(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write an ``xarray.Dataset`` to netCDF-4 atomically; return the final path.

    The file is written beside the resolved target (symlinks followed) and renamed onto it;
    a full device is reported as ``OSError("no space left on device writing …")``.
    """
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
