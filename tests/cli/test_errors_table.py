"""Every row of docs/errors.md, run through the CLI: one line on stderr, exit 2, nothing left."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tests.helpers import assert_one_line_error

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| *([^|]+?) *\| *(.+?) *\| *`([^`]+)` *\| *(.+?) *\|$")


def table_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (ROOT / "docs" / "errors.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            command, what, args, message = m.groups()
            rows.append((command, what, args, message.replace("\\|", "|")))
    return rows


ROWS = table_rows()


def test_the_table_covers_every_command():
    assert len(ROWS) >= 40
    commands = {r[0] for r in ROWS}
    assert {"memristor simulate", "memristor circuit", "memristor coupled", "reproduce"} <= commands
    assert {"neuron equilibria", "neuron folds", "neuron cusp", "neuron ramp"} <= commands
    assert {"neuron hopf", "neuron simulate", "neuron continue", "neuron sweep"} <= commands


@pytest.fixture
def places(tmp_path):
    """Values of the placeholders: a missing folder, an unwritable one, a file, a fresh one."""
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    try:  # root ignores permission bits: fall back to sysfs, which refuses new files
        (readonly / ".probe").touch()
        (readonly / ".probe").unlink()
        readonly = Path("/sys")
        if not readonly.is_dir():
            pytest.skip("no unwritable folder available")
    except OSError:
        pass
    afile = tmp_path / "afile"
    afile.write_text("x")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    corrupt = tmp_path / "corrupt.zarr"
    corrupt.mkdir()
    (corrupt / "zarr.json").write_text("{ not json")
    foreign = tmp_path / "foreign.zarr"
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_zarr(foreign, zarr_format=3, consolidated=False)
    notzarr = tmp_path / "notzarr.zarr"
    notzarr.write_text("x")
    dirout = tmp_path / "d.nc"
    dirout.mkdir()
    dangling = tmp_path / "dangling.nc"
    dangling.symlink_to(tmp_path / "nowhere" / "x.nc")
    devnull = tmp_path / "null.nc"
    devnull.symlink_to("/dev/null")
    # a sweep store whose lock is held by a run on another machine (a shared file system)
    holder = {"pid": 4242, "host": "node7", "start": None, "since": "2026-01-01T00:00:00"}
    (tmp_path / "locked.zarr.lock").write_text(json.dumps(holder))
    yield {
        "missing": str(tmp_path / "missing"),
        "readonly": str(readonly),
        "file": str(afile),
        "tmp": str(fresh),
        "corrupt": str(corrupt),
        "foreign": str(foreign),
        "notzarr": str(notzarr),
        "dirout": str(dirout),
        "dangling": str(dangling),
        "devnull": str(devnull),
        "locked": str(tmp_path / "locked.zarr"),
        "longname": str(fresh / ("a" * 260 + ".nc")),
    }
    (tmp_path / "readonly").chmod(0o755)


def snapshot(*roots: str) -> dict[str, bytes]:
    """Every file below the given paths with its bytes (to see that nothing was touched)."""
    files = {}
    for root in map(Path, roots):
        for f in [root] if root.is_file() else sorted(root.rglob("*")):
            if f.is_file():
                files[str(f)] = f.read_bytes()
    return files


@pytest.mark.parametrize(("command", "what", "args", "message"), ROWS, ids=[r[1] for r in ROWS])
def test_row(cli, places, request, command, what, args, message):
    if "{full}" in args:
        places = {**places, "full": str(request.getfixturevalue("full_device"))}
    argv = [a.format(**places) for a in shlex.split(args)]
    stores = snapshot(places["corrupt"], places["foreign"], places["notzarr"])
    assert " ".join(argv[: len(command.split())]) == command, "row is filed under its command"
    res = cli(*argv)
    # "…" separates fragments that must appear in order in the one line
    fragments = [f.strip() for f in message.format(**places).split("…") if f.strip()]
    assert_one_line_error(res, *fragments)
    line = res.err.strip()
    pos = 0
    for frag in fragments:
        pos = line.index(frag, pos) + len(frag)
    # nothing half-written: the fresh folder (and the full device) stay empty, the given
    # stores stay as they were
    assert not any(Path(places["tmp"]).iterdir())
    if "full" in places:
        assert not any(Path(places["full"]).iterdir())
    assert snapshot(places["corrupt"], places["foreign"], places["notzarr"]) == stores
