"""Output files: written beside the resolved target (symlinks followed), refused before any
work when they cannot be written, and a full device is one line (issue 19, examples 7, 11, 12).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import qmemristor.memristor
from qmemristor import io as qio
from tests.helpers import assert_one_line_error

SMALL = ["memristor", "simulate", "--periods", "1"]


def _dataset(n: int = 10) -> xr.Dataset:
    return xr.Dataset({"a": ("x", np.arange(float(n)))})


@pytest.fixture
def no_work(monkeypatch):
    """Make the memristor computation fail loudly: an error seen instead was found before."""

    def refuse(*_a, **_k):
        raise AssertionError("the run started although its output cannot be written")

    monkeypatch.setattr(qmemristor.memristor, "simulate", refuse)


def test_a_symlinked_output_is_written_in_the_link_targets_folder(tmp_path, monkeypatch):
    there = tmp_path / "there"
    there.mkdir()
    here = tmp_path / "here"
    here.mkdir()
    link = here / "out.nc"
    link.symlink_to(there / "real.nc")  # dangling until written
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((Path(src).parent, Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    qio.write_netcdf(_dataset(), link)
    assert seen == [(there, there / "real.nc")]  # built beside the target: same device
    assert link.is_symlink() and (there / "real.nc").is_file()
    assert qio.read_netcdf(link).a.size == 10
    assert sorted(p.name for p in here.iterdir()) == ["out.nc"]  # no temporary left
    assert sorted(p.name for p in there.iterdir()) == ["real.nc"]


def test_a_relative_dangling_link_resolves_against_its_own_folder(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "data").mkdir()
    link = tmp_path / "sub" / "x.nc"
    link.symlink_to("data/x.nc")  # relative: resolved against sub/, not the cwd or /
    monkeypatch.chdir("/")
    assert qio.resolve_target(link) == (tmp_path / "sub" / "data" / "x.nc").resolve()
    qio.write_netcdf(_dataset(), link)
    assert (tmp_path / "sub" / "data" / "x.nc").is_file()


def test_a_dangling_link_into_a_missing_folder_is_refused_before_the_run(cli, tmp_path, no_work):
    link = tmp_path / "x.nc"
    link.symlink_to(tmp_path / "nowhere" / "x.nc")
    res = cli(*SMALL, "--out", str(link))
    assert_one_line_error(res, "(a link to", "folder", "nowhere", "does not exist")


def test_a_directory_output_is_refused_before_the_run(cli, tmp_path, no_work):
    (tmp_path / "d.nc").mkdir()
    res = cli(*SMALL, "--out", str(tmp_path / "d.nc"))
    assert_one_line_error(res, "d.nc is a folder")
    assert ".tmp" not in res.err  # no raw temporary path in the message


def test_a_link_to_a_device_is_refused_and_the_device_is_left_alone(cli, tmp_path, no_work):
    link = tmp_path / "null.nc"
    link.symlink_to("/dev/null")
    res = cli(*SMALL, "--out", str(link))
    assert_one_line_error(res, "/dev/null is not a regular file")
    assert Path("/dev/null").is_char_device()


def test_a_legal_long_name_is_written(cli, tmp_path):
    name = "a" * 245 + ".nc"  # 248 bytes: legal (NAME_MAX 255); the old probe name was not
    res = cli(*SMALL, "--out", str(tmp_path / name))
    assert res.code == 0, res.err
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_name_longer_than_the_file_system_allows_is_refused_before_the_run(
    cli, tmp_path, no_work
):
    res = cli(*SMALL, "--out", str(tmp_path / ("a" * 260 + ".nc")))
    assert_one_line_error(res, "the file name is 263 bytes, longer than the 255")


def test_temporary_names_stay_within_the_name_limit():
    name = qio._short_name("b" * 300, ".12345.abcdef01.tmp", 255)
    assert len(name.encode()) == 255 and name.endswith(".12345.abcdef01.tmp")
    # multi-byte characters are never cut in half
    name = qio._short_name("γ" * 200, ".tmp", 255)
    assert len(name.encode()) <= 255
    name.encode().decode()


def test_no_space_left_is_one_line_and_leaves_no_temporary(tmp_path, monkeypatch):
    def full(self, path, **_k):
        Path(path).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", full)
    with pytest.raises(OSError, match=r"^no space left on device writing .*x\.nc$"):
        qio.write_netcdf(_dataset(), tmp_path / "x.nc")
    assert list(tmp_path.iterdir()) == []


def test_hdf5s_anonymous_error_on_a_full_device_is_reported_as_such(tmp_path, monkeypatch):
    # netCDF4/HDF5 report a full disk as RuntimeError("NetCDF: HDF error") without errno:
    # the free space, read before the temporary file is removed, tells
    def hdf_error(self, path, **_k):
        Path(path).write_bytes(b"partial")
        raise RuntimeError("NetCDF: HDF error")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", hdf_error)
    monkeypatch.setattr(qio, "_device_full", lambda folder: True)
    with pytest.raises(OSError, match="no space left on device writing"):
        qio.write_netcdf(_dataset(), tmp_path / "x.nc")
    monkeypatch.setattr(qio, "_device_full", lambda folder: False)
    with pytest.raises(RuntimeError, match="HDF error"):  # not a full device: not disguised
        qio.write_netcdf(_dataset(), tmp_path / "x.nc")
    assert list(tmp_path.iterdir()) == []


def test_disk_full_on_a_real_device_is_one_line(cli, full_device):
    # 2000 periods × 100 points: ~1.6 MB of netCDF, more than the 1 MiB device holds
    out = full_device / "big.nc"
    res = cli(*SMALL[:2], "--periods", "2000", "--points-per-period", "100", "--out", str(out))
    assert_one_line_error(res, f"no space left on device writing {out}")
    assert list(full_device.iterdir()) == []  # the partial temporary file was removed
