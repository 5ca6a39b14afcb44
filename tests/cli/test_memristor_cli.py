"""``qmemristor memristor simulate`` through the CLI: JSON, netCDF, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.io import read_netcdf
from qmemristor.memristor import InitialState, MemristorParams, exact_solution, time_grid
from tests.helpers import assert_one_line_error, run_subprocess


def test_json_has_the_documented_fields_and_matches_the_library(cli):
    res = cli(
        "memristor",
        "simulate",
        "--gamma0",
        "0.4",
        "--a",
        "0.7",
        "--b",
        "1.1",
        "--periods",
        "3",
        "--points-per-period",
        "20",
        "--json",
    )
    assert res.code == 0, res.err
    data = res.json()
    assert set(data) == {"t", "sigma_x", "sigma_y", "V", "I", "gamma", "form_factor"}
    assert len(data["t"]) == 61 and len(data["form_factor"]) == 3
    ref = exact_solution(MemristorParams(0.4), InitialState.from_angles(0.7, 1.1), time_grid(3, 20))
    np.testing.assert_allclose(data["sigma_y"], ref.sigma_y, rtol=1e-14)
    i, v, g = (np.array(data[k]) for k in ("I", "V", "gamma"))
    assert np.max(np.abs(i - g * v)) <= 1e-9 * np.max(np.abs(i))


def test_lindblad_method_and_mixed_state_and_netcdf_output(cli, tmp_path):
    out = tmp_path / "run.nc"
    res = cli(
        "memristor",
        "simulate",
        "--method",
        "lindblad",
        "--bloch",
        "0.2,0.3,-0.1",
        "--periods",
        "2",
        "--seed",
        "11",
        "--out",
        str(out),
    )
    assert res.code == 0, res.err
    ds = read_netcdf(out)
    assert ds.attrs["method"] == "lindblad" and ds.attrs["seed"] == 11
    np.testing.assert_allclose(ds.attrs["initial_bloch"], [0.2, 0.3, -0.1])
    ref = exact_solution(MemristorParams(0.2), InitialState(0.2, 0.3, -0.1), ds.t.values)
    np.testing.assert_allclose(ds.sigma_x.values, ref.sigma_x, atol=2e-9)
    assert not list(tmp_path.glob(".*tmp"))  # no temporary left behind


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--gamma0", "-0.5"], "gamma0 must be ≥ 0"),
        (["--a", "2"], "a must be in [0, π/2]"),
        (["--a", "-0.1"], "a must be in [0, π/2]"),
        (["--gamma0", "nan"], "gamma0 must be finite"),
        (["--b", "inf"], "b must be finite"),
        (["--periods", "0"], "periods must be a positive integer"),
        (["--periods", "-3"], "periods must be a positive integer"),
        (["--points-per-period", "3"], "points-per-period must be an integer ≥ 4"),
        (["--omega", "0"], "omega must be > 0"),
        (["--gamma0", "abc"], "--gamma0"),
        (["--method", "euler"], "--method"),
        (["--bloch", "1,1"], "--bloch must be three numbers"),
        (["--bloch", "0.9,0.9,0"], "|r| ≤ 1"),
        (["--out", "/nonexistent-dir/x.nc"], "does not exist"),
        (["--out", "x.txt"], "--out must end in .nc"),
        (["--frobnicate"], "No such option"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(cli, args, fragment):
    assert_one_line_error(cli("memristor", "simulate", *args), fragment)


def test_bad_input_through_the_real_entry_point_has_no_traceback():
    assert_one_line_error(run_subprocess("memristor", "simulate", "--a", str(math.pi)), "a must be")


@pytest.mark.parametrize("cmd", [[], ["memristor"], ["memristor", "simulate"], ["reproduce"]])
def test_help_everywhere(cli, cmd):
    res = cli(*cmd, "--help")
    assert res.code == 0
    assert "Usage" in res.out
