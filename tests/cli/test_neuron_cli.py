"""``qmemristor neuron ...`` through the CLI: JSON shapes, agreement with the library, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.io import read_netcdf
from qmemristor.neuron import NeuronParams, equilibria, fold_points, primary_cusp
from tests.helpers import assert_one_line_error, run_subprocess


def test_equilibria_json(cli):
    res = cli(
        "neuron",
        "equilibria",
        "--r-m",
        "8",
        "--v-in",
        "4",
        "--z-t",
        "1",
        "--gamma",
        "1",
        "--alpha",
        "1",
        "--json",
    )
    assert res.code == 0, res.err
    data = res.json()
    assert list(data) == ["equilibria"]
    eqs = data["equilibria"]
    assert [sorted(e) for e in eqs] == [["V", "eigenvalues", "stable"]] * 3
    vs = [e["V"] for e in eqs]
    assert vs == sorted(vs)
    assert [e["stable"] for e in eqs] == [True, False, True]
    ref = equilibria(NeuronParams(r_m=8, v_in=4, z_t=1, gamma=1, alpha=1))
    np.testing.assert_allclose(vs, [e.V for e in ref], rtol=1e-14)
    for e, r in zip(eqs, ref, strict=True):
        ev = np.array(e["eigenvalues"])
        assert ev.shape == (4, 2)
        np.testing.assert_allclose(ev[:, 0] + 1j * ev[:, 1], r.eigenvalues, rtol=1e-12)


def test_device_options_reach_the_model(cli):
    args = ["--r-m", "10", "--z-t", "0.7", "--l", "0.4", "--x0", "0.1", "--lam", "0.2"]
    res = cli("neuron", "folds", *args, "--omega", "3", "--json")
    assert res.code == 0, res.err
    ref = fold_points(NeuronParams(r_m=10, z_t=0.7, l=0.4, x0=0.1, lam=0.2))
    assert len(ref) >= 2
    np.testing.assert_allclose([f["V"] for f in res.json()["folds"]], [f.V for f in ref])


def test_folds_json_reference_and_empty_below_the_cusp(cli):
    res = cli("neuron", "folds", "--r-m", "8", "--z-t", "1", "--json")
    assert res.code == 0, res.err
    folds = res.json()["folds"]
    np.testing.assert_allclose([f["V"] for f in folds], [1.4336, 2.6689], atol=1e-3)
    np.testing.assert_allclose([f["v_in"] for f in folds], [5.4501, 2.9232], atol=1e-3)
    below = cli("neuron", "folds", "--r-m", "1", "--json")
    assert below.code == 0 and below.json() == {"folds": []}


def test_cusp_json_both_sides(cli):
    pos = cli("neuron", "cusp", "--z-t", "1", "--json").json()
    neg = cli("neuron", "cusp", "--z-t", "1", "--side", "negative", "--json").json()
    assert set(pos) == {"r_m", "V", "v_in"}
    ref = primary_cusp(NeuronParams(z_t=1.0), +1)
    assert pos == {"r_m": ref.r_m, "V": ref.V, "v_in": ref.v_in}
    assert neg["V"] < 0 < pos["V"]


def test_human_output_goes_to_stderr(cli):
    res = cli("neuron", "equilibria", "--r-m", "8", "--v-in", "4")
    assert res.code == 0 and res.out == ""
    assert "3 equilibrium point(s)" in res.err and "unstable" in res.err
    assert "below the cusp" in cli("neuron", "folds", "--r-m", "1").err


def test_ramp_json_and_netcdf(cli, tmp_path):
    out = tmp_path / "ramp.nc"
    res = cli("neuron", "ramp", "--r-m", "8", "--steps", "71", "--out", str(out), "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert len(data["v_in"]) == len(data["V"]) == 141
    assert [round(j["v_in"], 1) for j in data["jumps"]] == [5.5, 2.9]
    ds = read_netcdf(out)
    np.testing.assert_allclose(ds.V.values, data["V"])
    assert ds.attrs["r_m"] == 8.0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["equilibria", "--alpha", "2.5"], "alpha must be in [0, 2]"),
        (["equilibria", "--z-t", "-0.1"], "z_t must be in [0, 1]"),
        (["equilibria", "--lam", "0"], "lam must be > 0"),
        (["equilibria", "--v-in", "nan"], "v_in must be finite"),
        (["equilibria", "--gamma", "-1"], "gamma must be ≥ 0"),
        (["equilibria", "--l", "0"], "l must be > 0"),
        (["equilibria", "--l", "-1"], "l must be > 0"),
        (["equilibria", "--r-m", "-3"], "r_m must be ≥ 0"),
        (["folds", "--z-t", "1.2"], "z_t must be in [0, 1]"),
        (["folds", "--x0", "inf"], "x0 must be finite"),
        (["cusp", "--lam", "-0.1"], "lam must be > 0"),
        (["cusp", "--x0", "1000", "--side", "negative"], "no cusp"),
        (["cusp", "--side", "up"], "--side"),
        (["ramp", "--steps", "1"], "steps must be"),
        (["ramp", "--v-in-min", "3", "--v-in-max", "1"], "v_in_max must be > v_in_min"),
        (["ramp", "--out", "x.txt"], "--out must end in .nc"),
        (["equilibria", "--v-in", "abc"], "--v-in"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(cli, args, fragment):
    assert_one_line_error(cli("neuron", *args), fragment)


def test_bad_input_through_the_real_entry_point():
    assert_one_line_error(run_subprocess("neuron", "cusp", "--z-t", "nan"), "z_t must be finite")


@pytest.mark.parametrize(
    "cmd", [["neuron"], *[["neuron", c] for c in ("equilibria", "folds", "cusp", "ramp")]]
)
def test_help(cli, cmd):
    res = cli(*cmd, "--help")
    assert res.code == 0 and "Usage" in res.out
