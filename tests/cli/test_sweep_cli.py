"""``qmemristor neuron sweep``: JSON summary, stores, exports, executors and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from qmemristor.io import read_netcdf
from qmemristor.neuron import NeuronParams
from qmemristor.sweeps import make_sweep, run_sweep
from tests.helpers import assert_one_line_error, run_subprocess

# the store, export and executor mechanics on the cheap paper protocol (fixed t_end = 60)
PAPER = ["--protocol", "paper", "--t-end", "60", "--dt-out", "0.1"]
BASE = ["neuron", "sweep", "--v-in", "2", "--r-m", "6", *PAPER]
AXES = ["--x", "gamma=0.1:0.9:3", "--y", "z_t=0.5:1:2"]


def test_json_summary_store_and_netcdf(cli, tmp_path):
    out, nc = tmp_path / "map.zarr", tmp_path / "map.nc"
    res = cli(*BASE, *AXES, "--out", str(out), "--netcdf", str(nc), "--json")
    assert res.code == 0, res.err
    summary = res.json()
    assert list(summary) == ["points", "failed", "not_settled", "elapsed_s", "out"]
    assert summary["points"] == 6 and summary["failed"] == 0 and summary["out"] == str(out)
    assert summary["not_settled"] == 0
    assert summary["elapsed_s"] > 0
    assert res.err == ""  # no progress bar with --json
    ds = read_netcdf(nc)
    assert ds.span.dims == ("gamma", "z_t")
    assert set(ds.data_vars) == {
        "span", "frequency", "regime", "V_mean", "status", "t_reached", "tau"
    }  # fmt: skip
    np.testing.assert_allclose(ds.gamma, [0.1, 0.5, 0.9])
    assert ds.attrs["v_in"] == 2.0 and ds.attrs["r_m"] == 6.0 and ds.attrs["t_end"] == 60.0
    assert ds.attrs["alpha"] == NeuronParams().alpha  # defaults of the other parameters
    assert "qmemristor_version" in ds.attrs and "seed" in ds.attrs
    # the library with the same specification gives the same numbers
    spec = make_sweep(
        "neuron", ["gamma=0.1:0.9:3", "z_t=0.5:1:2"], fixed={"v_in": 2, "r_m": 6},
        options={"protocol": "paper", "t_end": 60.0, "dt_out": 0.1},
    )  # fmt: skip
    lib = run_sweep(spec)
    for k in ("span", "V_mean", "regime", "status"):
        np.testing.assert_array_equal(ds[k].values, lib[k].values)
    # rerunning the command finds the store complete and computes nothing
    again = cli(*BASE, *AXES, "--out", str(out), "--json")
    assert again.code == 0 and again.json()["points"] == 6


def test_one_axis_human_summary_and_rest_start(cli, tmp_path):
    res = cli(*BASE, "--x", "alpha=0:2:3", "--gamma", "0.3", "--initial", "rest",
              "--out", str(tmp_path / "a.zarr"))  # fmt: skip
    assert res.code == 0, res.err
    assert "3 points (3 alpha)" in res.err and "0 failed" in res.err
    with xr.open_zarr(tmp_path / "a.zarr") as ds:
        assert ds.span.dims == ("alpha",) and float(ds.attrs["gamma"]) == 0.3
        assert ds.attrs["initial"] == "rest"
        # α = 0 from rest: Z never relaxes and V settles at the equilibrium of the drifted Z
        # (a line of equilibria), so the span vanishes; α = 1, 2 oscillate (Γ = 0.3 < Γ_H)
        assert ds.span.values[0] < 1e-6 and (ds.span.values[1:] > 1e-2).all()


def test_stationary_protocol_counts_points_that_did_not_settle(cli, tmp_path):
    """Default protocol: Γ = 0.01 at α = 0.1 needs t ≈ 26000 to settle (τ = 1/(αΓ) = 1000),
    Γ = 1 settles at t = 400; with a hard cap of 3000 the first is flagged, not dropped."""
    nc = tmp_path / "s.nc"
    store = str(tmp_path / "s.zarr")
    args = ["neuron", "sweep", "--v-in", "2", "--r-m", "6", "--alpha", "0.1",
            "--x", "gamma=0.01:1:2", "--t-end", "3000", "--out", store]  # fmt: skip
    res = cli(*args, "--netcdf", str(nc), "--json")
    assert res.code == 0, res.err
    summary = res.json()
    assert summary["failed"] == 0 and summary["not_settled"] == 1
    ds = read_netcdf(nc)
    np.testing.assert_array_equal(ds.status.values, [5, 0])
    assert np.isfinite(ds.span.values).all() and ds.span.values[1] < 1e-6
    np.testing.assert_allclose(ds.t_reached.values, [3000.0, 400.0])
    np.testing.assert_allclose(ds.tau.values[0], 1000.0)
    assert ds.attrs["protocol"] == "stationary" and ds.attrs["t_end"] == 3000.0
    # every code is described in the dataset
    assert "5: not_settled" in ds.status.attrs["flag_descriptions"]
    assert ds.status.attrs["flag_meanings"].split()[5] == "not_settled"
    assert "oscillation" in ds.regime.attrs["flag_descriptions"]
    human = cli(*args)  # the finished store is read back
    assert "1 not settled" in human.err


def test_help_states_the_measured_accuracy(cli):
    from qmemristor.sweeps.neuron import ACCURACY

    res = cli("neuron", "sweep", "--help")
    assert res.code == 0
    assert f"{ACCURACY['span_error']:.1e}" in res.out  # one token: never wrapped
    assert "--protocol" in res.out


def test_scheduler_option_uses_a_running_cluster(cli, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
        host="127.0.0.1", dashboard_address=None,
    ) as cluster:  # fmt: skip
        res = cli(*BASE, *AXES, "--out", str(tmp_path / "d.zarr"), "--scheduler",
                  cluster.scheduler_address, "--json")  # fmt: skip
    assert res.code == 0, res.err
    local = cli(*BASE, *AXES, "--out", str(tmp_path / "l.zarr"), "--json")
    with xr.open_zarr(tmp_path / "d.zarr") as d, xr.open_zarr(tmp_path / "l.zarr") as loc:
        xr.testing.assert_identical(d.load(), loc.load())
    assert local.code == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--x", "foo=0:1:3"], "unknown axis parameter 'foo'; valid names: v_in, r_m, gamma"),
        (["--x", "gamma=0:1"], "NAME=START:STOP:NUM"),
        (["--x", "gamma=0:1:0"], "NUM must be an integer ≥ 1"),
        (["--x", "gamma=0:1:3", "--y", "gamma=0:1:3"], "same parameter"),
        (["--x", "gamma=0:1:3", "--gamma", "0.5"], "both an axis and a fixed parameter"),
        (["--x", "alpha=0:2.5:6"], "alpha must be in [0, 2] (got 2.5)"),
        (["--x", "z_t=0:1.5:3"], "z_t must be in [0, 1]"),
        (["--x", "gamma=0:1:3", "--t-end", "-1"], "t_end must be > 0"),
        (["--x", "gamma=0:1:3", "--workers", "2", "--scheduler", "tcp://x:1"], "not both"),
        (["--x", "gamma=0:1:3", "--workers", "0"], "--workers must be ≥ 1"),
        (["--x", "gamma=0:1:3", "--chunk-size", "0"], "--chunk-size must be ≥ 1"),
    ],
)
def test_bad_input_is_one_line(cli, tmp_path, args, fragment):
    # an option of BASE that the case sets is dropped (a repeated option is an error)
    base = [a for i, a in enumerate(BASE) if a not in args and BASE[i - 1] not in args]
    res = cli(*base, *args, "--out", str(tmp_path / "x.zarr"))
    assert_one_line_error(res, fragment)
    assert not (tmp_path / "x.zarr").exists()  # nothing was created


def test_bad_outputs_are_one_line(cli, tmp_path):
    assert_one_line_error(
        cli(*BASE, *AXES, "--out", str(tmp_path / "map.nc")), "--out must end in .zarr"
    )
    assert_one_line_error(
        cli(*BASE, *AXES, "--out", str(tmp_path / "missing" / "m.zarr")), "does not exist"
    )
    assert_one_line_error(
        cli(*BASE, *AXES, "--out", str(tmp_path / "m.zarr"), "--netcdf", str(tmp_path / "x.txt")),
        "--netcdf must end in .nc (got x.txt)",
    )
    bad = tmp_path / "bad.zarr"
    bad.mkdir()
    (bad / "zarr.json").write_text("garbage")
    assert_one_line_error(cli(*BASE, *AXES, "--out", str(bad)), "corrupt zarr store")
    # a store of another sweep is refused before anything runs
    other = tmp_path / "other.zarr"
    assert cli(*BASE, "--x", "gamma=0.1:0.9:2", "--out", str(other), "--json").code == 0
    res = cli(*BASE, *AXES, "--out", str(other))
    assert_one_line_error(res, "holds a different sweep", "new --out or delete")


def test_unreachable_scheduler_is_one_line(cli, tmp_path):
    pytest.importorskip("distributed")
    res = cli(*BASE, *AXES, "--out", str(tmp_path / "s.zarr"), "--scheduler", "tcp://127.0.0.1:9")
    assert_one_line_error(res, "cannot reach the Dask scheduler at tcp://127.0.0.1:9")


def test_bad_axis_in_a_fresh_interpreter(tmp_path):
    res = run_subprocess(*BASE, "--x", "lam=0:1:3", "--out", str(tmp_path / "m.zarr"))
    assert_one_line_error(res, "axis lam=0.0:1.0:3: lam must be > 0 (got 0)")
